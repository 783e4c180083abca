"""Plain-language notes on a row, shared by the table and Markdown renderers (no rich here)."""

from __future__ import annotations

from datetime import date, timedelta

from handover.dates import day_label
from handover.plural import plural
from handover.timeline import OPEN, Row, Status

STALE_NEWS_DAYS = 30  # an open handover whose last news is older than this says so

# A status in words for readers (pages, the chart's description), not the code a program reads.
STATUS_WORDS = {
    Status.NOT_AGREED: "not yet agreed",
    Status.LATE_START: "late to start",
    Status.REVERSED: "taken back",
    Status.POSTPONED: "postponed, no new date",
}


def status_words(status: Status) -> str:
    return STATUS_WORDS.get(status, status.value)


def days(n: int) -> str:
    return plural(n, "day")


def _when(day: date | None) -> str:
    return "" if day is None else day_label(day)


def _lapsed(r: Row) -> str:
    """`lapsed: the agreement collapsed on 18 Mar 2025, 9 days after the deadline`."""
    assert r.ended is not None
    day, how = r.ended
    what = {
        "lapsed": "lapsed",
        "collapsed": "collapsed",
        "superseded": "was superseded",
        "terminated": "was terminated",
        "fulfilled": "was fulfilled",
    }.get(how, "ended")
    said = f"lapsed: the agreement {what} on {day_label(day)}"
    if r.shown_deadline is not None:
        gap = (day - r.deadline).days
        if gap > 0:
            said += f", {days(gap)} after the deadline"
        elif gap < 0:
            said += f", {days(-gap)} before the deadline"
        else:
            said += ", on the deadline"
    return said


def summary(r: Row) -> str:
    """A sentence-like note on one row: time left, lateness, moves, and for the states of
    schema 3 what a reader needs (lapsed, taken back, start missed, last news)."""
    parts: list[str] = []
    if r.status is Status.REVERSED:
        parts.append(f"taken back on {_when(r.reversed)}")
    elif r.status is Status.LAPSED:
        parts.append(_lapsed(r))
    elif r.status is Status.SUSPENDED:
        parts.append(f"the agreement is suspended since {_when(r.since)}")
    elif r.status is Status.UNCLEAR:
        parts.append(f"unclear since {_when(r.since)}: no source says whether it was done")
    elif r.status is Status.POSTPONED:
        parts.append(f"postponed on {_when(r.since)}, no new date")
    elif r.status is Status.LATE_START:
        missed = r.begin_by + timedelta(days=1) if r.begin_by else None
        parts.append(f"start missed on {_when(missed)}; {days(r.days_to_deadline or 0)} left")
    if r.status is Status.NOT_AGREED:
        agreed = r.shown_agreed
        parts.append(f"agreed from {agreed.isoformat()}" if agreed else "not in force yet")
    elif r.status is Status.PENDING:
        parts.append(f"{days(r.days_to_deadline or 0)} left")
    elif r.status is Status.DUE:
        parts.append("due today")
    elif r.status is Status.OVERDUE:
        parts.append(f"{days(-(r.days_to_deadline or 0))} overdue")
    elif r.status is Status.COMPLETED:
        late = r.delay_days or 0
        parts.append("on time" if r.on_time else "late")
        if late > 0:
            parts.append(f"{days(late)} after the original deadline")
        elif late < 0:
            parts.append(f"{days(-late)} early")
    if r.revision_count and r.shown_deadline is not None:
        sign = "+" if r.slip_days >= 0 else ""
        revisions = plural(r.revision_count, "revision")
        parts.append(f"deadline moved {sign}{days(r.slip_days)} ({revisions})")
    if r.status in OPEN and r.status is not Status.NOT_AGREED:
        if r.last_news is None:
            parts.append("no dated news")
        elif (r.as_of - r.last_news).days > STALE_NEWS_DAYS:
            parts.append(f"last news {day_label(r.last_news)}")
    return "; ".join(parts)
