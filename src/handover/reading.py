"""Bytes in: size limits, decoding, and the YAML loader with its marks and alias bound.

PyYAML's C loader on every read path. Dates stay text (the models parse them strictly), a
duplicate key is noted instead of silently keeping the last, and a document whose aliases
expand beyond a small bound ("billion laughs") or refer to themselves is refused.
"""

from __future__ import annotations

import gc
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from handover.errors import DataFileError

KeyPath = tuple[str | int, ...]
"""Where a value sits in a loaded document: ("handovers", 0, "deadline")."""


class Located(NamedTuple):
    """A message already placed at a line and column (1-based)."""

    line: int
    col: int
    text: str


MAX_BYTES = 64 * 1024 * 1024
MAX_ALIAS_NODES = 10_000  # nodes reached through YAML aliases ("billion laughs" guard)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large tree is built: with it running,
    building is superlinear (it walks the growing heap again and again), and a loaded
    document has no cycles for it to find (recursive aliases are refused)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused past MAX_BYTES before reading (DataFileError, exit 1)."""
    name = str(path)
    try:
        # Looked at before opening: opening a pipe would wait for a writer forever.
        kind = os.stat(path).st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError
        if not stat.S_ISREG(kind):
            raise DataFileError(f"{name}: is not a regular file, so not a data file")
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


def scalar(text: str) -> object:
    """What `text`, written as a plain YAML scalar, reads back as here: for a writer to know
    when a string must be quoted ('No' reads as false, '2:30' as 150 in YAML 1.1)."""
    import yaml

    from handover.loader import Loader

    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError:
        return None


def load_yaml(text: str, filename: str) -> tuple[object, list[Located]]:
    """The document as plain Python values, and its duplicate keys as located problems.
    Raises DataFileError for what cannot be loaded at all: syntax, tags, aliases, nesting."""
    if not text.strip():
        raise DataFileError(
            f"{filename}:1:1: the file is empty; expected a mapping with the keys "
            "schema, agreement and handovers"
        )
    import yaml

    from handover.loader import Loader

    loader = Loader(text)
    try:
        raw = loader.get_tree()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        if exc.problem == "found unhashable key":
            raise DataFileError(
                f"{where}: a mapping or a list cannot be a key; write the key as text"
            ) from None
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
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        # libyaml counts bytes of the UTF-8 text; PyYAML's pure-Python reader, characters.
        c_loader = "CSafeLoader" in (cls.__name__ for cls in type(loader).__mro__)
        before = (
            text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
            if c_loader
            else text[: exc.position]
        )
        line, col = _line_and_column(text, len(before))
        raise DataFileError(
            f"{filename}:{line}:{col}: the file contains the control character "
            f"U+{exc.character:04X}, which YAML does not allow; remove it"
        ) from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{filename}: YAML error: {exc}") from None
    except ValueError as exc:  # Python refuses to read an integer of over 4,300 digits
        huge = re.search(r"(?<![0-9])[0-9]{4301,}", text)
        if huge is None:
            raise DataFileError(f"{filename}: YAML error: {exc}") from None
        line, col = _line_and_column(text, huge.start())
        raise DataFileError(
            f"{filename}:{line}:{col}: a number with more than 4300 digits; quote it if it is text"
        ) from None
    except RecursionError:
        raise DataFileError(f"{filename}: the YAML is nested too deeply") from None
    finally:
        loader.dispose()
    if loader.not_text:
        raise DataFileError(
            *(
                f"{filename}:{mark.line + 1}:{mark.column + 1}: the key {key} is not text; "
                "write it in quotes"
                for key, mark in loader.not_text
            )
        )
    duplicates = [
        Located(mark.line + 1, mark.column + 1, f"duplicate key {key!r}")
        for key, mark in loader.duplicates
    ]
    if not loader.direct:  # only documents that may share values pay for the walk
        _bound_aliases(raw, filename)
    return raw, duplicates


_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # what YAML counts as a new line


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character, counting lines as YAML (and its marks) do."""
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - start + 1


def _bound_aliases(raw: object, filename: str) -> None:
    expanded, unique = _sizes(raw)
    if expanded < 0:
        raise DataFileError(f"{filename}: a YAML alias refers to itself (a recursive structure)")
    if expanded > unique + MAX_ALIAS_NODES:
        raise DataFileError(
            f"{filename}: YAML aliases expand to more than {MAX_ALIAS_NODES} extra values; "
            "write the data out instead of using anchors and aliases"
        )


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


Marks = dict[KeyPath, tuple[Any, Any]]


def marks(text: str) -> Marks:
    """(key mark, value mark) for every path in the document; the root maps to ().
    Composes the text again: only paid for when a file has problems to place."""
    import yaml

    from handover.loader import Loader

    root = yaml.compose(text, Loader=Loader)
    found: Marks = {}
    if root is None:
        return found
    found[()] = (root.start_mark, root.start_mark)
    stack: list[tuple[KeyPath, Any]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, key_node.value)
                found.setdefault(child, (key_node.start_mark, value_node.start_mark))
                stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                found.setdefault((*path, i), (item.start_mark, item.start_mark))
                stack.append(((*path, i), item))
    return found
