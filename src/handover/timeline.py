"""What is known as of a date (README has the rules). Pure functions: no I/O, no click, no rich.

Every query takes the as-of date D; nothing announced or completed after D is visible.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple, TypedDict

from handover.models import (
    Agreement,
    AgreementEvent,
    Dataset,
    Handover,
    Rule,
    Source,
    Summary,
    known_from,
)
from handover.plural import plural


class Status(StrEnum):
    """The status of a handover as of a date: the first rule that applies (README: What is
    known as of a date). Schemas 1 and 2 only ever give not-agreed, completed, pending, due
    and overdue."""

    NOT_AGREED = "not-agreed"
    COMPLETED = "completed"
    REVERSED = "reversed"
    LAPSED = "lapsed"
    SUSPENDED = "suspended"
    UNCLEAR = "unclear"
    POSTPONED = "postponed"
    PENDING = "pending"
    LATE_START = "late-start"
    DUE = "due"
    OVERDUE = "overdue"


OPEN = frozenset(
    {
        Status.NOT_AGREED,
        Status.PENDING,
        Status.LATE_START,
        Status.DUE,
        Status.OVERDUE,
        Status.POSTPONED,
        Status.UNCLEAR,
        Status.SUSPENDED,
    }
)  # what a handover may still become; completed, reversed and lapsed are closed
COUNTING = frozenset({Status.PENDING, Status.LATE_START, Status.DUE, Status.OVERDUE})


class Happening(NamedTuple):
    """One dated thing in a handover's life, whichever schema wrote it: a schema 3 event, or
    a schema 1/2 revision (postponed) or completion."""

    date: _dt.date
    kind: str
    deadline: _dt.date | None = None  # postponed: the new deadline (None: no new date)
    reason: str | None = None
    note: str | None = None
    sources: tuple[Source, ...] = ()


class Move(NamedTuple):
    """A postponement that gave a new deadline (a schema 1/2 revision, as show lists it)."""

    announced: _dt.date
    deadline: _dt.date
    reason: str
    sources: tuple[Source, ...]

    def fields(self) -> dict[str, str]:
        return {
            "announced": self.announced.isoformat(),
            "deadline": self.deadline.isoformat(),
            "reason": self.reason,
        }


def happenings(handover: Handover) -> tuple[Happening, ...]:
    """The handover's life in date order (several on one day keep file order)."""
    if handover.events:
        return tuple(
            Happening(e.date, e.kind, e.deadline, e.reason, e.note, tuple(e.sources))
            for e in handover.events
        )
    found = [
        Happening(r.announced, "postponed", r.deadline, r.reason, None, tuple(r.sources))
        for r in handover.revisions
    ]
    if handover.completed is not None:
        found.append(Happening(handover.completed, "completed"))
        if len(found) > 1 and found[-2].date > handover.completed:  # rare: sort (stable)
            found.sort(key=lambda e: e.date)
    return tuple(found)


# The machine-readable fields of a row (README: Fields): their names, JSON types and order
# are declared here once; FIELDS, the CSV header and the JSON key order all come from it.
RowFields = TypedDict(
    "RowFields",
    {
        "id": str,
        "name": str,
        "from": str,
        "to": str,
        "provision": str | None,
        "agreed": str | None,
        "original_deadline": str | None,
        "deadline": str | None,
        "revision_count": int,
        "slip_days": int | None,
        "completed": str | None,
        "status": str,
        "days_to_deadline": int | None,
        "delay_days": int | None,
        "on_time": bool | None,
        "as_of": str,
        # added with schema 2, at the end, so that scripts reading columns by position work
        "agreement": str,
        "deadline_rule": str | None,
        # added with schema 3, at the end
        "begin_by": str | None,
        "began": str | None,
        "reversed": str | None,
        "last_news": str | None,
    },
)
FIELDS: tuple[str, ...] = tuple(RowFields.__annotations__)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


