"""The data file's models and their validation rules (README: The data file and its rules).
Nothing else.

Single-field rules are reusable `Annotated` types. Rules that relate several fields or several
handovers live in `cross_problems`, which reads the loaded YAML *before* it is a model and
tolerates values of the wrong type, so a file with a type error still has its other mistakes
reported in the same run. `Dataset` runs the same function when built from Python code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, NamedTuple
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from handover.names import fold
from handover.plural import plural
from handover.problems import Problem, describe, format_path
from handover.reading import KeyPath

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only
FIRST_YEAR, LAST_YEAR = 1000, 8999  # a date's year; 9999-12-31 is a placeholder, not a date
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def to_date(value: object) -> date:
    """A calendar date: `YYYY-MM-DD` text or a date; never a number or a date with a time."""
    if type(value) is str:
        return _day(value)
    return _to_date(value)


@functools.lru_cache(maxsize=8192)
def _day(text: str) -> date:
    """to_date for text, remembered: a library writes the same days many times over (a
    deadline, its source's date, a completion), and each is read by the model and again by
    the cross-field rules. Refusals are not remembered (lru_cache keeps no exceptions)."""
    return _to_date(text)


def _to_date(value: object) -> date:
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD) without a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(f"{value!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
        return day
    if isinstance(value, str) and _ISO_DATE.match(value):
        raise ValueError(f"expected a date (YYYY-MM-DD) without a time, got {value!r}")
    raise ValueError(f"expected a date as YYYY-MM-DD, got {describe(value)}")


# An http(s) URL with a plain host name: what urlsplit would take apart as the rule below
# wants, recognised without it (a library cites tens of thousands of sources).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")


_URL_BREAKERS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")  # urlsplit drops tabs and newlines


def _check_url(value: str) -> str:
    if _PLAIN_URL.fullmatch(value):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or _URL_BREAKERS.search(value):
        raise ValueError(f"expected an http(s) URL, got {describe(value)}")
    return value


def _check_timezone(value: str) -> str:
    # zoneinfo (and the sysconfig it reads) only when a file is checked, not at every start
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise ValueError(
            f"unknown time zone {value!r} (expected an IANA name such as Asia/Baku)"
        ) from None
    return value


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _no_control(value: str) -> str:
    """Text may hold newlines, but no other control character."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"control character U+{ord(found.group()):04X} is not allowed in text")
    return value


def _whole_number(value: object) -> object:
    """`schema: true` and `schema: 1.0` are not the number 1, whatever Python thinks."""
    if type(value) is not int:
        raise ValueError(f"expected the whole number 1, 2 or 3, got {describe(value)}")
    return value


Date = Annotated[date, BeforeValidator(to_date)]

_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")


def to_published(value: object) -> date | str:
    """A source's `published`: a day (a date), or (schema 3) a month `2025-02` or a year
    `2025` (text, or a YAML number for a year), kept as written."""
    if type(value) is int and FIRST_YEAR <= value <= LAST_YEAR:
        return str(value)
    if isinstance(value, str) and (_MONTH.fullmatch(value) or _YEAR.fullmatch(value)):
        year, _, month = value.partition("-")
        if not FIRST_YEAR <= int(year) <= LAST_YEAR or (month and not 1 <= int(month) <= 12):
            raise ValueError(f"{value!r} is not a real month or year in {FIRST_YEAR}-{LAST_YEAR}")
        return value
    return to_date(value)


def known_from(published: date | str) -> date:
    """The day a source is known from: its day, or the last day of its month or year (a
    source dated to a period is never shown before the period is over)."""
    if isinstance(published, date):
        return published
    year, _, month = published.partition("-")
    if not month:
        return date(int(year), 12, 31)
    following = date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
    return following - timedelta(days=1)


def published_label(published: date | str) -> str:
    """As written: `2025-02-09`, `2025-02`, `2025` (JSON, CSV and show give it so)."""
    return published if isinstance(published, str) else published.isoformat()


# What an editor checking the file against the JSON Schema accepts: what to_published does
# (a YAML reader gives a bare year `2019` as a number, a month `2020-05` as text).
_PUBLISHED_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2})?$"},
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    ]
}
Published = Annotated[date | str, BeforeValidator(to_published), WithJsonSchema(_PUBLISHED_SCHEMA)]
NAME_LIMIT = 200  # names, aliases, parties: looked up, folded, shown in table cells
TEXT_LIMIT = 20_000  # titles, notes, reasons: a few paragraphs
Text = Annotated[
    str, Field(min_length=1, max_length=TEXT_LIMIT, pattern=r"\S"), AfterValidator(_no_control)
]
Name = Annotated[
    str, Field(min_length=1, max_length=NAME_LIMIT, pattern=r"\S"), AfterValidator(_no_control)
]
Slug = Annotated[str, Field(pattern=_SLUG, description="lowercase letters, digits, hyphens")]
Url = Annotated[str, AfterValidator(_check_url), Field(description="an http(s) URL")]
TimeZone = Annotated[str, AfterValidator(_check_timezone), Field(description="IANA time zone")]


