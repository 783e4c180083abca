"""The report page (README: report): one self-contained HTML page, from a Jinja2 template.

Everything from the data goes through the template's autoescaping; the one piece marked safe
is the chart, which ElementTree wrote (and escaped) itself. Jinja2 is imported only here, so
only `handover report` loads it."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from handover.dates import day_label, period_label
from handover.models import Agreement, Source
from handover.output.plain import plain
from handover.output.words import summary
from handover.plural import plural
from handover.timeline import Change, Row, Status, agreement_sources, handover_sources


class Section(NamedTuple):
    """One agreement on the page."""

    agreement: Agreement
    rows: list[Row]
    changes: list[Change]  # in the recent window, oldest first
    chart: str  # SVG markup, escaped by the writer that made it


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date) -> str:
    """A date in plain words, whatever the locale: 26 November 2020."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def headline(rows: list[Row]) -> str:
    """ "2 of 3 handovers completed; 1 overdue by 12 days"."""
    done = sum(r.status is Status.COMPLETED for r in rows)
    parts = [f"{done} of {plural(len(rows), 'handover')} completed"]
    late = sorted(-(r.days_to_deadline or 0) for r in rows if r.status is Status.OVERDUE)
    if late and late[0] == late[-1]:
        parts.append(f"{len(late)} overdue by {plural(late[0], 'day')}")
    elif late:
        parts.append(f"{len(late)} overdue, by {late[0]} to {plural(late[-1], 'day')}")
    due = sum(r.status is Status.DUE for r in rows)
    if due:
        parts.append(f"{due} due today")
    pending = sum(r.status is Status.PENDING for r in rows)
    if pending:
        parts.append(f"{pending} pending")
    for status, words in (
        (Status.LATE_START, "late to start"),
        (Status.POSTPONED, "postponed with no new date"),
        (Status.UNCLEAR, "unclear"),
        (Status.SUSPENDED, "suspended"),
        (Status.REVERSED, "taken back"),
        (Status.LAPSED, "lapsed"),
    ):
        count = sum(r.status is status for r in rows)
        if count:
            parts.append(f"{count} {words}")
    return "; ".join(parts)


def source_label(source: Source) -> str:
    bits = [b for b in (source.publisher, source.title) if b]
    label = ": ".join(bits) if bits else (source.url or "")
    return f"{label} ({period_label(source.published)})" if source.published else label


def cited(section: Section, as_of: date) -> list[tuple[Source, list[str]]]:
    """Each source known on the date once, with what it supports ("the agreement", or the
    handovers' names), in the order the data cites them."""
    found: dict[tuple[str | None, str], tuple[Source, list[str]]] = {}
    pairs = [(s, "the agreement") for s in agreement_sources(section.agreement, as_of)]
    pairs += [
        (s, r.handover.name) for r in section.rows for s in handover_sources(r.handover, as_of)
    ]
    for source, what in pairs:
        key = (source.url, source_label(source))
        entry = found.setdefault(key, (source, []))
        if what not in entry[1]:
            entry[1].append(what)
    return list(found.values())


def host(url: str) -> str:
    """A link's words: the site it goes to (www.example.org)."""
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("handover", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plain"] = plain
    env.filters["long_date"] = long_date
    env.filters["short_date"] = day_label  # 26 Nov 2020, as on the chart
    env.filters["source_label"] = source_label
    env.filters["host"] = host
    env.globals.update(headline=headline, summary=summary, cited=cited)
    return env


def render(as_of: date, sections: list[Section], more: tuple[str, ...], recent_days: int) -> str:
    checked = [s.agreement.checked for s in sections if s.agreement.checked is not None]
    unchecked = [s.agreement for s in sections if s.agreement.checked is None]
    template = _environment().get_template("report.html.j2")
    return template.render(
        as_of=as_of,
        sections=[s._replace(chart=Markup(s.chart)) for s in sections],
        more=more,
        recent_days=recent_days,
        oldest_check=min(checked, default=None),
        unchecked=unchecked,
        stale=[
            s.agreement for s in sections if s.agreement.checked and as_of > s.agreement.checked
        ],
    )