class Row(NamedTuple):
    """One handover as known on `as_of`. (A NamedTuple, not a frozen dataclass: defining one
    costs a tenth as much, and every command's start-up pays for it.)"""

    handover: Handover
    agreement: Agreement
    original_deadline: date  # the handover's own deadline: its date, or its rule's date
    agreed: date
    deadline: date
    revision_count: int
    completed: date | None
    status: Status
    as_of: date
    on_time: bool | None
    open_deadline: bool = False  # the last postponement as of D gave no new date
    begin_by: date | None = None
    began: date | None = None
    reversed: date | None = None
    last_news: date | None = None
    ended: tuple[date, str] | None = None  # the agreement's end as of D: (day, how)
    since: date | None = None  # the day the status began, where it comes from an event

    @property
    def deadline_rule(self) -> str | None:
        """The rule the original deadline was written as (`in_force + 3 years`), if any."""
        rule = self.handover.deadline
        return None if isinstance(rule, date) else rule.text()

    @property
    def slip_days(self) -> int:
        return (self.deadline - self.original_deadline).days

    @property
    def days_to_deadline(self) -> int | None:
        if self.status not in COUNTING:
            return None
        return (self.deadline - self.as_of).days

    @property
    def delay_days(self) -> int | None:
        if self.completed is None or self.status is Status.REVERSED:
            return None
        return (self.completed - self.original_deadline).days

    @property
    def revisions(self) -> tuple[Move, ...]:
        """The postponements known on the date that gave a new deadline, in order."""
        moved = [e for e in happenings(self.handover) if e.kind == "postponed"]
        return tuple(
            Move(e.date, e.deadline, e.reason or "", e.sources)
            for e in moved[: self.revision_count]
            if e.deadline is not None
        )

    @property
    def before_force(self) -> bool:
        """The agreement has an entry into force that has not happened as of the date."""
        in_force = self.agreement.in_force
        return in_force is not None and self.as_of < in_force

    @property
    def shown_agreed(self) -> date | None:
        """`agreed` as known on the date: empty while it is an entry into force to come."""
        return None if self.before_force and self.handover.agreed is None else self.agreed

    @property
    def shown_original(self) -> date | None:
        """The original deadline as known on the date: empty while it is counted from an
        entry into force that has not happened."""
        hidden = self.before_force and counted_from_force(self.handover)
        return None if hidden else self.original_deadline

    @property
    def shown_deadline(self) -> date | None:
        """The deadline in force as known on the date: empty while a postponement gave no
        new date, and (with no postponement) as shown_original is."""
        if self.open_deadline:
            return None
        return None if self.revision_count == 0 and self.shown_original is None else self.deadline

    @property
    def sources(self) -> tuple[Source, ...]:
        """The handover's sources published on or before the as-of date (or undated)."""
        return visible(self.handover.sources, self.as_of)

    @property
    def notes_written_later(self) -> bool:
        """Notes are undated commentary written later: shown for a date before the
        handover's last recorded event, they may tell of what came after it."""
        last = last_event(self.handover, self.original_deadline)
        return self.handover.notes is not None and self.as_of < last

    def fields(self) -> RowFields:
        """The fields of README's "Fields" as JSON types (ISO dates, null), in FIELDS order."""
        h = self.handover
        deadline = self.shown_deadline  # asked once: a library answers tens of thousands
        by_name: RowFields = {
            "id": h.id,
            "name": h.name,
            "from": h.from_,
            "to": h.to,
            "provision": h.provision,
            "agreed": _iso(self.shown_agreed),
            "original_deadline": _iso(self.shown_original),
            "deadline": _iso(deadline),
            "revision_count": self.revision_count,
            "slip_days": None if deadline is None else self.slip_days,
            "completed": _iso(self.completed),
            "status": str(self.status),
            "days_to_deadline": self.days_to_deadline,
            "delay_days": self.delay_days,
            "on_time": None if self.status is Status.REVERSED else self.on_time,
            "as_of": self.as_of.isoformat(),
            "agreement": self.agreement.id,
            "deadline_rule": self.deadline_rule,
            "begin_by": _iso(self.begin_by),
            "began": _iso(self.began),
            "reversed": _iso(self.reversed),
            "last_news": _iso(self.last_news),
        }
        return by_name  # written in FIELDS order (the JSON and CSV tests hold it to README's list)


def visible(sources: Iterable[Source], as_of: date) -> tuple[Source, ...]:
    """Sources as they could be cited on `as_of`: none published after it."""
    return tuple(s for s in sources if s.published is None or known_from(s.published) <= as_of)


