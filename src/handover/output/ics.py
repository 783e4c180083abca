"""An iCalendar file: one all-day event per deadline and per completion.

UIDs are stable (agreement, handover, kind), so re-importing a newer export updates the
events instead of adding copies: the current deadline keeps its UID when it moves, and the
deadline it replaced becomes a "moved" event of its own (a deadline replaced twice on the
same date, as when it returns to it, gets `.2`). UIDs and DTSTAMPs depend only on the data:
an event's DTSTAMP is the latest day, as of the date asked for, among the dates that shape
it, at midnight UTC, so unchanged data gives byte-identical output.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event, vText

from handover.output.plain import plain
from handover.output.views import Export, Upcoming
from handover.output.words import summary
from handover.timeline import Row

PRODID = "-//handover//territorial handovers//EN"


def _event(uid: str, day: object, title: str, description: str, stamp: datetime, seq: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))  # type: ignore[operator]
    event.add("summary", plain(title))
    event.add("description", plain(description))
    event.add("sequence", seq)
    event.add("transp", "TRANSPARENT")
    return event


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0, 0), tzinfo=UTC)


def _stamp(shaping: list[date], r: Row) -> datetime:
    """An event's DTSTAMP: the latest day, as of the row's date, among the dates that shape
    it (the earliest of them while none is known yet), at midnight UTC."""
    return _midnight(max((d for d in shaping if d <= r.as_of), default=min(shaping)))


CALENDAR_NAME = "Handover deadlines"  # a subscribed calendar keeps its name from run to run


def render(view: Export | Upcoming) -> bytes:
    """`export --format ics`: every deadline (and the deadlines it replaced, and the
    completions) of the rows; `upcoming --format ics`: the calendar a person subscribes to,
    each upcoming deadline and each start (begin_by) still to come, with a URL to the
    handover's first source."""
    upcoming = isinstance(view, Upcoming)
    rows = list(view.rows)
    agreements = {r.agreement.id: r.agreement for r in rows}
    if isinstance(view, Export):
        agreements = {a.id: a for a in view.agreements}
    only = next(iter(agreements.values())) if len(agreements) == 1 else None
    name = only.title if only is not None and not upcoming else CALENDAR_NAME
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", vText(plain(name)))  # escaped like any text
    for r in rows:
        if r.shown_deadline is None:  # counted from an entry into force still to come
            continue
        h = r.handover
        agreement = r.agreement
        base = f"{agreement.id}.{h.id}"
        name = plain(h.name)  # each value closes what it opens (plain), not just the line
        route = f"{plain(h.from_)} to {plain(h.to)}"
        sources = [s.url for s in r.sources if s.url]  # none published after the date
        about = f"{plain(agreement.title)}\n{plain(h.provision or '')}\n{summary(r)}".strip()
        # what shapes the deadline as known on the date: the signing, the agreement of the
        # obligation, the announcements of its revisions (r.revisions: those made by then)
        stamp = _stamp([agreement.signed, r.agreed, *(v.announced for v in r.revisions)], r)
        if sources:
            about += "\nSources:\n" + "\n".join(sources)
        deadline_event = _event(
            f"{base}.deadline@handover",
            r.deadline,
            f"Deadline: {name} ({route})",
            about,
            stamp,
            r.revision_count,
        )
        calendar.add_component(deadline_event)
        if upcoming:
            if sources:
                deadline_event.add("url", sources[0])
            if r.begin_by is not None and r.begin_by >= r.as_of and r.began is None:
                start = _event(
                    f"{base}.begin-by@handover",
                    r.begin_by,
                    f"Start due: {name} ({route})",
                    about,
                    _stamp([agreement.signed, r.agreed], r),  # a start is shaped by no revision
                    0,
                )
                if sources:
                    start.add("url", sources[0])
                calendar.add_component(start)
            continue
        previous = r.original_deadline
        moved: dict[date, int] = {}
        for revision in r.revisions:
            if previous != r.deadline:
                moved[previous] = moved.get(previous, 0) + 1
                again = "" if moved[previous] == 1 else f".{moved[previous]}"
                calendar.add_component(
                    _event(
                        f"{base}.moved.{previous.isoformat()}{again}@handover",
                        previous,
                        f"Moved: {name} deadline (moved to {revision.deadline.isoformat()})",
                        f"Announced {revision.announced.isoformat()}: {plain(revision.reason)}",
                        _midnight(revision.announced),
                        0,
                    )
                )
            previous = revision.deadline
        if r.completed is not None:
            calendar.add_component(
                _event(
                    f"{base}.completed@handover",
                    r.completed,
                    f"Completed: {name} ({route})",
                    about,
                    _midnight(r.completed),
                    0,
                )
            )
    return bytes(calendar.to_ical())
