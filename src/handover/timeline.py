"""What is known as of a date (README has the rules). Pure functions: no I/O, no click, no rich.

Every query takes the as-of date D; nothing announced or completed after D is visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple, TypedDict

from handover.models import Agreement, Dataset, Handover, Revision, Source, Summary
from handover.plural import plural


class Status(StrEnum):
    NOT_AGREED = "not-agreed"
    COMPLETED = "completed"
    PENDING = "pending"
    DUE = "due"
    OVERDUE = "overdue"


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
        if self.status in (Status.COMPLETED, Status.NOT_AGREED):
            return None
        return (self.deadline - self.as_of).days

    @property
    def delay_days(self) -> int | None:
        return None if self.completed is None else (self.completed - self.original_deadline).days

    @property
    def revisions(self) -> tuple[Revision, ...]:
        return tuple(self.handover.revisions[: self.revision_count])

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
        rule = self.handover.deadline
        counted_from_force = not isinstance(rule, date) and rule.after == "in_force"
        return None if self.before_force and counted_from_force else self.original_deadline

    @property
    def shown_deadline(self) -> date | None:
        """The deadline in force as known on the date (empty as shown_original is)."""
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
        by_name: RowFields = {
            "id": h.id,
            "name": h.name,
            "from": h.from_,
            "to": h.to,
            "provision": h.provision,
            "agreed": _iso(self.shown_agreed),
            "original_deadline": _iso(self.shown_original),
            "deadline": _iso(self.shown_deadline),
            "revision_count": self.revision_count,
            "slip_days": None if self.shown_deadline is None else self.slip_days,
            "completed": _iso(self.completed),
            "status": str(self.status),
            "days_to_deadline": self.days_to_deadline,
            "delay_days": self.delay_days,
            "on_time": self.on_time,
            "as_of": self.as_of.isoformat(),
            "agreement": self.agreement.id,
            "deadline_rule": self.deadline_rule,
        }
        return by_name  # written in FIELDS order (the JSON and CSV tests hold it to README's list)


def visible(sources: Iterable[Source], as_of: date) -> tuple[Source, ...]:
    """Sources as they could be cited on `as_of`: none published after it."""
    return tuple(s for s in sources if s.published is None or s.published <= as_of)


def last_event(handover: Handover, original: date) -> date:
    """The last date the record of a handover speaks of: its deadlines, the announcements
    of their revisions, its completion."""
    dates = [original]
    for revision in handover.revisions:
        dates += [revision.announced, revision.deadline]
    if handover.completed is not None:
        dates.append(handover.completed)
    return max(dates)


def original_deadline(handover: Handover, agreement: Agreement) -> date:
    """The handover's own deadline: the date written, or the date its rule gives."""
    written = handover.deadline
    if isinstance(written, date):
        return written
    return written.date_from(agreement.signed, agreement.in_force)


def agreed_on(handover: Handover, agreement: Agreement) -> date:
    """When the obligation starts running: `agreed`, else entry into force, else signing."""
    return handover.agreed or agreement.in_force or agreement.signed


def deadline_as_of(handover: Handover, as_of: date, original: date) -> tuple[date, int]:
    """The deadline known on `as_of` and how many revisions had been announced by then."""
    deadline, count = original, 0
    for revision in handover.revisions:  # in announcement order (validated)
        if revision.announced > as_of:
            break
        deadline, count = revision.deadline, count + 1
    return deadline, count


def row(handover: Handover, agreement: Agreement, as_of: date) -> Row:
    agreed = agreed_on(handover, agreement)
    original = original_deadline(handover, agreement)
    deadline, count = deadline_as_of(handover, as_of, original)
    completed = handover.completed if handover.completed and handover.completed <= as_of else None
    if as_of < agreed:
        status = Status.NOT_AGREED
    elif completed is not None:
        status = Status.COMPLETED
    elif as_of < deadline:
        status = Status.PENDING
    elif as_of == deadline:
        status = Status.DUE
    else:
        status = Status.OVERDUE
    on_time = (
        None if completed is None else completed <= deadline_as_of(handover, completed, original)[0]
    )
    return Row(
        handover, agreement, original, agreed, deadline, count, completed, status, as_of, on_time
    )


def rows(dataset: Dataset, as_of: date, only: Iterable[str] | None = None) -> list[Row]:
    """Every handover (or those whose ids are in `only`, in file order) as of a date."""
    wanted = None if only is None else set(only)
    return [
        row(h, dataset.agreement, as_of)
        for h in dataset.handovers
        if wanted is None or h.id in wanted
    ]


def rows_of(datasets: Iterable[Dataset], as_of: date) -> list[Row]:
    """The rows of every handover of these agreements, in file order."""
    return [r for d in datasets for r in rows(d, as_of)]


