"""The report page (README: report): one self-contained HTML page, from a Jinja2 template.

Everything from the data goes through the template's autoescaping; the one piece marked safe
is the chart, which ElementTree wrote (and escaped) itself. Jinja2 is imported only here, so
only `handover report` loads it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from typing import NamedTuple

from jinja2 import Environment, PackageLoader, Template, select_autoescape
from markupsafe import Markup

from handover.dates import day_label, period_label
from handover.models import Agreement, Source
from handover.output.plain import plain
from handover.output.words import status_words, summary
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


@cache
def _template() -> Template:
    """The page's template, compiled once per process (a site renders hundreds of pages)."""
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
    env.filters["in_words"] = in_words
    env.globals.update(
        headline=headline,
        summary=summary,
        cited=cited,
        next_deadline=next_deadline,
        grouped=grouped,
        status_words=status_words,
        kind_words=lambda kind: KIND_WORDS.get(kind, kind),
    )
    return env.get_template("report.html.j2")


KIND_WORDS = {
    "in-force": "in force",
    "revised": "deadline moved",
    "missed": "deadline missed",
    "missed-start": "start missed",
    "held": "reported still held",
    "reversed": "taken back",
    "unclear": "unclear from this day",
}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def in_words(text: str) -> str:
    """ISO dates in a text as readers write them: 2020-11-25 reads 25 Nov 2020."""

    def said(found: re.Match[str]) -> str:
        try:
            return day_label(date(*(int(g) for g in found.groups())))
        except ValueError:  # not a date after all: left as written
            return found.group(0)

    return _ISO.sub(said, text)


def grouped(changes: list[Change]) -> list[tuple[date, list[str], str, str, list[str]]]:
    """Changes of one day, kind and detail told once, with every handover they concern (the
    five positions that missed one deadline are one line, not five)."""
    found: dict[tuple[date, str, str], tuple[list[str], list[str]]] = {}
    for c in changes:
        names, links = found.setdefault((c.date, c.kind, c.detail), ([], []))
        names.append(c.name)
        links += [u for u in c.links if u not in links]
    return [
        (day, names, kind, detail, links) for (day, kind, detail), (names, links) in found.items()
    ]


AHEAD = (Status.PENDING, Status.DUE, Status.LATE_START)  # a deadline still to be met


def next_deadline(rows: list[Row]) -> date | None:
    """The soonest deadline still to be met (not one already passed)."""
    ahead = [
        r.deadline for r in rows if r.status in (Status.PENDING, Status.DUE, Status.LATE_START)
    ]
    return min(ahead, default=None)


def urgency(section: Section) -> tuple[int, int, str]:
    """Most urgent first: an agreement with a handover overdue, then the one due soonest,
    then those with nothing open; by title within each."""
    rows = section.rows
    if any(r.status is Status.OVERDUE for r in rows):
        late = max(-(r.days_to_deadline or 0) for r in rows if r.status is Status.OVERDUE)
        return (0, -late, section.agreement.title)
    soonest = next_deadline(rows)
    if soonest is not None:
        return (1, soonest.toordinal(), section.agreement.title)
    return (2, 0, section.agreement.title)


def render(
    as_of: date,
    sections: list[Section],
    more: tuple[str, ...],
    recent_days: int,
    *,
    link: Callable[[str], str] = lambda agreement: f"#{agreement}",
    downloads: tuple[tuple[str, str], ...] = (),
    heading: str | None = None,
    home: str | None = None,
    site_title: str | None = None,
    index_only: bool = False,
    others: Sequence[Agreement] = (),
    all_changes: bool = False,
) -> str:
    """The page: `link` says where an agreement's section is (an anchor on this page, or its
    own page on a site), `downloads` lists the data files beside the page. On a site, `home`
    links the index, which (`index_only`) has the state of play and links but no sections,
    and lists the agreements not in play (`others`); an agreement's own page lists all its
    changes up to the date (`all_changes`)."""
    from handover.output.figure import CHART_CSS

    sections = sorted(sections, key=urgency)
    checked = [s.agreement.checked for s in sections if s.agreement.checked is not None]
    unchecked = [s.agreement for s in sections if s.agreement.checked is None]
    h1 = heading or f"Handovers as of {long_date(as_of)}"
    title = h1
    if heading is None and len(sections) == 1:
        title += f": {plain(sections[0].agreement.title)}"
    if len(sections) == 1:
        description = f"{headline(sections[0].rows)}, as known on {long_date(as_of)}."
    else:
        every = [r for s in sections for r in s.rows]
        description = (
            f"{plural(len(sections), 'agreement')}, as known on {long_date(as_of)}: "
            f"{headline(every)}."
        )
    return _template().render(
        link=link,
        as_of=as_of,
        sections=[s._replace(chart=Markup(s.chart)) for s in sections],
        more=more,
        recent_days=recent_days,
        oldest_check=min(checked, default=None),
        unchecked=unchecked,
        stale=[
            s.agreement for s in sections if s.agreement.checked and as_of > s.agreement.checked
        ],
        page_title=title,
        h1=h1,
        description=description,
        chart_css=Markup(CHART_CSS),
        downloads=downloads,
        home=home,
        site_title=site_title,
        index_only=index_only,
        others=others,
        all_changes=all_changes,
        events_of=lambda a: [e for e in a.events if e.date <= as_of],
    )