class _Model(BaseModel):
    # defer_build: the validators are built on first use, not at import, so that commands
    # that never validate (--help, a cached dataset) do not pay for them.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)


class Source(_Model):
    """Where a fact comes from: at least a publisher or a URL."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["publisher"]}, {"required": ["url"]}]}
    )

    publisher: Text | None = None
    title: Text | None = None
    url: Url | None = None
    published: Published | None = None  # a day; in schema 3 also a month or a year

    @model_validator(mode="after")
    def _publisher_or_url(self) -> Source:
        if self.publisher is None and self.url is None:
            raise ValueError("a source needs at least a publisher or a url")
        return self


Count = Annotated[int, Field(ge=0)]
Ordinal = Annotated[int, Field(ge=1)]
UNITS = ("days", "weeks", "months", "years", "day")


class Rule(_Model):
    """A deadline as the text words it: a count of days, weeks, months or years after the
    signing or the entry into force (schema 2), or (schema 3) an ordinal `day`, day 1 being
    the start itself ("on day 22"). Computed with calendar arithmetic: 1 month after
    31 January is 28 (or 29) February."""

    # Exactly one unit, for editors too (the JSON Schema): one of four, never two or none.
    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": [u]} for u in UNITS]})

    after: Literal["signed", "in_force"]
    days: Count | None = None
    weeks: Count | None = None
    months: Count | None = None
    years: Count | None = None
    day: Ordinal | None = None  # schema 3

    @model_validator(mode="after")
    def _one_unit(self) -> Rule:
        if len(self._units()) != 1:
            raise ValueError("a rule needs exactly one of days, weeks, months, years or day")
        return self

    def _units(self) -> list[tuple[str, int]]:
        return [(u, n) for u in UNITS if (n := getattr(self, u)) is not None]

    def text(self) -> str:
        """The rule as people write it: `in_force + 3 years`, `in_force day 22`."""
        ((unit, count),) = self._units()
        if unit == "day":
            return f"{self.after} day {count}"
        return f"{self.after} + {plural(count, unit[:-1])}"

    def date_from(self, signed: date, in_force: date | None) -> date:
        ((unit, count),) = self._units()
        start = signed if self.after == "signed" else (in_force or signed)
        if unit == "day":  # day 1 is the start itself
            return start + timedelta(days=count - 1)
        if unit in ("days", "weeks"):  # a fixed number of days: no calendar needed
            return start + timedelta(**{unit: count})
        from dateutil.relativedelta import relativedelta

        step = relativedelta(
            days=count if unit == "days" else 0,
            weeks=count if unit == "weeks" else 0,
            months=count if unit == "months" else 0,
            years=count if unit == "years" else 0,
        )
        result: date = start + step
        return result


def _deadline_kind(value: object) -> str:
    return "rule" if isinstance(value, Mapping | Rule) else "date"


# A deadline is a date, or (schema 2) a rule; the tag picks the branch, so an error is
# reported for the one the file meant.
Deadline = Annotated[
    Annotated[Date, Tag("date")] | Annotated[Rule, Tag("rule")],
    Discriminator(_deadline_kind),
]
DEADLINE_TAGS = ("date", "rule")


class Revision(_Model):
    """A change of deadline, visible from the day it was announced."""

    announced: Date
    deadline: Date
    reason: Text
    sources: list[Source] = []


HandoverKind = Literal["postponed", "began", "completed", "reversed", "held", "unclear"]
AgreementKind = Literal["suspended", "resumed", "ended"]
EndedHow = Literal["lapsed", "collapsed", "superseded", "terminated", "fulfilled"]


class Event(_Model):
    """Something that happened to a handover on a day (schema 3). A `postponed` event moves
    the deadline (to `deadline`, or to no date at all) and says why; a `held` one is
    evidence (reported not done that day), not a change of state."""

    date: Date
    kind: HandoverKind
    deadline: Date | None = None  # postponed only: the new deadline; none: no new date
    reason: Text | None = None  # postponed only (required there)
    note: Text | None = None
    sources: list[Source] = []

    @model_validator(mode="after")
    def _kind_and_keys(self) -> Event:
        if self.kind == "postponed" and self.reason is None:
            raise ValueError("a postponed event needs a reason")
        if self.kind != "postponed" and (self.deadline is not None or self.reason is not None):
            raise ValueError("deadline and reason belong to a postponed event only")
        return self


class AgreementEvent(_Model):
    """Something that happened to the agreement itself (schema 3)."""

    date: Date
    kind: AgreementKind
    how: EndedHow | None = None  # ended only (required there)
    by: Slug | None = None  # superseded only: the agreement that replaced it
    note: Text | None = None
    sources: list[Source] = []

    @model_validator(mode="after")
    def _kind_and_keys(self) -> AgreementEvent:
        if self.kind == "ended" and self.how is None:
            raise ValueError("an ended event needs how (lapsed, collapsed, superseded, ...)")
        if self.kind != "ended" and self.how is not None:
            raise ValueError("how belongs to an ended event only")
        if self.by is not None and self.how != "superseded":
            raise ValueError("by names the agreement that superseded this one: how: superseded")
        return self


class Handover(_Model):
    """One area passing from one party to another by a deadline."""

    id: Slug
    name: Name
    aliases: list[Name] = []
    from_: Name = Field(alias="from")
    to: Name
    provision: Text | None = None
    agreed: Date | None = None
    begin_by: Deadline | None = None  # schema 3: it must have begun by then
    deadline: Deadline
    revisions: list[Revision] = []  # schemas 1 and 2
    completed: Date | None = None  # schemas 1 and 2
    events: list[Event] = []  # schema 3
    notes: Text | None = None
    sources: list[Source] = []


class Agreement(_Model):
    """The agreement that creates the obligations."""

    id: Slug
    title: Text
    signed: Date
    in_force: Date | None = None  # schema 2: when the obligations start running
    checked: Date | None = None  # schema 2: the last day the file was checked against news
    timezone: TimeZone = "UTC"
    parties: Annotated[list[Name], Field(min_length=2)]
    notes: Text | None = None
    sources: list[Source] = []
    events: list[AgreementEvent] = []  # schema 3


class Dataset(_Model):
    """One data file: one agreement and its handovers."""

    schema_: Annotated[Literal[1, 2, 3], BeforeValidator(_whole_number)] = Field(alias="schema")
    agreement: Agreement
    handovers: list[Handover]

    @model_validator(mode="after")
    def _cross_field_rules(self, info: ValidationInfo) -> Dataset:
        if info.context and info.context.get("cross_checked"):
            return self  # the loader has already run cross_problems on the raw file
        problems = cross_problems(self.model_dump(by_alias=True, exclude_unset=True))
        if problems:
            raise ValueError("; ".join(f"{format_path(p.path)}: {p.message}" for p in problems))
        return self


class Summary(NamedTuple):
    """What a library needs of an agreement before it needs the agreement: its id, the dates
    that decide whether it exists and is in play on a day (timeline.in_play), when its data
    was checked, and its handovers' ids and spellings (to find a NAME). The cache keeps it
    beside an entry, so agreements that are not shown are never unpickled."""

    id: str
    signed: date
    completed: tuple[date | None, ...]  # each handover's first completion: closed from then
    checked: date | None
    spellings: tuple[tuple[str, tuple[str, ...]], ...]  # (id, (name, *aliases)) per handover
    ended: date | None = None  # the agreement's end (schema 3): every handover closed then
    dates: tuple[date, ...] = ()  # every dated event: signing, entry into force, events

    @classmethod
    def of(cls, dataset: Dataset) -> Summary:
        agreement = dataset.agreement
        dates = [agreement.signed, *([agreement.in_force] if agreement.in_force else [])]
        dates += [e.date for e in agreement.events]
        firsts: list[date | None] = []
        for h in dataset.handovers:
            done = [e.date for e in h.events if e.kind == "completed"]
            done += [h.completed] if h.completed else []
            firsts.append(min(done, default=None))
            dates += [e.date for e in h.events]
            dates += [r.announced for r in h.revisions]
            dates += [h.completed] if h.completed else []
        ended = next((e.date for e in agreement.events if e.kind == "ended"), None)
        return cls(
            agreement.id,
            agreement.signed,
            tuple(firsts),
            agreement.checked,
            tuple((h.id, (h.name, *h.aliases)) for h in dataset.handovers),
            ended,
            tuple(sorted(dates)),
        )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the data file, for editors (yaml-language-server) and other tools."""
    schema = Dataset.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "handover data file (schema 1, 2 or 3)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _items(value: object) -> Iterator[tuple[int, Mapping[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                yield i, item