def upcoming(all_rows: Sequence[Row], within: int | None = None) -> tuple[list[Row], int]:
    """Pending or due handovers, soonest deadline first, and how many are overdue."""
    due = [
        r
        for r in all_rows
        if r.status in (Status.PENDING, Status.DUE)
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

KINDS = ("signed", "revised", "due", "missed", "completed")


class ChangeFields(TypedDict):
    date: str
    id: str
    name: str
    kind: str
    detail: str


CHANGE_FIELDS: tuple[str, ...] = tuple(ChangeFields.__annotations__)


class Change(NamedTuple):
    """One happening: a row of `handover changes` (fields in CHANGE_FIELDS order)."""

    date: date
    id: str
    name: str
    kind: str
    detail: str
    agreement: str = ""  # the agreement's id: with `id`, what the change is about
    links: tuple[str, ...] = ()  # URLs of the sources it rests on, as known on its date

    def fields(self) -> ChangeFields:
        return {
            "date": self.date.isoformat(),
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "detail": self.detail,
        }


def _urls(sources: Iterable[Source], on: date) -> tuple[str, ...]:
    return tuple(s.url for s in visible(sources, on) if s.url)


def _handover_changes(handover: Handover, agreement: Agreement) -> Iterable[Change]:
    h = handover
    a = agreement.id
    original = original_deadline(h, agreement)
    previous = original
    for revision in h.revisions:
        yield Change(
            revision.announced,
            h.id,
            h.name,
            "revised",
            f"deadline moved from {previous.isoformat()} to {revision.deadline.isoformat()}: "
            f"{revision.reason}",
            a,
            _urls(revision.sources, revision.announced),
        )
        previous = revision.deadline
    for candidate in sorted({original, *(r.deadline for r in h.revisions)}):
        on_the_day = row(h, agreement, candidate)
        if on_the_day.status is Status.DUE and on_the_day.deadline == candidate:
            yield Change(
                candidate,
                h.id,
                h.name,
                "due",
                f"deadline {candidate.isoformat()}",
                a,
                _urls(h.sources, candidate),
            )
        after = row(h, agreement, candidate + timedelta(days=1))
        if after.status is Status.OVERDUE and after.deadline == candidate:
            yield Change(
                candidate + timedelta(days=1),
                h.id,
                h.name,
                "missed",
                f"deadline {candidate.isoformat()} passed without completion",
                a,
                _urls(h.sources, candidate + timedelta(days=1)),
            )
    if h.completed is not None:
        done = row(h, agreement, h.completed)
        days_after = done.delay_days or 0
        if not done.on_time:
            detail = f"completed late, {plural(days_after, 'day')} after the original deadline"
        elif days_after > 0:
            detail = (
                "completed on time by the revised deadline, "
                f"{plural(days_after, 'day')} after the original"
            )
        else:
            detail = "completed on time"
        yield Change(
            h.completed, h.id, h.name, "completed", detail, a, _urls(h.sources, h.completed)
        )


def changes(dataset: Dataset, since: date, until: date) -> list[Change]:
    """What happened between `since` and `until` (both included), oldest first."""
    agreement = dataset.agreement
    # On the signing day, the handovers agreed by then (not those agreed later, or whose
    # obligation starts at a later entry into force).
    agreed = sum(agreed_on(h, agreement) <= agreement.signed for h in dataset.handovers)
    found: list[Change] = [
        Change(
            agreement.signed,
            agreement.id,
            agreement.title,
            "signed",
            f"{plural(agreed, 'handover')} agreed",
            agreement.id,
            _urls(agreement.sources, agreement.signed),
        )
    ]
    for handover in dataset.handovers:
        found.extend(_handover_changes(handover, agreement))
    window = [c for c in found if since <= c.date <= until]
    window.sort(key=change_order)
    return window


def change_order(change: Change) -> tuple[date, int, str]:
    """Oldest first; on one day in the order things happen (KINDS), then by id."""
    return change.date, KINDS.index(change.kind), change.id


# --- agreements: which exist and which are in play on a date (the library) -----------------

IN_PLAY_DAYS = 30  # an agreement stays in play this long after its last completion


def exists(agreement: Dataset | Summary, as_of: date) -> bool:
    """An agreement exists from the day it was signed."""
    signed = agreement.signed if isinstance(agreement, Summary) else agreement.agreement.signed
    return signed <= as_of


def in_play(agreement: Dataset | Summary, as_of: date) -> bool:
    """It exists, and some handover is not completed as of D, or the last completion was at
    most IN_PLAY_DAYS days before D. A handover is completed as of D when its completion
    date is D or before (row: a completion is never before the handover was agreed), so the
    agreement's Summary is enough to tell."""
    summary = agreement if isinstance(agreement, Summary) else Summary.of(agreement)
    if not exists(summary, as_of):
        return False
    if any(done is None or done > as_of for done in summary.completed):
        return True
    last = max((done for done in summary.completed if done is not None), default=None)
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


AGREEMENT_FIELDS: tuple[str, ...] = tuple(AgreementFields.__annotations__)


def agreement_fields(dataset: Dataset, as_of: date) -> AgreementFields:
    """One row of `handover agreements` as of a date. `pending` counts what is neither
    completed nor overdue: pending, due, and not yet agreed."""
    a = dataset.agreement
    statuses = [r.status for r in rows(dataset, as_of)]
    done = statuses.count(Status.COMPLETED)
    late = statuses.count(Status.OVERDUE)
    return {
        "id": a.id,
        "title": a.title,
        "signed": a.signed.isoformat(),
        "in_force": _iso(a.in_force if a.in_force and a.in_force <= as_of else None),
        "parties": list(a.parties),
        "handovers": len(statuses),
        "completed": done,
        "pending": len(statuses) - done - late,
        "overdue": late,
        "checked": _iso(a.checked),
        "in_play": in_play(dataset, as_of),
    }
