"""Plain-language notes on a row, shared by the table and Markdown renderers (no rich here)."""

from __future__ import annotations

from handover.plural import plural
from handover.timeline import Row, Status


def days(n: int) -> str:
    return plural(n, "day")


def summary(r: Row) -> str:
    """A sentence-like note on one row: time left, lateness, moves."""
    parts: list[str] = []
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
    return "; ".join(parts)
