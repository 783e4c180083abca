"""Every optional field of every model survives the cache.

The datasets here are generated from the models' own field definitions (pydantic's
`model_fields`), not from a list in this file or in cache.py: a field added to any model is
generated, set and unset, with no change to this test. Values come from the field's type
(the reusable Annotated types of models.py); a few fields whose values must relate to others
(dates in order, parties, unique names) are given such values. A field of a type with no
sample here fails loudly, asking for one, rather than going untested.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from handover import cache, library, models
from handover.cli import cli
from handover.models import Dataset

ROOT_MODEL = models.Dataset
SIGNED = date(2021, 1, 1)
AGREED = date(2021, 1, 10)
LATER = date(2021, 1, 20)  # every other date is on or after this: after signed and agreed

# Samples for the models' reusable field types, so any field of those types is generated.
SAMPLES: list[tuple[Any, list[Any]]] = [
    (models.Slug, ["alpha", "b-2", "zone-9"]),
    (models.Url, ["https://example.org/a", "http://example.net/b?c=1"]),
    (models.TimeZone, ["Asia/Baku", "UTC", "Europe/Belgrade"]),
    (models.Text, ["Some text", "Kəlbəcər, 25 Nov", "Line one\nline two"]),
    (models.Date, [(LATER + timedelta(days=n)).isoformat() for n in (0, 5, 31, 366)]),
    (models.Published, [(LATER + timedelta(days=n)).isoformat() for n in (0, 5, 31)]),
    (str, ["plain", "words"]),
    (int, [7, 0, 50]),
    (bool, [True, False]),
]


# Keys of one schema only: a dataset of the other schema leaves them out.
SCHEMA_THREE_ONLY = {
    (models.Handover, "events"),
    (models.Handover, "begin_by"),
    (models.Agreement, "events"),
    (models.Rule, "day"),
}
SCHEMA_TWO_ONLY = {(models.Handover, "revisions"), (models.Handover, "completed")}


class Chooser:
    """How the generator decides: from hypothesis (`Drawn`), or always the first sample and
    every optional key set (`Everything`). `schema` is the data file's schema (2 or 3)."""

    schema = 2

    def include(self) -> bool:
        return True

    def pick(self, values: list[Any]) -> Any:
        return values[0]

    def count(self) -> int:
        return 4  # four handovers: a rule deadline for each unit

    def deadline(self, index: int) -> Any:
        """A rule for each handover, one unit each (a rule takes exactly one)."""
        units = _units(self.schema)
        return _rule(units[index % len(units)], "in_force" if index % 2 else "signed")


def _units(schema: int) -> list[str]:
    return [u for u in models.UNITS if schema == 3 or u != "day"]


def _rule(unit: str, after: str) -> dict[str, Any]:
    # Counted from signing (1 January 2021) or entry into force (a sample date, at most
    # 21 January 2022): always after the handover was agreed (10 January 2021, or at entry
    # into force when `agreed` is not set), and after every event of the generated data.
    counts = {"days": 800, "weeks": 120, "months": 30, "years": 3, "day": 900}
    return {"after": after, unit: counts[unit]}


def _events(choose: Chooser, index: int) -> list[dict[str, Any]]:
    """A handover's life in order, every key of an event used: moved, begun, handed over,
    taken back, reported held, then unclear (all after it was agreed, before its deadline)."""
    day = [(LATER + timedelta(days=10 + n)).isoformat() for n in range(6)]
    source = {"publisher": "A wire", "published": day[0]}
    events: list[dict[str, Any]] = [
        {"date": day[0], "kind": "postponed", "deadline": "2024-01-01", "reason": "asked",
         "note": "a note", "sources": [source]},
        {"date": day[1], "kind": "began"},
        {"date": day[2], "kind": "completed"},
        {"date": day[3], "kind": "reversed"},
        {"date": day[4], "kind": "held"},
        {"date": day[5], "kind": "unclear"},
    ]  # fmt: skip
    return events[: 1 + choose.pick([5, 2, 3, 4, 1, 0])]