def handover_sources(handover: Handover, as_of: date) -> tuple[Source, ...]:
    """Everything cited for a handover as of a date: its own sources, then those of each
    event that has happened by then; none published after the date."""
    own = list(handover.sources)
    own += [s for e in happenings(handover) if e.date <= as_of for s in e.sources]
    return visible(own, as_of)


def agreement_sources(agreement: Agreement, as_of: date) -> tuple[Source, ...]:
    """The agreement's own sources and those of its events by the date, as visible then."""
    own = [*agreement.sources, *(s for e in agreement.events if e.date <= as_of for s in e.sources)]
    return visible(own, as_of)


def last_event(handover: Handover, original: date) -> date:
    """The last date the record of a handover speaks of: its deadlines, its events."""
    dates = [original]
    for e in happenings(handover):
        dates += [e.date, *([e.deadline] if e.deadline else [])]
    return max(dates)


def original_deadline(handover: Handover, agreement: Agreement) -> date:
    """The handover's own deadline: the date written, or the date its rule gives."""
    return _date_of(handover.deadline, agreement)


def counted_from_force(handover: Handover) -> bool:
    """Whether the handover's deadline is a rule counted from the entry into force."""
    rule = handover.deadline
    return not isinstance(rule, date) and rule.after == "in_force"


def agreed_on(handover: Handover, agreement: Agreement) -> date:
    """When the obligation starts running: `agreed`, else entry into force, else signing."""
    return handover.agreed or agreement.in_force or agreement.signed


def deadline_as_of(handover: Handover, as_of: date, original: date) -> tuple[date, int]:
    """The last dated deadline known on `as_of`, and how many postponements had been
    announced by then (a dateless one counts, and leaves the deadline open: see row)."""
    return _deadline_in(happenings(handover), as_of, original)


def _deadline_in(events: Sequence[Happening], as_of: date, original: date) -> tuple[date, int]:
    deadline, count = original, 0
    for e in events:  # in date order (validated)
        if e.date > as_of:
            break
        if e.kind == "postponed":
            count += 1
            deadline = e.deadline or deadline
    return deadline, count


def _date_of(value: date | Rule, agreement: Agreement) -> date:
    """A date as written, or the date a rule gives for this agreement."""
    if isinstance(value, date):
        return value
    return value.date_from(agreement.signed, agreement.in_force)


def begin_by_date(handover: Handover, agreement: Agreement) -> date | None:
    """The day the handover had to have begun by (schema 3), if the file says."""
    return None if handover.begin_by is None else _date_of(handover.begin_by, agreement)


def agreement_state(
    agreement: Agreement, as_of: date
) -> tuple[str, date | None, AgreementEvent | None]:
    """The agreement as of D: `signed` (not yet in force), `in-force`, `suspended` or `ended`;
    the day that state began (when an event began it), and the ending event, if any."""
    state, since, ending = "in-force", None, None
    for e in agreement.events:
        if e.date > as_of:
            break
        if e.kind == "suspended":
            state, since = "suspended", e.date
        elif e.kind == "resumed":
            state, since = "in-force", e.date
        else:
            state, since, ending = "ended", e.date, e
    if state == "in-force" and agreement.in_force is not None and as_of < agreement.in_force:
        state = "signed"
    return state, since, ending