def _date(value: object) -> date | None:
    try:
        return to_date(value)
    except ValueError:
        return None


def _texts(value: object) -> list[tuple[int | None, str]]:
    """The names in a value (one, or a list), less any over the limit: those are reported
    by their length, and never walked (folded, compared) here."""
    if isinstance(value, str):
        return [(None, value)] if len(value) <= NAME_LIMIT else []
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str) and len(v) <= NAME_LIMIT]
    return []


def cross_problems(raw: object) -> list[Problem]:
    """Rules across fields and handovers, on loaded YAML that may be partly of the wrong type."""
    if not isinstance(raw, Mapping):
        return []
    agreement = raw.get("agreement")
    agreement = agreement if isinstance(agreement, Mapping) else {}
    signed = _date(agreement.get("signed"))
    in_force = _date(agreement.get("in_force"))
    parties_raw = agreement.get("parties")
    parties = {p for _, p in _texts(parties_raw)} if isinstance(parties_raw, list) else None
    problems: list[Problem] = _schema_two_keys(raw, agreement) + _schema_three(raw, agreement)
    if in_force is not None and signed is not None and in_force < signed:
        problems.append(
            Problem(("agreement", "in_force"), f"in_force {in_force} is before signed ({signed})")
        )
    listed: set[str] = set()
    for j, party in _texts(parties_raw if isinstance(parties_raw, list) else None):
        if party in listed:
            problems.append(
                Problem(("agreement", "parties", j or 0), f"party {party!r} is listed twice")
            )
        listed.add(party)
    first_id: dict[str, int] = {}
    spelling_owner: dict[str, tuple[int, KeyPath]] = {}
    for i, h in _items(raw.get("handovers")):
        base: KeyPath = ("handovers", i)
        hid = h.get("id")
        repeated_id = isinstance(hid, str) and hid in first_id
        if isinstance(hid, str):
            if repeated_id:
                problems.append(
                    Problem(
                        (*base, "id"),
                        f"duplicate id {hid!r}",
                        related=("handovers", first_id[hid], "id"),
                    )
                )
            else:
                first_id[hid] = i
        problems += _spelling_collisions(h, i, spelling_owner, count_id=not repeated_id)
        problems += _parties(h, base, parties)
        agreed = _date(h.get("agreed"))
        if agreed is not None and signed is not None and agreed < signed:
            problems.append(
                Problem(
                    (*base, "agreed"),
                    f"agreed {agreed} is before the agreement was signed ({signed})",
                )
            )
        deadline = _date(h.get("deadline"))
        if deadline is None and isinstance(h.get("deadline"), Mapping):
            deadline, out_of_range = _rule_date(h["deadline"], signed, in_force)
            if out_of_range is not None:
                problems.append(Problem((*base, "deadline", out_of_range[0]), out_of_range[1]))
        problems += _dates(h, base, agreed or in_force or signed, deadline)
        if raw.get("schema") == 3:
            problems += _events(h, base, agreed or in_force or signed, deadline, signed, in_force)
    return problems