class Drawn(Chooser):
    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def include(self) -> bool:
        return self.draw(st.booleans())

    def pick(self, values: list[Any]) -> Any:
        return self.draw(st.sampled_from(values))

    def count(self) -> int:
        return self.draw(st.integers(1, 2))

    def deadline(self, index: int) -> Any:
        if self.draw(st.booleans()):
            return self.pick(["2024-06-01", "2024-07-15"])  # after every generated event
        return _rule(self.pick(_units(self.schema)), self.pick(["signed", "in_force"]))


def _fixed(owner: type[BaseModel], key: str, index: int, choose: Chooser) -> Any:
    """Values that must fit the rest of the file (the data file's cross-field rules)."""
    if (owner, key) == (models.Handover, "deadline"):  # a date, or a rule of one unit
        return choose.deadline(index)
    if (owner, key) == (models.Handover, "aliases"):  # unique across handovers
        return [f"Alias {index}-{j}" for j in range(choose.count())]
    if (owner, key) in SCHEMA_TWO_ONLY and choose.schema == 3:
        return _LEFT_OUT
    if (owner, key) in SCHEMA_THREE_ONLY and choose.schema != 3:
        return _LEFT_OUT
    if (owner, key) == (models.Handover, "events"):
        return _events(choose, index)
    if (owner, key) == (models.Handover, "begin_by"):  # before every deadline generated
        return choose.pick(
            [{"after": "signed", "day": 400}, (LATER + timedelta(days=40)).isoformat()]
        )
    if (owner, key) == (models.Agreement, "events"):  # suspended, resumed, then superseded
        day = [(LATER + timedelta(days=20 + n)).isoformat() for n in range(3)]
        return [
            {"date": day[0], "kind": "suspended", "note": "talks broke down"},
            {"date": day[1], "kind": "resumed"},
            {"date": day[2], "kind": "ended", "how": "superseded", "by": "next-accord",
             "sources": [{"url": "https://example.org/end"}]},
        ][: choose.pick([3, 2, 1])]  # fmt: skip
    if (owner, key) == (models.Source, "published") and choose.schema == 3:
        return choose.pick([LATER.isoformat(), "2021-01", "2021", 2021])
    if (owner, key) == (models.Dataset, "schema"):
        return choose.schema
    fixed: dict[tuple[type[BaseModel], str], Any] = {
        (models.Agreement, "signed"): SIGNED.isoformat(),
        (models.Agreement, "checked"): "2024-12-31",  # after every generated event
        (models.Agreement, "parties"): ["North", "South"],
        (models.Handover, "id"): f"h-{index}",
        (models.Handover, "name"): f"Place {index}",
        (models.Handover, "from"): "North",
        (models.Handover, "to"): "South",
        (models.Handover, "agreed"): AGREED.isoformat(),
        # entry into force after signing, before every other date: handovers without their
        # own `agreed` are agreed then
        (models.Agreement, "in_force"): (SIGNED + timedelta(days=14)).isoformat(),
    }
    return fixed.get((owner, key), _NOTHING)


_NOTHING = object()
_LEFT_OUT = object()  # a key of the other schema


