"""What is wrong with a data file: each problem's message, and its FILE:LINE:COL.

A problem is found at a path in the loaded document (("handovers", 0, "deadline")); its
position is worked out only when there are problems to report, by composing the text again
and mapping each path to the longest recorded prefix: the key's mark for an unknown key, the
enclosing mapping's for a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from handover.errors import DataFileError
from handover.reading import KeyPath, Located, Marks, marks


class Problem(NamedTuple):
    """One thing wrong with a data file, at a path such as ("handovers", 0, "deadline").

    `at_key` places it on the key rather than the value; `related` points at another place
    worth naming (the first use of a duplicated id, say).
    """

    path: KeyPath
    message: str
    at_key: bool = False
    related: KeyPath | None = None


def describe(value: object) -> str:
    """A short description of a value for messages (never prints a large structure)."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else type(value).__name__


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def report(
    filename: str, text: str, problems: Sequence[Problem], located: Iterable[Located] = ()
) -> DataFileError:
    """Every problem as a `FILE:LINE:COL: message` line, sorted by position, duplicates once."""
    placed = list(located)
    if problems:
        found = marks(text)  # composes the text again: errors only
        placed += [_locate(problem, found) for problem in problems]
    placed.sort(key=lambda p: (p.line, p.col))
    return DataFileError(*(f"{filename}:{p.line}:{p.col}: {p.text}" for p in _unique(placed)))


def _unique(items: list[Located]) -> Iterator[Located]:
    seen: set[Located] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _locate(problem: Problem, found: Marks) -> Located:
    path = problem.path
    while path not in found and path:
        path = path[:-1]
    if path not in found:
        return Located(1, 1, problem.message)
    key_mark, value_mark = found[path]
    exact = path == problem.path
    mark = key_mark if (problem.at_key or not exact) else value_mark
    message = problem.message
    if problem.related is not None:
        other = problem.related
        if other in found:
            message += f" (first at line {found[other][1].line + 1})"
        else:
            message += f" (first at {format_path(other)})"
    return Located(mark.line + 1, mark.column + 1, message)


# --- pydantic's errors in the data file's words ---------------------------------------------

_TYPE_WORDS = {
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "int_type": "expected a whole number",
    "bool_type": "expected true or false",
}


def from_pydantic(
    exc: ValidationError, root: type[BaseModel], tags: Mapping[str, Sequence[str]] | None = None
) -> list[Problem]:
    """One Problem per pydantic error, worded for the person who wrote the file. `tags` names
    the fields that are tagged unions and their tags, which pydantic puts into an error's
    location (deadline.rule.days); they are no key of the file, so they are left out."""
    import difflib  # only when a file has errors

    problems = []
    for error in exc.errors(include_url=False):
        loc = _untagged(tuple(error["loc"]), tags or {})
        kind = error["type"]
        value = error.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            cls = model_at(root, loc[:-1])
            valid = keys_of(cls) if cls else []
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]!r}?" if close else f" (valid keys: {', '.join(valid)})"
            )
            problems.append(Problem(loc, f"unknown key {key!r}{hint}", at_key=True))
        elif kind == "missing":
            problems.append(Problem(loc, f"missing required key {loc[-1]!r}"))
        elif not loc and kind in ("model_type", "dict_type"):
            problems.append(
                Problem(
                    loc,
                    "the top level must be a mapping with the keys schema, agreement "
                    f"and handovers, not {describe(value)}",
                )
            )
        elif kind == "literal_error" and loc == ("schema",):
            problems.append(
                Problem(
                    loc, f"unsupported schema: {value!r}; this version reads schemas 1, 2 and 3"
                )
            )
        else:
            field = str(next((p for p in reversed(loc) if isinstance(p, str)), "value"))
            if kind in _TYPE_WORDS:
                message = f"{_TYPE_WORDS[kind]}, got {describe(value)}"
            elif kind == "string_pattern_mismatch" and field == "id":
                message = f"{describe(value)} is not a slug (lowercase letters, digits, hyphens)"
            elif kind == "string_pattern_mismatch" or kind == "string_too_short":
                message = "must not be empty"
            elif kind == "greater_than_equal":
                message = f"must be {(error.get('ctx') or {}).get('ge')} or more"
            elif kind == "literal_error":
                expected = (error.get("ctx") or {}).get("expected")
                message = f"expected {expected}, got {describe(value)}"
            elif kind == "string_too_long":
                limit = (error.get("ctx") or {}).get("max_length")
                message = f"{len(str(value))} characters long; the limit is {limit}"
            elif kind == "too_short":
                got = len(value) if isinstance(value, list) else 0
                message = f"needs at least 2 parties, got {got}"
            else:
                message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(Problem(loc, f"{field}: {message}"))
    return problems


def _untagged(loc: KeyPath, tags: Mapping[str, Sequence[str]]) -> KeyPath:
    out: list[str | int] = []
    for part in loc:
        if not (out and isinstance(out[-1], str) and part in tags.get(out[-1], ())):
            out.append(part)
    return tuple(out)


def model_at(root: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class whose mapping sits at `path` under `root` (list indexes skipped)."""
    cls = root
    for part in path:
        if isinstance(part, int):
            continue
        field = next((f for n, f in cls.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        inner = _model_in(field.annotation)
        if inner is None:
            return None
        cls = inner
    return cls


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def keys_of(cls: type[BaseModel]) -> list[str]:
    """A model's keys as written in the file (aliases), in declaration order."""
    return [f.alias or n for n, f in cls.model_fields.items()]