def row(
    handover: Handover,
    agreement: Agreement,
    as_of: date,
    state: tuple[str, date | None, AgreementEvent | None] | None = None,
) -> Row:
    """A handover as of a date: the fold of what is known on it (README: What is known as
    of a date; the status is the first rule that applies). `state` is the agreement's as
    of the date (agreement_state), when the caller has it already."""
    agreed = agreed_on(handover, agreement)
    original = original_deadline(handover, agreement)
    events = happenings(handover)
    known = [e for e in events if e.date <= as_of]
    deadline, count = _deadline_in(events, as_of, original)
    moved = [e for e in known if e.kind == "postponed"]
    open_deadline = bool(moved) and moved[-1].deadline is None
    closing = [e for e in known if e.kind in ("completed", "reversed")]
    completed = max((e.date for e in closing if e.kind == "completed"), default=None)
    reversed_ = max((e.date for e in closing if e.kind == "reversed"), default=None)
    began = max((e.date for e in known if e.kind == "began"), default=None)
    begin_by = begin_by_date(handover, agreement)
    state_now, state_since, ending = state or agreement_state(agreement, as_of)
    in_force = agreement.in_force
    since: date | None = None
    before_force = in_force is not None and as_of < in_force
    if as_of < agreed or (before_force and counted_from_force(handover)):
        status = Status.NOT_AGREED
    elif closing:
        status = Status.COMPLETED if closing[-1].kind == "completed" else Status.REVERSED
        since = closing[-1].date
    elif ending is not None:
        status, since = Status.LAPSED, ending.date
    elif state_now == "suspended":
        status, since = Status.SUSPENDED, state_since
    elif known and known[-1].kind == "unclear":
        status, since = Status.UNCLEAR, known[-1].date
    elif open_deadline:
        status, since = Status.POSTPONED, moved[-1].date
    elif as_of < deadline:
        late = begin_by is not None and begin_by < as_of and began is None
        status = Status.LATE_START if late else Status.PENDING
    elif as_of == deadline:
        status = Status.DUE
    else:
        status = Status.OVERDUE
    on_time = (
        None if completed is None else completed <= _deadline_in(events, completed, original)[0]
    )
    news = [e.date for e in known]
    for source in (*handover.sources, *(s for e in known for s in e.sources)):
        if source.published is not None and known_from(source.published) <= as_of:
            news.append(known_from(source.published))
    return Row(
        handover,
        agreement,
        original,
        agreed,
        deadline,
        count,
        completed,
        status,
        as_of,
        on_time,
        open_deadline,
        begin_by,
        began,
        reversed_,
        max(news, default=None),
        None if ending is None else (ending.date, ending.how or "ended"),
        since,
    )


def rows(dataset: Dataset, as_of: date, only: Iterable[str] | None = None) -> list[Row]:
    """Every handover (or those whose ids are in `only`, in file order) as of a date."""
    wanted = None if only is None else set(only)
    state = agreement_state(dataset.agreement, as_of)  # once for the agreement
    return [
        row(h, dataset.agreement, as_of, state)
        for h in dataset.handovers
        if wanted is None or h.id in wanted
    ]


def rows_of(datasets: Iterable[Dataset], as_of: date) -> list[Row]:
    """The rows of every handover of these agreements, in file order."""
    return [r for d in datasets for r in rows(d, as_of)]


def upcoming(all_rows: Sequence[Row], within: int | None = None) -> tuple[list[Row], int]:
    """Pending (late to start included: its deadline is still ahead) or due handovers,
    soonest deadline first, and how many are overdue."""
    due = [
        r
        for r in all_rows
        if r.status in (Status.PENDING, Status.LATE_START, Status.DUE)
        and (within is None or (r.deadline - r.as_of).days <= within)
    ]
    due.sort(key=lambda r: (r.deadline, r.agreement.id, r.handover.id))
    return due, sum(r.status is Status.OVERDUE for r in all_rows)


def delays(all_rows: Sequence[Row]) -> list[Row]:
    """Handovers whose deadline moved, that are overdue, or that were completed late;
    largest slip first."""
    slipped = [
        r for r in all_rows if r.slip_days != 0 or r.status is Status.OVERDUE or r.on_time is False
    ]
    slipped.sort(key=lambda r: (-r.slip_days, -_days_late(r), r.agreement.id, r.handover.id))
    return slipped


def _days_late(r: Row) -> int:
    if r.delay_days is not None:
        return r.delay_days
    return -r.days_to_deadline if r.days_to_deadline is not None else 0


# --- what changed in a window (README: `changes`) ---------------------------------

# The kinds of change, in the order things happen within a day.
KINDS = (
    "signed",
    "in-force",
    "suspended",
    "resumed",
    "ended",
    "revised",
    "began",
    "due",
    "missed-start",
    "missed",
    "completed",
    "reversed",
    "held",
    "unclear",
)


class ChangeFields(TypedDict):
    date: str
    id: str
    name: str
    kind: str
    detail: str
    agreement: str  # added with schema 3, at the end
    sources: list[str]


CHANGE_FIELDS: tuple[str, ...] = tuple(ChangeFields.__annotations__)