def _strip(annotation: Any) -> Any:
    """X | None -> X (a union of several stays a union)."""
    if get_origin(annotation) in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            annotation = options[0]
    return annotation


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (in a list, an Annotated or a branch of a union), if any."""
    annotation = _strip(annotation)
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        found = [m for m in map(_model_in, get_args(annotation)) if m is not None]
        return found[0] if found else None
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _value(choose: Chooser, annotation: Any, index: int) -> Any:
    annotation = _strip(annotation)
    for sample_type, values in SAMPLES:
        if annotation == sample_type:
            return choose.pick(values)
    origin = get_origin(annotation)
    if origin is Annotated:
        return _value(choose, get_args(annotation)[0], index)
    if origin is Literal:
        return get_args(annotation)[-1]
    if origin is list:
        item = get_args(annotation)[0]
        return [_value(choose, item, index * 10 + i) for i in range(choose.count())]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _mapping(choose, annotation, index)
    raise AssertionError(f"no sample for fields of type {annotation!r}: add one to SAMPLES")


def _mapping(choose: Chooser, cls: type[BaseModel], index: int) -> dict[str, Any]:
    """A mapping for `cls`: required keys always, each optional key set or not."""
    out: dict[str, Any] = {}
    declared = get_type_hints(cls, include_extras=True)  # Slug, Date, Text as written
    for name, field in cls.model_fields.items():
        key = field.alias or name
        if not field.is_required() and not choose.include():
            continue
        fixed = _fixed(cls, key, index, choose)
        if fixed is _LEFT_OUT:
            continue
        out[key] = fixed if fixed is not _NOTHING else _value(choose, declared[name], index)
    if cls is models.Source and not ({"publisher", "url"} & out.keys()):
        out["publisher"] = "A publisher"  # the rule: a source names a publisher or a url
    if cls is models.Source and choose.schema == 3:  # schema 3: every source is dated
        out.setdefault("published", LATER.isoformat())
    return out


def dataset(choose: Chooser, schema: int = 2) -> dict[str, Any]:
    choose.schema = schema
    raw = _mapping(choose, ROOT_MODEL, 0)
    raw["handovers"] = [_mapping(choose, models.Handover, i) for i in range(choose.count())]
    for handover in raw["handovers"]:  # revisions are listed in announcement order
        handover.get("revisions", []).sort(key=lambda r: r["announced"])
    return raw


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    return dataset(Drawn(draw), draw(st.sampled_from([2, 3])))


def _all_set(raw: dict[str, Any]) -> Iterator[tuple[type[BaseModel], str]]:
    """(model, key) for every optional key that is set somewhere in `raw`."""

    def walk(cls: type[BaseModel], data: dict[str, Any]) -> Iterator[tuple[type[BaseModel], str]]:
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key not in data:
                continue
            if not field.is_required():
                yield cls, key
            inner = _model_in(field.annotation)
            if inner is not None:
                items = data[key] if isinstance(data[key], list) else [data[key]]
                for item in items:
                    if isinstance(item, dict):  # a deadline may be a date instead of a rule
                        yield from walk(inner, item)

    yield from walk(ROOT_MODEL, raw)


def optional_fields() -> set[tuple[type[BaseModel], str]]:
    """Every optional field of every model reachable from the data file's root."""
    found: set[tuple[type[BaseModel], str]] = set()
    todo: list[type[BaseModel]] = [ROOT_MODEL]
    while todo:
        cls = todo.pop()
        for name, field in cls.model_fields.items():
            if not field.is_required():
                found.add((cls, field.alias or name))
            inner = _model_in(field.annotation)
            if inner is not None and inner not in {c for c, _ in found} | {cls}:
                todo.append(inner)
    return found


# --- the check: a cold load and a warm load agree, in the models and in every command ------

COMMANDS: list[list[str]] = [
    ["status", "--format", "json"],
    ["upcoming", "--format", "json"],
    ["delays", "--format", "json"],
    ["export", "--format", "json"],
    ["changes", "--since", "2020-01-01", "--format", "json"],
]