SCHEMA_TWO_KEYS = ("in_force", "checked")


def _schema_two_keys(raw: Mapping[str, Any], agreement: Mapping[str, Any]) -> list[Problem]:
    """A schema-1 file that uses a schema-2 key is told to say `schema: 2`."""
    if raw.get("schema") != 1 or raw.get("schema") is True:
        return []
    found: list[KeyPath] = [
        ("agreement", k) for k in SCHEMA_TWO_KEYS if agreement.get(k) is not None
    ]
    found += [
        ("handovers", i, "deadline")
        for i, h in _items(raw.get("handovers"))
        if isinstance(h.get("deadline"), Mapping)
    ]
    said = {"deadline": "a deadline written as a rule"}
    return [
        Problem(
            path,
            f"{said.get(str(path[-1]), repr(path[-1]))} needs schema: 2 (this file says 1)",
            at_key=True,
        )
        for path in found
    ]


SCHEMA_THREE = "schema: 3"


def _schema_three(raw: Mapping[str, Any], agreement: Mapping[str, Any]) -> list[Problem]:
    """Schema 3's keys in an older file, and the older keys in a schema 3 file; and in
    schema 3, the agreement's and handovers' own sources must say when they were published,
    and the agreement's events must make sense in order."""
    schema = raw.get("schema")
    if schema is True or schema not in (1, 2, 3):
        return []
    problems: list[Problem] = []
    handovers = list(_items(raw.get("handovers")))
    if schema != 3:
        found: list[tuple[KeyPath, str]] = []
        if agreement.get("events"):  # (an empty list says nothing)
            found.append((("agreement", "events"), "events"))
        for i, h in handovers:
            if h.get("events"):
                found.append((("handovers", i, "events"), "events"))
            if h.get("begin_by") is not None:
                found.append((("handovers", i, "begin_by"), "begin_by"))
            for key in ("deadline", "begin_by"):
                rule = h.get(key)
                if isinstance(rule, Mapping) and rule.get("day") is not None:
                    found.append((("handovers", i, key, "day"), "a rule's ordinal day"))
        for path, source in _sources(raw):
            published = source.get("published")
            a_period = isinstance(published, int | str) and not isinstance(published, bool)
            if a_period and not (isinstance(published, str) and _ISO_DATE.fullmatch(published)):
                found.append(((*path, "published"), "a month or year as published"))
        return [
            Problem(
                path,
                f"{what} needs {SCHEMA_THREE} (this file says {schema}); "
                "handover migrate FILE rewrites it as schema 3",
                at_key=True,
            )
            for path, what in found
        ]
    for i, h in handovers:
        for key in ("revisions", "completed"):
            if key in h:
                problems.append(
                    Problem(
                        ("handovers", i, key),
                        f"{key} is not a schema 3 key; write it as events "
                        "(kind: postponed, kind: completed)",
                        at_key=True,
                    )
                )
    for path, source in _sources(raw, events=False):
        if source.get("published") is None:
            problems.append(
                Problem(
                    path,
                    "in schema 3, every agreement and handover source says when it was "
                    "published (published: a day, a month or a year)",
                )
            )
    problems += _agreement_events(agreement)
    checked = _date(agreement.get("checked"))
    dates = [_date(e.get("date")) for _, e in _items(agreement.get("events"))]
    dates += [_date(e.get("date")) for _, h in handovers for _, e in _items(h.get("events"))]
    last = max((d for d in dates if d is not None), default=None)
    if checked is not None and last is not None and checked < last:
        problems.append(
            Problem(
                ("agreement", "checked"),
                f"checked {checked} is before the file's last event ({last}): whoever records "
                "news dated D has read the news up to D",
            )
        )
    return problems


