"""Bytes in: size limits, decoding, and the YAML loader with its marks and alias bound.

PyYAML's C loader on every read path. Dates stay text (the models parse them strictly), a
duplicate key is noted instead of silently keeping the last, and a document whose aliases
expand beyond a small bound ("billion laughs") or refer to themselves is refused.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import stat
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from handover.errors import DataFileError
from handover.problems import KeyPath, Located

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


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "bool", "null", "float"))
_TAGS: dict[str, str] = {}  # plain scalar text -> its resolved tag (see Loader.resolve)
_TAGS_KEPT = 100_000


class _NotPlainError(Exception):
    """A document the direct build does not take; the general constructor builds it."""


@functools.cache
def _loader_class() -> Any:
    """A safe loader that keeps dates as text and notes duplicate keys. Built once.
    PyYAML is imported here, not at the top: a run answered from the cache never parses."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    assert not base.yaml_path_resolvers  # Loader.resolve relies on it

    class Loader(base):  # type: ignore[misc]
        yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.text = stream
            self.duplicates: list[tuple[str, Any]] = []
            self.not_text: list[tuple[str, Any]] = []  # keys YAML reads as true, 1, null...

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """The tag of a node, remembered for plain scalars: their tag depends on the text
            alone, and a library repeats the same keys and words thousands of times. Other
            nodes get their kind's default tag, as the base resolver gives them when, as
            here, there are no path resolvers."""
            if kind is not yaml.ScalarNode:
                return _SEQ if kind is yaml.SequenceNode else _MAP
            if not implicit[0]:
                return _STR
            tag = _TAGS.get(value)
            if tag is None:
                if len(_TAGS) >= _TAGS_KEPT:
                    _TAGS.clear()
                tag = _TAGS[value] = super().resolve(kind, value, implicit)
            return tag

        def get_tree(self) -> Any:
            """The document, as get_single_data() would give it, built straight from the
            composed nodes where they are plain (text keys; maps, lists and scalars of the
            default tags): the general constructor costs twice the parse. A document with
            anchors (`&`, which can share nodes) or any other construct goes the general
            way, so both give the same values and the same errors."""
            node = self.get_single_node()
            if node is None:
                return None
            if "&" not in self.text:
                try:
                    return self._plain(node)
                except _NotPlainError:
                    self.duplicates.clear()
                    self.not_text.clear()
            return self.construct_document(node)

        def _plain(self, root: Any) -> Any:
            # Level by level, as the general constructor fills its containers (so duplicate
            # and non-text keys are noted in the same order), and without recursion.
            top, pending = self._shell(root), deque[tuple[Any, Any]]()
            if isinstance(top, dict | list):
                pending.append((root, top))
            while pending:
                node, container = pending.popleft()
                if isinstance(container, list):
                    for item in node.value:
                        value = self._shell(item)
                        container.append(value)
                        if isinstance(value, dict | list):
                            pending.append((item, value))
                    continue
                odd_keys = []
                for key_node, value_node in node.value:
                    if key_node.__class__ is not yaml.ScalarNode:
                        raise _NotPlainError  # a mapping or list as a key: the general error
                    if key_node.tag == _STR:
                        key = key_node.value
                    elif key_node.tag in _PLAIN_SCALARS:
                        key = self.construct_object(key_node)
                        odd_keys.append((key_node.value, key_node.start_mark))
                    else:
                        raise _NotPlainError  # merge keys (<<), tagged keys
                    value = self._shell(value_node)
                    container[key] = value
                    if isinstance(value, dict | list):
                        pending.append((value_node, value))
                if len(container) != len(node.value):
                    self.duplicates.extend(_duplicate_keys(node))
                self.not_text.extend(odd_keys)
            return top

        def _shell(self, node: Any) -> Any:
            """A scalar's value, or an empty container of the node's kind, to be filled."""
            kind, tag = node.__class__, node.tag
            if kind is yaml.ScalarNode:
                if tag == _STR:
                    return node.value
                if tag in _PLAIN_SCALARS:  # int, bool, null, float: PyYAML's own reading
                    return self.construct_object(node)
            elif kind is yaml.MappingNode and tag == _MAP:
                return {}
            elif kind is yaml.SequenceNode and tag == _SEQ:
                return []
            raise _NotPlainError

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            mapping = super().construct_mapping(node, deep=deep)
            if len(mapping) != len(node.value):
                self.duplicates.extend(_duplicate_keys(node))
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _STR:
                    self.not_text.append((key_node.value, key_node.start_mark))
            return mapping

    return Loader


def scalar(text: str) -> object:
    """What `text`, written as a plain YAML scalar, reads back as here: for a writer to know
    when a string must be quoted ('No' reads as false, '2:30' as 150 in YAML 1.1)."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader_class())
    except yaml.YAMLError:
        return None


def _duplicate_keys(node: Any) -> Iterator[tuple[str, Any]]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = getattr(key_node, "value", None)
        if isinstance(key, str):
            if key in seen:
                yield key, key_node.start_mark
            seen.add(key)


def load_yaml(text: str, filename: str) -> tuple[object, list[Located]]:
    """The document as plain Python values, and its duplicate keys as located problems.
    Raises DataFileError for what cannot be loaded at all: syntax, tags, aliases, nesting."""
    if not text.strip():
        raise DataFileError(
            f"{filename}:1:1: the file is empty; expected a mapping with the keys "
            "schema, agreement and handovers"
        )
    import yaml

    loader = _loader_class()(text)
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
    if "*" in text or "&" in text:  # only files with anchors or aliases pay for the walk
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

    root = yaml.compose(text, Loader=_loader_class())
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