def _answers(path: Path, raw: dict[str, Any], cache_env: dict[str, str]) -> list[str]:
    runner = CliRunner()
    env = {"HANDOVER_DATA": str(path), "NO_COLOR": "1", **cache_env}
    commands = [[*c, "--date", "2021-03-01"] if c[0] != "changes" else c for c in COMMANDS]
    commands += [
        ["show", h["id"], "--date", "2021-03-01", "--format", "json"] for h in raw["handovers"]
    ]
    commands.append(
        ["changes", "--since", "2020-01-01", "--until", "2022-12-31", "--format", "json"]
    )
    out = []
    for args in commands:
        result = runner.invoke(cli, args, env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        out.append(result.stdout)
    return out


def check_round_trip(raw: dict[str, Any], folder: Path) -> None:
    path = folder / "data.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cache_dir = folder / "cache"
    cold_env = {"HANDOVER_CACHE": "off"}
    warm_env = {"HANDOVER_CACHE": "on", "HANDOVER_CACHE_DIR": str(cache_dir)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HANDOVER_CACHE", "off")
        cold = library.load(path)
        patch.setenv("HANDOVER_CACHE", "on")
        patch.setenv("HANDOVER_CACHE_DIR", str(cache_dir))
        library.load(path)  # writes the entry
        assert list(cache_dir.glob("*.entry")), "no cache entry was written"

        def refuse(text: str, filename: str) -> Any:
            raise AssertionError("parsed although the cache should have answered")

        patch.setattr(library, "_parse", refuse)
        warm = library.load(path)
        assert warm.model_dump() == cold.model_dump()
        # Every optional value written in the file is there after the warm load, not a default.
        assert _as_written(warm) == _as_written(cold)
        assert _set_keys(warm) == _set_keys(cold) == set(_all_set(raw))
    assert _answers(path, raw, warm_env) == _answers(path, raw, cold_env)


def _as_written(model: BaseModel) -> Any:
    return json.loads(model.model_dump_json(by_alias=True, exclude_unset=True))


def _set_keys(model: BaseModel) -> set[tuple[type[BaseModel], str]]:
    """(model class, key) for every optional field the file set (pydantic's own record)."""
    found: set[tuple[type[BaseModel], str]] = set()
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and name in model.model_fields_set:
            found.add((type(model), field.alias or name))
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                found |= _set_keys(item)
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=datasets())
def test_cold_and_warm_runs_agree_with_any_optional_fields(
    raw: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    check_round_trip(raw, tmp_path_factory.mktemp("roundtrip"))


def _every_field_set(schema: int = 2) -> dict[str, Any]:
    return dataset(Chooser(), schema)


def _schema_for(field: tuple[type[BaseModel], str]) -> int:
    return 3 if field in SCHEMA_THREE_ONLY else 2


def test_the_generator_sets_every_optional_field_of_every_model() -> None:
    two, three = set(_all_set(_every_field_set(2))), set(_all_set(_every_field_set(3)))
    assert two | three == optional_fields()
    assert not two & SCHEMA_THREE_ONLY and not three & SCHEMA_TWO_ONLY
    # and there are such fields to speak of: notes, aliases, sources, revisions, events...
    assert {(models.Handover, "completed"), (models.Source, "published")} <= optional_fields()
    assert {(models.Handover, "events"), (models.Event, "deadline")} <= optional_fields()


def _named(field: tuple[type[BaseModel], str]) -> str:
    return f"{field[0].__name__}.{field[1]}"


EVERY_OPTIONAL_FIELD: list[tuple[type[BaseModel], str]] = sorted(optional_fields(), key=_named)


@pytest.mark.parametrize("dropped", EVERY_OPTIONAL_FIELD, ids=_named)
def test_a_cache_that_drops_any_one_field_is_caught(
    dropped: tuple[type[BaseModel], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, key = dropped
    schema = (
        3 if dropped in SCHEMA_THREE_ONLY or owner in (models.Event, models.AgreementEvent) else 2
    )
    (tmp_path / "honest").mkdir()
    check_round_trip(_every_field_set(schema), tmp_path / "honest")  # passes with the real cache
    honest: Callable[[Dataset], bytes] = cache.dump

    def forgetful(model: Dataset) -> bytes:
        forgotten = _without(model, owner, key)
        assert isinstance(forgotten, Dataset)
        return honest(forgotten)

    monkeypatch.setattr(cache, "dump", forgetful)
    (tmp_path / "forgetful").mkdir()
    with pytest.raises(AssertionError):
        check_round_trip(_every_field_set(schema), tmp_path / "forgetful")


def _without(value: Any, owner: type[BaseModel], key: str) -> Any:
    """The value with the field `key` of every `owner` model in it left unset, as a cache
    that forgot the field would give it back."""
    if isinstance(value, list):
        return [_without(v, owner, key) for v in value]
    if not isinstance(value, BaseModel):
        return value
    cls = type(value)
    kept = {
        name: _without(getattr(value, name), owner, key)
        for name in value.model_fields_set
        if not (cls is owner and (cls.model_fields[name].alias or name) == key)
    }
    return cls.model_construct(**kept)