def _sources(
    raw: Mapping[str, Any], events: bool = True
) -> Iterator[tuple[KeyPath, Mapping[str, Any]]]:
    """Every source of the file as (path, mapping): the agreement's, the handovers', and
    (with `events`) those of revisions and events."""
    agreement = raw.get("agreement")
    places: list[tuple[KeyPath, object]] = []
    if isinstance(agreement, Mapping):
        places.append((("agreement", "sources"), agreement.get("sources")))
        if events:
            for j, e in _items(agreement.get("events")):
                places.append((("agreement", "events", j, "sources"), e.get("sources")))
    for i, h in _items(raw.get("handovers")):
        places.append((("handovers", i, "sources"), h.get("sources")))
        if events:
            for key in ("revisions", "events"):
                for j, e in _items(h.get(key)):
                    places.append((("handovers", i, key, j, "sources"), e.get("sources")))
    for base, sources in places:
        for k, source in _items(sources):
            yield (*base, k), source


def _agreement_events(agreement: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    previous: date | None = None
    suspended = False
    ended: date | None = None
    for j, event in _items(agreement.get("events")):
        at: KeyPath = ("agreement", "events", j)
        day, kind = _date(event.get("date")), event.get("kind")
        if day is None:
            continue
        if previous is not None and day < previous:
            problems.append(
                Problem(
                    (*at, "date"), f"events are out of date order: {day} comes after {previous}"
                )
            )
        if ended is not None:
            problems.append(
                Problem(
                    (*at, "date"), f"the agreement ended on {ended}; no agreement event can follow"
                )
            )
        if kind == "resumed" and not suspended:
            problems.append(Problem((*at, "kind"), "resumed, but the agreement was not suspended"))
        suspended = kind == "suspended" or (suspended and kind != "resumed")
        if kind == "ended":
            ended = day
        previous = max(day, previous or day)
    return problems


def _events(
    h: Mapping[str, Any],
    base: KeyPath,
    agreed: date | None,
    deadline: date | None,
    signed: date | None,
    in_force: date | None,
) -> list[Problem]:
    """A schema 3 handover's events: in date order, none before it was agreed, completions
    and reversals in turn, nothing but a reversal while it stands completed; and begin_by
    no later than the deadline."""
    problems: list[Problem] = []
    begin = h.get("begin_by")
    begin_by = _date(begin)
    if begin_by is None and isinstance(begin, Mapping):
        begin_by, out_of_range = _rule_date(begin, signed, in_force)
        if out_of_range is not None:
            problems.append(Problem((*base, "begin_by", out_of_range[0]), out_of_range[1]))
    if begin_by is not None and deadline is not None and begin_by > deadline:
        problems.append(
            Problem(
                (*base, "begin_by"), f"begin_by {begin_by} is later than the deadline ({deadline})"
            )
        )
    previous: date | None = None
    standing = False  # completed, with no reversal since
    ever_completed = False
    for j, event in _items(h.get("events")):
        at: KeyPath = (*base, "events", j)
        day, kind = _date(event.get("date")), event.get("kind")
        if day is None:
            continue
        if previous is not None and day < previous:
            problems.append(
                Problem(
                    (*at, "date"), f"events are out of date order: {day} comes after {previous}"
                )
            )
        if agreed is not None and day < agreed:
            problems.append(
                Problem(
                    (*at, "date"),
                    f"the event is dated {day}, before the handover was agreed ({agreed})",
                )
            )
        if kind == "reversed" and not standing:
            why = "it was not completed" if not ever_completed else "it was already reversed"
            problems.append(Problem((*at, "kind"), f"reversed, but {why}"))
        elif kind == "completed" and standing:
            problems.append(Problem((*at, "kind"), "completed again with no reversal between"))
        elif kind in ("began", "held", "unclear", "postponed") and standing:
            problems.append(
                Problem(
                    (*at, "kind"),
                    f"{kind}, but it stands completed (a reversed event must come first)",
                )
            )
        if kind == "completed":
            standing = ever_completed = True
        elif kind == "reversed":
            standing = False
        previous = max(day, previous or day)
    return problems


def _rule_date(
    value: Mapping[str, Any], signed: date | None, in_force: date | None
) -> tuple[date | None, tuple[str, str] | None]:
    """The date a rule gives, where the rule and the dates it counts from are sound; and,
    when that date falls outside the years a date may have, (the count's key, the problem)."""
    units = {u: n for u in UNITS if type(n := value.get(u)) is int and n >= 0}
    if signed is None or value.get("after") not in ("signed", "in_force") or len(units) != 1:
        return None, None  # reported by the model's own rules
    ((unit, count),) = units.items()
    rule = Rule.model_construct(None, after=value["after"], **units)  # checked above: no validator
    problem = (
        unit,
        f"{value['after']} + {count} {unit} falls outside the years {FIRST_YEAR} to "
        f"{LAST_YEAR}, the years a date may have",
    )
    try:
        found = rule.date_from(signed, in_force)
    except (ValueError, OverflowError):  # past the year 9999, or a count Python cannot hold
        return None, problem
    return (found, None) if FIRST_YEAR <= found.year <= LAST_YEAR else (None, problem)


def _spelling_collisions(
    h: Mapping[str, Any], index: int, owner: dict[str, tuple[int, KeyPath]], count_id: bool
) -> list[Problem]:
    """Ids, names and aliases share one namespace per agreement (a repeated id is reported
    as a duplicate id, not again here)."""
    problems = []
    mine: dict[str, KeyPath] = {}
    for key in ("id", "name", "aliases") if count_id else ("name", "aliases"):
        for j, text in _texts(h.get(key)):
            path: KeyPath = ("handovers", index, key) if j is None else ("handovers", index, key, j)
            mine.setdefault(fold(text), path)
    for folded, path in mine.items():
        if folded in owner and owner[folded][0] != index:
            what = "id" if path[2] == "id" else "name or alias"
            problems.append(
                Problem(
                    path,
                    f"{what} {folded!r} is already used by another handover",
                    related=owner[folded][1],
                )
            )
        else:
            owner[folded] = (index, path)
    return problems


def _parties(h: Mapping[str, Any], base: KeyPath, parties: set[str] | None) -> list[Problem]:
    problems = []
    for key in ("from", "to"):
        value = h.get(key)
        if parties is not None and isinstance(value, str) and value not in parties:
            known = ", ".join(sorted(parties))
            problems.append(
                Problem((*base, key), f"{value!r} is not one of the agreement's parties ({known})")
            )
    if isinstance(h.get("from"), str) and h.get("from") == h.get("to"):
        problems.append(Problem((*base, "to"), "'from' and 'to' are the same party"))
    return problems


def _dates(
    h: Mapping[str, Any], base: KeyPath, agreed: date | None, deadline: date | None
) -> list[Problem]:
    problems = []
    if agreed is not None:
        for key, value in (("deadline", deadline), ("completed", _date(h.get("completed")))):
            if value is not None and value < agreed:
                problems.append(
                    Problem(
                        (*base, key), f"{key} {value} is before the handover was agreed ({agreed})"
                    )
                )
    previous: date | None = None
    for j, revision in _items(h.get("revisions")):
        at: KeyPath = (*base, "revisions", j)
        announced = _date(revision.get("announced"))
        deadline = _date(revision.get("deadline"))
        if agreed is not None and announced is not None and announced < agreed:
            problems.append(
                Problem(
                    (*at, "announced"),
                    f"announced {announced}, before the handover was agreed ({agreed})",
                )
            )
        if agreed is not None and deadline is not None and deadline < agreed:
            problems.append(
                Problem(
                    (*at, "deadline"),
                    f"deadline {deadline} is before the handover was agreed ({agreed})",
                )
            )
        if announced is not None:
            if previous is not None and announced < previous:
                problems.append(
                    Problem(
                        (*at, "announced"),
                        f"revisions are out of order: announced {announced}, "
                        f"after one announced {previous}",
                    )
                )
            previous = announced if previous is None else max(previous, announced)
    return problems
