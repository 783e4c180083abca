"""The two ways a dataset is checked against the models: pydantic, and cache.rebuild (Python).

A process checks its first datasets in Python (pydantic's validator costs ~20 ms to build)
and the rest with pydantic; a file refused in Python is checked again by pydantic, which
decides and words the errors. So what must hold is: whatever rebuild accepts, pydantic
accepts too, as the same models with the same fields set. pydantic is the oracle here.
The data: datasets generated from the models' own fields (test_cache_fields), the real
files, and those with one value swapped for a value of another kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from handover import cache
from handover.models import Dataset
from handover.reading import load_yaml

from .test_cache_fields import _set_keys, datasets

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = {"cross_checked": True}


def both_ways(raw: Any) -> tuple[Any, Any]:
    """(rebuild's model or None, pydantic's model or None) for the same data."""
    try:
        ours: BaseModel | None = cache.rebuild(Dataset, raw)
    except (ValueError, TypeError, KeyError, AttributeError):
        ours = None
    try:
        theirs: BaseModel | None = Dataset.model_validate(raw, context=CONTEXT)
    except ValidationError:
        theirs = None
    return ours, theirs


def assert_same(raw: Any, *, must_accept: bool) -> None:
    ours, theirs = both_ways(raw)
    if must_accept:
        assert theirs is not None and ours is not None
    if ours is not None:
        assert theirs is not None, f"rebuild accepted what pydantic refuses: {raw!r}"
        assert ours == theirs
        assert _set_keys(ours) == _set_keys(theirs)
        assert ours.model_dump_json(by_alias=True) == theirs.model_dump_json(by_alias=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=datasets())
def test_generated_datasets_are_the_same_models_both_ways(raw: dict[str, Any]) -> None:
    assert_same(raw, must_accept=True)


def real_files() -> list[Any]:
    files = [ROOT / "data" / "handover.yaml", *sorted((ROOT / "data" / "agreements").glob("*"))]
    return [load_yaml(p.read_text(encoding="utf-8"), str(p))[0] for p in files]


def test_the_real_files_are_the_same_models_both_ways() -> None:
    for raw in real_files():
        assert_same(raw, must_accept=True)


OTHER_VALUES = st.sampled_from(
    [
        None, True, False, 0, -1, 2, 1.0, 1.5, "", " ", "x", "\x1b[31m", "9999-12-31",
        "2020-02-30", "2020-11-20", "2020-11-20T10:00", "20201120", "https://x.org",
        "ftp://x.org", "not a url", "UTC", "Mars/Olympus", "a" * 201, [], ["x"], [1, 2], {},
        {"after": "signed", "days": 3}, {"after": "signed"}, {"x": 1},
        yaml.safe_load("2020-11-20"), yaml.safe_load("2020-11-20 10:00:00"),
    ]
)  # fmt: skip


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the data a value could be swapped: each key's value, each item."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _leaves(item, (*path, i))
    return found


def _swapped(raw: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(raw, dict):
        return {k: (_swapped(v, rest, new) if k == head else v) for k, v in raw.items()}
    return [(_swapped(v, rest, new) if i == head else v) for i, v in enumerate(raw)]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_value_of_another_kind_is_refused_alike(data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(real_files()))
    path = data.draw(st.sampled_from(_leaves(raw)))
    new = data.draw(OTHER_VALUES)
    assert_same(_swapped(raw, path, new), must_accept=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_an_extra_or_missing_key_is_refused_alike(data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(real_files()))
    places = [p for p in _leaves(raw) if p and isinstance(p[-1], str)]
    path = data.draw(st.sampled_from(places))
    parent = _swapped(raw, (), raw)
    node = parent
    for step in path[:-1]:
        node = node[step]
    if data.draw(st.booleans()):
        del node[path[-1]]
    else:
        node[data.draw(st.sampled_from(["extra", "Name", "id ", "from_"]))] = "x"
    assert_same(parent, must_accept=False)


def test_a_process_checks_in_python_first_then_with_pydantic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The switch itself: rebuild for the first PYTHON_CHECKS datasets, then pydantic."""
    used: list[str] = []
    raw = real_files()[0]
    expected = Dataset.model_validate(raw, context=CONTEXT)
    rebuild, validate = cache.rebuild, Dataset.model_validate

    def in_python(cls: type[Dataset], data: Any) -> Dataset:
        used.append("python")
        return rebuild(cls, data)

    def with_pydantic(data: Any, context: Any = None) -> Dataset:
        used.append("pydantic")
        return validate(data, context=context)

    monkeypatch.setattr(cache, "_python_checks_left", 2)
    monkeypatch.setattr(cache, "rebuild", in_python)
    monkeypatch.setattr(Dataset, "model_validate", with_pydantic)
    for _ in range(3):
        assert cache.check(raw) == expected
    assert used == ["python", "python", "pydantic"]