class Change(NamedTuple):
    """One happening: a row of `handover changes` (fields in CHANGE_FIELDS order). `links`
    are the URLs of that happening's own sources (none for what the tool computes: due,
    missed-start, missed)."""

    date: date
    id: str
    name: str
    kind: str
    detail: str
    agreement: str = ""  # the agreement's id: with `id`, what the change is about
    links: tuple[str, ...] = ()

    def fields(self) -> ChangeFields:
        return {
            "date": self.date.isoformat(),
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "detail": self.detail,
            "agreement": self.agreement,
            "sources": list(self.links),
        }


def _urls(sources: Iterable[Source], on: date) -> tuple[str, ...]:
    return tuple(s.url for s in visible(sources, on) if s.url)


def _completion(h: Handover, agreement: Agreement, day: date) -> str:
    done = row(h, agreement, day)
    days_after = done.delay_days or 0
    if not done.on_time:
        return f"completed late, {plural(days_after, 'day')} after the original deadline"
    if days_after > 0:
        return (
            "completed on time by the revised deadline, "
            f"{plural(days_after, 'day')} after the original"
        )
    return "completed on time"


def _handover_changes(handover: Handover, agreement: Agreement, until: date) -> Iterable[Change]:
    h = handover
    a = agreement.id

    def change(day: date, kind: str, detail: str, sources: Iterable[Source] = ()) -> Change:
        return Change(day, h.id, h.name, kind, detail, a, _urls(sources, until))

    original = original_deadline(h, agreement)
    previous: date | None = original
    for e in happenings(h):
        note = f": {e.note}" if e.note else ""
        if e.kind == "postponed":
            moved = (
                "deadline postponed with no new date"
                if e.deadline is None
                else (
                    f"deadline moved from {_iso(previous) or 'no date'} to {e.deadline.isoformat()}"
                )
            )
            yield change(e.date, "revised", f"{moved}: {e.reason}", e.sources)
            previous = e.deadline
        elif e.kind == "completed":
            yield change(e.date, "completed", _completion(h, agreement, e.date) + note, e.sources)
        else:
            words = {
                "began": "the handover began",
                "reversed": "taken back after its completion",
                "held": "reported not done on that day",
                "unclear": "from this day, the sources cannot tell whether it was done",
            }[e.kind]
            yield change(e.date, e.kind, words + note, e.sources)
    dated = {original, *(e.deadline for e in happenings(h) if e.deadline is not None)}
    for candidate in sorted(dated):
        on_the_day = row(h, agreement, candidate)
        if on_the_day.status is Status.DUE and on_the_day.deadline == candidate:
            yield change(
                candidate, "due", f"deadline {candidate.isoformat()}; no completion recorded"
            )
        after = row(h, agreement, candidate + timedelta(days=1))
        if after.status is Status.OVERDUE and after.deadline == candidate:
            yield change(
                candidate + timedelta(days=1),
                "missed",
                f"deadline {candidate.isoformat()} passed with no completion recorded",
            )
    begin_by = begin_by_date(h, agreement)
    if begin_by is not None:
        day = begin_by + timedelta(days=1)
        if row(h, agreement, day).status is Status.LATE_START:
            yield change(
                day, "missed-start", f"to begin by {begin_by.isoformat()}; no start recorded"
            )


def _agreement_changes(dataset: Dataset, until: date) -> Iterable[Change]:
    a = dataset.agreement
    # On the signing day, the handovers agreed by then (not those agreed later, or whose
    # obligation starts at a later entry into force).
    agreed = sum(agreed_on(h, a) <= a.signed for h in dataset.handovers)
    own = _urls(a.sources, until)
    yield Change(
        a.signed, a.id, a.title, "signed", f"{plural(agreed, 'handover')} agreed", a.id, own
    )
    if a.in_force is not None:
        yield Change(a.in_force, a.id, a.title, "in-force", "entered into force", a.id, own)
    for e in a.events:
        detail = {
            "suspended": "the agreement was suspended",
            "resumed": "the agreement was resumed",
            "ended": f"{e.how}" + (f", replaced by {e.by}" if e.by else ""),
        }[e.kind] + (f": {e.note}" if e.note else "")
        yield Change(e.date, a.id, a.title, e.kind, detail, a.id, _urls(e.sources, until))


