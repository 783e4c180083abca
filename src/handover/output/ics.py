"""An iCalendar file: one all-day event per deadline and per completion.

UIDs are stable (agreement, handover, kind), so re-importing a newer export updates the
events instead of adding copies: the current deadline keeps its UID when it moves, and the
deadline it replaced becomes a "moved" event of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vText

from handover.output.plain import plain
from handover.output.views import Export
from handover.output.words import summary

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


def render(view: Export) -> bytes:
    agreements = view.agreements
    name = agreements[0].title if len(agreements) == 1 else view.heading
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", vText(plain(name)))  # escaped like any text
    stamp = datetime.now(UTC).replace(microsecond=0)  # DTSTAMP: when the file was made
    for r in view.rows:
        h = r.handover
        agreement = r.agreement
        base = f"{agreement.id}.{h.id}"
        route = f"{h.from_} to {h.to}"
        sources = [s.url for s in r.sources if s.url]  # none published after the date
        about = f"{agreement.title}\n{h.provision or ''}\n{summary(r)}".strip()
        if sources:
            about += "\nSources:\n" + "\n".join(sources)
        calendar.add_component(
            _event(
                f"{base}.deadline@handover",
                r.deadline,
                f"Deadline: {h.name} ({route})",
                about,
                stamp,
                r.revision_count,
            )
        )
        previous = r.original_deadline
        for revision in r.revisions:
            if previous != r.deadline:
                calendar.add_component(
                    _event(
                        f"{base}.moved.{previous.isoformat()}@handover",
                        previous,
                        f"Moved: {h.name} deadline (moved to {revision.deadline.isoformat()})",
                        f"Announced {revision.announced.isoformat()}: {revision.reason}",
                        stamp,
                        0,
                    )
                )
            previous = revision.deadline
        if r.completed is not None:
            calendar.add_component(
                _event(
                    f"{base}.completed@handover",
                    r.completed,
                    f"Completed: {h.name} ({route})",
                    about,
                    stamp,
                    0,
                )
            )
    return bytes(calendar.to_ical())
