"""The direct tree build (reading.Loader.get_tree) against PyYAML's own constructor.

The oracle is PyYAML's general constructor (`get_single_data`) run by the same loader class on
the same text: the values, their types, the duplicate keys, the keys that are not text, and
the errors must all be the same. Documents come from hypothesis (values dumped in several
styles) and from hand-written texts with every construct the direct build hands over to the
general one (anchors, merge keys, tags, keys that are lists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from handover.loader import Loader

from .generate import agreement_text

ROOT = Path(__file__).resolve().parents[1]


def typed(value: Any) -> Any:
    """A value with its types spelled out, so True and 1, or 1 and 1.0, differ."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def outcome(text: str, way: str) -> Any:
    loader = Loader(text)
    try:
        value = loader.get_tree() if way == "direct" else loader.get_single_data()
    except Exception as exc:  # the same error, whichever way
        return ("error", type(exc).__name__, str(exc))
    finally:
        loader.dispose()
    return (
        typed(value),
        [(k, m.line, m.column) for k, m in loader.duplicates],
        [(k, m.line, m.column) for k, m in loader.not_text],
    )


def same_both_ways(text: str) -> None:
    assert outcome(text, "direct") == outcome(text, "general")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["No", "on", "2:30", "0o17", "0x1F", "1_000", "~", "", "2020-11-20", "1e3"]),
)
keys = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.booleans(), st.none())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([None, True, False]))
def test_dumped_documents_read_the_same_both_ways(value: Any, flow: bool | None) -> None:
    same_both_ways(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "No", "1", "null", "x y"]), max_size=6), scalars)
def test_duplicate_and_non_text_keys_are_noted_alike(names: list[str], value: Any) -> None:
    body = "".join(f"{n}: {yaml.safe_dump(value).splitlines()[0]}\n" for n in names)
    same_both_ways(body or "a: 1\n")


HAND_WRITTEN = [
    "a: &x [1, 2]\nb: *x\n",  # an anchor: the general way, sharing the list
    "base: &b {x: 1}\nmine:\n  <<: *b\n  y: 2\n",  # a merge key
    "a: !!python/object:os.system x\n",  # an unsafe tag: refused alike
    "a: !!str 12\nb: !!int '7'\n",  # explicit tags on scalars
    "a: !!omap [x: 1, y: 2]\n",
    "a: !!set {x, y}\n",
    "[1, 2]: x\n",  # a list as a key: unhashable
    "{a: 1}: x\n",
    "=: value key\n",
    "? complex\n: value\n",
    "a: 1\na: 2\nb: [x]\nb: y\n",
    "yes: 1\nNo: 2\n3: three\nnull: 4\n~: 5\n",
    "a: 2020-11-20\nb: 2020-11-20 10:00:00\n",
    "a: 1:30:00\nb: 0b101\nc: .inf\nd: -.NaN\ne: 1e3\n",
    "- a\n- - b\n  - c\n- {d: e}\n",
    "a: 'quoted'\nb: \"double\\tquoted\"\nc: |\n  block\n  text\nd: >\n  folded\n  text\n",
    "a: [unclosed\n",
    "a: b: c\n",
    "\ta: 1\n",
    "a: 1\n---\nb: 2\n",
    "",
    "just text\n",
    "a: *nowhere\n",
    "a: ! 12\nb: ! [1]\nc: ! {d: 1}\n",  # the non-specific tag
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
def test_hand_written_documents_read_the_same_both_ways(text: str) -> None:
    same_both_ways(text)


def test_real_data_reads_the_same_both_ways() -> None:
    files = [ROOT / "data" / "handover.yaml", *sorted((ROOT / "data" / "agreements").glob("*"))]
    for path in files:
        same_both_ways(path.read_text(encoding="utf-8"))
    for index in (0, 1, 3, 250):
        same_both_ways(agreement_text(index))


def test_a_plain_document_is_built_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Otherwise the tests above would compare the general constructor with itself."""
    loader_class = Loader
    used: list[str] = []
    general = loader_class.construct_document

    def counted(self: Any, node: Any) -> Any:
        used.append("general")
        return general(self, node)

    monkeypatch.setattr(loader_class, "construct_document", counted)
    loader = loader_class(agreement_text(3))
    assert loader.get_tree()["agreement"]["id"] == "agreement-00003"
    assert used == []
    loader = loader_class("a: &x 1\nb: *x\n")
    assert loader.get_tree() == {"a": 1, "b": 1}
    assert used == ["general"]  # the same node twice: shared, built the general way


def test_an_ampersand_that_shares_nothing_is_built_directly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A URL with a query string holds `&` and shares no node: no reason to go the slow way."""
    used: list[str] = []
    general = Loader.construct_document

    def counted(self: Any, node: Any) -> Any:
        used.append("general")
        return general(self, node)

    monkeypatch.setattr(Loader, "construct_document", counted)
    text = "url: https://example.org/a?b=1&c=2\nlist: [x, y]\nmap: {k: v}\n"
    loader = Loader(text)
    assert loader.get_tree()["url"] == "https://example.org/a?b=1&c=2"
    assert used == [] and loader.direct
    for shared in ("a: &m {k: v}\nb: *m\n", "a: &l [1]\nb: *l\n", "&k key: 1\nb: {*k : 2}\n"):
        used.clear()
        loader = Loader(shared)
        loader.get_tree()
        assert used == ["general"] and not loader.direct, shared
