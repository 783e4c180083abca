"""Read a data file: bytes -> text -> YAML -> models, or every problem as FILE:LINE:COL.

The fast path (a valid file) is one safe YAML load and one pydantic validation. Positions are
only worked out when something is wrong: the text is composed a second time, and each
problem's path is mapped to the longest recorded prefix.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handover.errors import DataFileError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from handover.models import Dataset, Problem
    from handover.models import Path as DataPath

MAX_BYTES = 64 * 1024 * 1024
MAX_ALIAS_NODES = 10_000  # nodes reached through YAML aliases ("billion laughs" guard)


def bundled_path() -> Path:
    """The copy of data/handover.yaml shipped inside the package (or the source tree's)."""
    # The wheel puts it beside this module (importlib.resources would cost ~10 ms of imports
    # at every start for the same answer: the package is always a plain folder here).
    packaged = Path(__file__).resolve().parent / "data" / "handover.yaml"
    if packaged.is_file():
        return packaged
    # An editable install runs from the source tree, where the file sits at the top level.
    return Path(__file__).resolve().parents[2] / "data" / "handover.yaml"


def data_path(option: str | None) -> Path:
    """Which file: --data, else HANDOVER_DATA, else the bundled copy (DESIGN section 1)."""
    chosen = option or os.environ.get("HANDOVER_DATA")
    return Path(chosen) if chosen else bundled_path()


def load(path: Path) -> Dataset:
    """Load and validate a data file. Raises DataFileError listing every problem.

    A valid file's dataset is cached (see cache.py), keyed by the file's exact bytes: a second
    run on an unchanged file skips the YAML parse and the rules."""
    from handover import cache

    data = read_bytes(path)
    key = cache.key(data)
    dataset = cache.get(key)
    if dataset is None:
        dataset = parse(decode(data, str(path)), str(path))
        cache.put(key, dataset)
    return dataset


def read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise DataFileError(
                    f"{name}: the file is {size / 1024 / 1024:.0f} MiB; data files are limited "
                    f"to {MAX_BYTES // 1024 // 1024} MiB"
                )
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError(f"{name}: no such data file") from None
    except IsADirectoryError:
        raise DataFileError(f"{name}: is a folder, not a data file") from None
    except OSError as exc:
        raise DataFileError(f"{name}: cannot read the data file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise DataFileError(f"{name}: data files are limited to {MAX_BYTES // 1024 // 1024} MiB")
    return data


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            f"{name}:{line}:{col}: the file is not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None


@functools.cache
def _loader_class() -> Any:
    """A safe loader that keeps dates as text (the models parse them strictly) and notes
    duplicate keys instead of silently keeping the last one. Built once per process."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.duplicates: list[tuple[str, Any]] = []

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            mapping = super().construct_mapping(node, deep=deep)
            if len(mapping) != len(node.value):
                self.duplicates.extend(_duplicate_keys(node))
            return mapping

    return Loader


def _duplicate_keys(node: Any) -> Iterator[tuple[str, Any]]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = getattr(key_node, "value", None)
        if isinstance(key, str):
            if key in seen:
                yield key, key_node.start_mark
            seen.add(key)


@dataclass(frozen=True)
class _Located:
    line: int
    col: int
    text: str


def parse(text: str, filename: str) -> Dataset:
    """Validate data-file text. Raises DataFileError with FILE:LINE:COL lines, sorted.

    Python's cyclic garbage collector is paused throughout: building and validating a large
    tree with it running is superlinear (it walks the growing heap again and again), and a
    YAML tree has no cycles for it to find (recursive aliases are refused)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, filename)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse(text: str, filename: str) -> Dataset:
    import yaml

    if not text.strip():
        raise DataFileError(
            f"{filename}:1:1: the file is empty; expected a mapping with the keys "
            "schema, agreement and handovers"
        )
    loader = _loader_class()(text)
    try:
        raw = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        if isinstance(exc, yaml.constructor.ConstructorError):
            # Safe loading: a tag such as !!python/object never constructs anything.
            raise DataFileError(
                f"{where}: YAML tags are not allowed here ({exc.problem})"
            ) from None
        context = exc.context
        if context and exc.context_mark and exc.context_mark is not mark:
            context += f" started at line {exc.context_mark.line + 1}"
        problem = " ".join(filter(None, [exc.problem, context and f"({context})"]))
        raise DataFileError(f"{where}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{filename}: YAML error: {exc}") from None
    except RecursionError:
        raise DataFileError(f"{filename}: the YAML is nested too deeply") from None
    finally:
        loader.dispose()
    located = [
        _Located(mark.line + 1, mark.column + 1, f"duplicate key {key!r}")
        for key, mark in loader.duplicates
    ]
    if "*" in text or "&" in text:  # only files with anchors or aliases pay for the walk
        expanded, unique = _sizes(raw)
        if expanded < 0:
            raise DataFileError(
                f"{filename}: a YAML alias refers to itself (a recursive structure)"
            )
        if expanded > unique + MAX_ALIAS_NODES:
            raise DataFileError(
                f"{filename}: YAML aliases expand to more than {MAX_ALIAS_NODES} extra values; "
                "write the data out instead of using anchors and aliases"
            )
    return _validate(raw, text, filename, located)


def _validate(raw: object, text: str, filename: str, located: list[_Located]) -> Dataset:
    from pydantic import ValidationError

    from handover.models import Dataset, cross_problems

    problems: list[Problem] = []
    dataset: Dataset | None = None
    try:
        dataset = Dataset.model_validate(raw, context={"cross_checked": True})
    except ValidationError as exc:
        problems += _pydantic_problems(exc)
    problems += cross_problems(raw)
    if not problems and not located and dataset is not None:
        return dataset
    marks = _positions(text)
    for problem in problems:
        located.append(_locate(problem, marks))
    located.sort(key=lambda p: (p.line, p.col))
    raise DataFileError(*(f"{filename}:{p.line}:{p.col}: {p.text}" for p in _unique(located)))


def _unique(items: list[_Located]) -> Iterator[_Located]:
    seen: set[_Located] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


_TYPE_WORDS = {
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "int_type": "expected a whole number",
    "bool_type": "expected true or false",
}


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    import difflib

    from handover.models import Problem, _describe, keys_of, model_at

    problems = []
    for error in exc.errors(include_url=False, include_context=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        value = error.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            cls = model_at(loc[:-1])
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
                    f"and handovers, not {_describe(value)}",
                )
            )
        elif kind == "literal_error" and loc == ("schema",):
            problems.append(
                Problem(loc, f"unsupported schema: {value!r}; this version reads schema 1")
            )
        else:
            field = str(next((p for p in reversed(loc) if isinstance(p, str)), "value"))
            if kind in _TYPE_WORDS:
                message = f"{_TYPE_WORDS[kind]}, got {_describe(value)}"
            elif kind == "string_pattern_mismatch" and field == "id":
                message = f"{_describe(value)} is not a slug (lowercase letters, digits, hyphens)"
            elif kind == "string_pattern_mismatch" or kind == "string_too_short":
                message = "must not be empty"
            elif kind == "too_short":
                got = len(value) if isinstance(value, list) else 0
                message = f"needs at least 2 parties, got {got}"
            else:
                message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(Problem(loc, f"{field}: {message}"))
    return problems


def _positions(text: str) -> dict[DataPath, tuple[Any, Any]]:
    """(key mark, value mark) for every path in the document; the root maps to ()."""
    import yaml

    root = yaml.compose(text, Loader=_loader_class())
    marks: dict[DataPath, tuple[Any, Any]] = {}
    if root is None:
        return marks
    marks[()] = (root.start_mark, root.start_mark)
    stack: list[tuple[DataPath, Any]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, key_node.value)
                marks.setdefault(child, (key_node.start_mark, value_node.start_mark))
                stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                marks.setdefault((*path, i), (item.start_mark, item.start_mark))
                stack.append(((*path, i), item))
    return marks


def _locate(problem: Problem, marks: dict[DataPath, tuple[Any, Any]]) -> _Located:
    from handover.models import format_path

    path = problem.path
    while path not in marks and path:
        path = path[:-1]
    if path not in marks:
        return _Located(1, 1, problem.message)
    key_mark, value_mark = marks[path]
    exact = path == problem.path
    mark = key_mark if (problem.at_key or not exact) else value_mark
    message = problem.message
    if problem.related is not None:
        other = problem.related
        if other in marks:
            message += f" (first at line {marks[other][1].line + 1})"
        else:
            message += f" (first at {format_path(other)})"
    return _Located(mark.line + 1, mark.column + 1, message)


def _sizes(raw: object) -> tuple[int, int]:
    """How many values the document holds once aliases are expanded, and how many it holds
    as written (each shared value once): one memoised walk, no recursion. The expanded
    size is -1 for a structure that contains itself."""
    sizes: dict[int, int] = {}
    unique = 1
    stack: list[tuple[object, bool]] = [(raw, False)]
    on_path: set[int] = set()
    while stack:
        obj, done = stack.pop()
        if not isinstance(obj, dict | list):
            continue
        key = id(obj)
        children = list(obj.values()) if isinstance(obj, dict) else obj
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
            unique += len(children)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return -1, unique  # a recursive alias
        on_path.add(key)
        stack.append((obj, True))
        stack.extend((c, False) for c in children if isinstance(c, dict | list))
    return sizes.get(id(raw), 1), unique