def changes(dataset: Dataset, since: date, until: date) -> list[Change]:
    """What happened between `since` and `until` (both included), oldest first; each change
    cites its own sources published by `until`."""
    found = list(_agreement_changes(dataset, until))
    for handover in dataset.handovers:
        found.extend(_handover_changes(handover, dataset.agreement, until))
    window = [c for c in found if since <= c.date <= until]
    window.sort(key=change_order)
    return window


def change_order(change: Change) -> tuple[date, int, str]:
    """Oldest first; on one day in the order things happen (KINDS), then by id."""
    return change.date, KINDS.index(change.kind), change.id


# --- agreements: which exist and which are in play on a date (the library) -----------------

IN_PLAY_DAYS = 30  # an agreement stays in play this long after its last event


def exists(agreement: Dataset | Summary, as_of: date) -> bool:
    """An agreement exists from the day it was signed."""
    signed = agreement.signed if isinstance(agreement, Summary) else agreement.agreement.signed
    return signed <= as_of


def in_play(agreement: Dataset | Summary, as_of: date) -> bool:
    """It exists on D, and some handover is still open as of D, or the latest event of the
    agreement or of any of its handovers (signing and entry into force included) was at most
    IN_PLAY_DAYS days before D. A handover is closed once it was first completed (it then
    stands completed or reversed) and, for all of them, once the agreement ended: so an ended
    agreement leaves play IN_PLAY_DAYS days after its last event. The agreement's Summary is
    enough to tell."""
    summary = agreement if isinstance(agreement, Summary) else Summary.of(agreement)
    if not exists(summary, as_of):
        return False
    ended = summary.ended is not None and summary.ended <= as_of
    if not ended and any(done is None or done > as_of for done in summary.completed):
        return True
    last = max((d for d in summary.dates if d <= as_of), default=None)
    return last is not None and (as_of - last).days <= IN_PLAY_DAYS


class AgreementFields(TypedDict):
    id: str
    title: str
    signed: str
    in_force: str | None
    parties: list[str]
    handovers: int
    completed: int
    pending: int
    overdue: int
    checked: str | None
    in_play: bool
    # added with schema 3, at the end
    state: str
    ended: str | None
    ended_how: str | None
    replaced_by: str | None
    notes: str | None


AGREEMENT_FIELDS: tuple[str, ...] = tuple(AgreementFields.__annotations__)


def agreement_last_event(dataset: Dataset) -> date:
    """The latest date the agreement's record speaks of: its signing, entry into force and
    events, and every handover's last event."""
    a = dataset.agreement
    dates = [a.signed, *([a.in_force] if a.in_force else []), *(e.date for e in a.events)]
    dates += [last_event(h, original_deadline(h, a)) for h in dataset.handovers]
    return max(dates)


def agreement_fields(dataset: Dataset, as_of: date) -> AgreementFields:
    """One row of `handover agreements` as of a date. `completed` and `overdue` count those
    statuses; `pending` every other status but reversed and lapsed. `notes` are empty for a
    date before the latest event of the record (they are written later)."""
    a = dataset.agreement
    statuses = [r.status for r in rows(dataset, as_of)]
    done = statuses.count(Status.COMPLETED)
    late = statuses.count(Status.OVERDUE)
    closed = statuses.count(Status.REVERSED) + statuses.count(Status.LAPSED)
    state, _, ending = agreement_state(a, as_of)
    later = a.notes is not None and as_of < agreement_last_event(dataset)
    return {
        "id": a.id,
        "title": a.title,
        "signed": a.signed.isoformat(),
        "in_force": _iso(a.in_force if a.in_force and a.in_force <= as_of else None),
        "parties": list(a.parties),
        "handovers": len(statuses),
        "completed": done,
        "pending": len(statuses) - done - late - closed,
        "overdue": late,
        "checked": _iso(a.checked),
        "in_play": in_play(dataset, as_of),
        "state": state,
        "ended": None if ending is None else ending.date.isoformat(),
        "ended_how": None if ending is None else ending.how,
        "replaced_by": None if ending is None else ending.by,
        "notes": None if later else a.notes,
    }
