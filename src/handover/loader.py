"""The YAML loader: PyYAML's C loader, keeping dates as text, noting duplicate keys and keys
that are not text, and building plain documents straight from libyaml's composed nodes.

Imported only when a file is parsed (reading.py imports it where it is needed): a run
answered from the cache never imports PyYAML.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

import yaml

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "bool", "null", "float"))
_TAGS: dict[str, str] = {}  # plain scalar text -> its resolved tag (see Loader.resolve)
_TAGS_KEPT = 100_000


class _NotPlainError(Exception):
    """A document the direct build does not take; the general constructor builds it."""


_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
if _BASE.yaml_path_resolvers:  # Loader.resolve relies on there being none
    raise ImportError("the YAML loader has path resolvers; Loader.resolve cannot skip them")


class Loader(_BASE):  # type: ignore[misc]
    """A safe loader that keeps dates as text and notes duplicate keys and keys that are
    not text."""

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BASE.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.text = stream
        self.duplicates: list[tuple[str, Any]] = []
        self.not_text: list[tuple[str, Any]] = []  # keys YAML reads as true, 1, null...
        self.direct = False  # whether get_tree() built the document directly
        # The nodes the direct build has met, to find one met twice. A node can be met twice
        # only through an alias, and an alias is written with `*`: without one in the text,
        # there is nothing to track (the common case, and a node costs a set lookup less).
        self._seen: set[int] | None = set() if "*" in stream else None

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
        default tags, each node met once): the general constructor costs twice the parse.
        A document that shares a node (an alias of an anchor: the same node twice) or uses
        any other construct goes the general way, so both give the same values and the
        same errors. `direct` says which way was taken."""
        node = self.get_single_node()
        if node is None:
            return None
        try:
            tree = self._plain(node)
        except _NotPlainError:
            self.duplicates.clear()
            self.not_text.clear()
            return self.construct_document(node)
        self.direct = True
        return tree

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
                if self._seen is not None:
                    self._once(key_node, self._seen)
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

    @staticmethod
    def _once(node: Any, seen: set[int]) -> None:
        """A node met a second time is shared (an alias): the general constructor's job."""
        before = len(seen)
        seen.add(id(node))
        if len(seen) == before:
            raise _NotPlainError

    def _shell(self, node: Any) -> Any:
        """A scalar's value, or an empty container of the node's kind, to be filled."""
        if self._seen is not None:
            self._once(node, self._seen)
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


def _duplicate_keys(node: Any) -> Iterator[tuple[str, Any]]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = getattr(key_node, "value", None)
        if isinstance(key, str):
            if key in seen:
                yield key, key_node.start_mark
            seen.add(key)
