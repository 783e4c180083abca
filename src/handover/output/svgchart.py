"""The timeline as a picture to publish: an SVG chart with a light theme, a date axis with
labelled ticks, one row per handover, and marks that differ in shape as well as colour.

    original deadline  open circle         moved deadline (replaced)  open square
    deadline in force  filled diamond      completed                  filled triangle
    as-of date         dashed vertical line, labelled at the top

Drawn with the standard library's ElementTree, which escapes every text: the output is the
same bytes for the same input (for golden tests), nothing is installed for it, and commands
that do not draw never import it. No fonts or anything else are fetched.
Each mark carries `data-kind` and `data-date`; the root carries the axis (`data-start`,
`data-end`, `data-x0`, `data-x1`), so a test can check every mark sits where its date is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, timedelta

from handover.dates import day_label
from handover.output.plain import plain
from handover.plural import plural
from handover.timeline import Row, Status

SVG = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
WIDTH = 960
TOP = 86  # title, subtitle and the as-of label
ROW = 46
LINE = 15  # one line of a row's name
CHAR = 7.0  # the width of a character at 13 px, near enough for laying out names
COLOURS = {
    "original-deadline": "#6b7280",
    "moved-deadline": "#b45309",
    "deadline": "#1d4ed8",
    "overdue": "#b91c1c",
    "completed": "#15803d",
    "as-of": "#111827",
}
LEGEND = {
    "original-deadline": "original deadline",
    "moved-deadline": "moved deadline",
    "deadline": "deadline in force",
    "completed": "completed",
    "as-of": "as-of date",
}


def _lines(text: str, width: float) -> list[str]:
    """Words in lines of at most `width` pixels (a longer word stands alone)."""
    most = max(int(width / CHAR), 8)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _ticks(start: date, end: date) -> list[date]:
    """Dates for labelled ticks: the smallest step of days, months or years that gives at
    most eight."""
    span = max((end - start).days, 1)
    for days in (1, 2, 7, 14):
        if span / days <= 8:
            first = start
            return [first + timedelta(days=days * i) for i in range(span // days + 1)]
    for months in (1, 2, 3, 6, 12, 24, 60, 120):
        if span / (30.44 * months) <= 8:
            ticks = []
            year, month = start.year, start.month
            while True:
                month_index = year * 12 + month - 1
                if month_index % months == 0:
                    day = date(year, month, 1)
                    if day > end:
                        break
                    if day >= start:
                        ticks.append(day)
                month += 1
                if month > 12:
                    year, month = year + 1, 1
            return ticks
    return [start, end]


class _Scale:
    def __init__(self, start: date, end: date, x0: float, x1: float) -> None:
        self.start, self.end, self.x0, self.x1 = start, end, x0, x1
        self.span = max((end - start).days, 1)

    def x(self, day: date) -> float:
        return round(self.x0 + (day - self.start).days / self.span * (self.x1 - self.x0), 2)


def _el(parent: ET.Element, name: str, **attrs: object) -> ET.Element:
    return ET.SubElement(
        parent, name, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: object) -> ET.Element:
    element = _el(parent, "text", x=x, y=y, **attrs)
    element.text = plain(text)
    return element


def _mark(parent: ET.Element, kind: str, x: float, y: float, day: date, colour: str) -> None:
    common = {"data_kind": kind, "data_date": day.isoformat()}
    if kind == "original-deadline":
        _el(
            parent,
            "circle",
            cx=x,
            cy=y,
            r=6,
            fill="#ffffff",
            stroke=colour,
            stroke_width=2,
            **common,
        )
    elif kind == "moved-deadline":
        _el(
            parent,
            "rect",
            x=x - 5,
            y=y - 5,
            width=10,
            height=10,
            fill="#ffffff",
            stroke=colour,
            stroke_width=2,
            **common,
        )
    elif kind == "deadline":
        points = f"{x},{y - 8} {x + 8},{y} {x},{y + 8} {x - 8},{y}"
        _el(parent, "polygon", points=points, fill=colour, **common)
    else:  # completed
        points = f"{x},{y - 8} {x + 8},{y + 6} {x - 8},{y + 6}"
        _el(parent, "polygon", points=points, fill=colour, **common)


def render_svg(
    rows: Sequence[Row],
    as_of: date,
    title: str,
    source: str,
    description: str = "",
    subtitle: str = "",
    ids: str = "chart",
) -> str:
    """The chart as an SVG document (text). `title` is a short plain-language headline;
    `subtitle` (the agreement's title, say) is wrapped to the width, never cut. `ids`
    prefixes the element ids, so that several charts can share a page."""
    sub_lines = _lines(subtitle, (WIDTH - 40) * 13 / 14) if subtitle else []
    top = TOP + len(sub_lines) * 17
    names = [r.handover.name for r in rows]
    label_width = min(max([len(n) for n in names] + [12]) * CHAR + 16, 300)
    wrapped = [_lines(n, label_width - 16) for n in names]
    heights = [max(ROW, len(lines) * LINE + 18) for lines in wrapped]
    axis_y = top + sum(heights) + 8
    height = axis_y + 100
    start, end, beyond = _span(rows, as_of)
    scale = _Scale(start, end, 20 + label_width, WIDTH - 40)
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG,
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{ids}-title {ids}-desc",
            "font-family": FONT,
            "font-size": "13",
            "data-start": start.isoformat(),
            "data-end": end.isoformat(),
            "data-x0": str(scale.x0),
            "data-x1": str(scale.x1),
        },
    )
    _el(svg, "title", id=f"{ids}-title").text = plain(title)
    _el(svg, "desc", id=f"{ids}-desc").text = plain(description or title)
    _el(svg, "rect", x=0, y=0, width=WIDTH, height=height, fill="#ffffff")
    _text(svg, 20, 30, title, font_size=18, font_weight="bold", fill="#111827")
    for i, line in enumerate(sub_lines):
        _text(svg, 20, 52 + i * 17, line, font_size=14, fill="#374151")
    _axis(svg, scale, top, axis_y)
    drawn: set[str] = set()
    y_top = top
    for r, lines, row_height in zip(rows, wrapped, heights, strict=True):
        drawn |= _row(svg, r, lines, y_top + row_height / 2, scale, as_of)
        y_top += row_height
    # the as-of date, down through every row; or in words when it is far off the axis
    marker = _el(svg, "g", class_="as-of", data_kind="as-of", data_date=as_of.isoformat())
    if beyond:
        _text(
            marker,
            scale.x1,
            top - 20,
            f"as of {day_label(as_of)}, after the last date shown \u2192",
            text_anchor="end",
            font_weight="bold",
            fill=COLOURS["as-of"],
        )
    else:
        _as_of_line(marker, scale.x(as_of), top, axis_y, day_label(as_of))
        drawn.add("as-of")
    _legend(svg, drawn, axis_y + 52, as_of)
    _text(svg, 20, height - 16, source, fill="#6b7280", font_size=11)
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode") + "\n"


def _span(rows: Sequence[Row], as_of: date) -> tuple[date, date, bool]:
    """The axis's first and last day, and whether the as-of date lies beyond it."""
    dates: list[date] = []
    for r in rows:
        if r.shown_deadline is None:  # counted from an entry into force still to come
            continue
        begins = r.shown_agreed or r.agreement.signed  # an entry into force to come is not shown
        dates += [begins, r.original_deadline, r.deadline, *(v.deadline for v in r.revisions)]
        if r.completed:
            dates.append(r.completed)
    start, last = min([as_of, *dates]), max(dates, default=as_of)
    # An as-of date long after the last event would squeeze every mark into the left edge
    # (Egypt-Israel 1979-82 read in 2026): the axis then stops after the last event and the
    # as-of date is said in words at the right, not drawn.
    beyond = (as_of - last) > (last - start)  # (not last + span: that may pass the year 9999)
    end = last if beyond else max(last, as_of)
    room = timedelta(days=max((end - start).days // 12, 1))  # room for the last label
    end = end + room if date.max - end > room else date.max
    return start, end, beyond


def _axis(svg: ET.Element, scale: _Scale, top: float, axis_y: float) -> None:
    """The date axis: ticks and their labels, light guide lines through the rows."""
    axis = _el(svg, "g", class_="axis")
    _el(axis, "line", x1=scale.x0, y1=axis_y, x2=scale.x1, y2=axis_y, stroke="#9ca3af")
    previous_year = None
    for tick in _ticks(scale.start, scale.end):
        x = scale.x(tick)
        _el(axis, "line", x1=x, y1=top - 6, x2=x, y2=axis_y, stroke="#e5e7eb")
        _el(axis, "line", x1=x, y1=axis_y, x2=x, y2=axis_y + 5, stroke="#9ca3af")
        label = day_label(tick, with_year=tick.year != previous_year)
        _text(
            axis,
            x,
            axis_y + 20,
            label,
            text_anchor="middle",
            fill="#374151",
            data_date=tick.isoformat(),
            data_kind="tick",
        )
        previous_year = tick.year


def _row(
    svg: ET.Element, r: Row, lines: list[str], y: float, scale: _Scale, as_of: date
) -> set[str]:
    """One handover's band: its name, its bar, its marks and their label. Returns the kinds
    of mark drawn (for the legend)."""
    drawn: set[str] = set()
    group = _el(svg, "g", class_="row", data_id=r.handover.id, data_agreement=r.agreement.id)
    name = _el(group, "text", x=20, y=y - (len(lines) - 1) * LINE / 2 + 4, fill="#111827")
    for i, line in enumerate(lines):
        span = _el(name, "tspan", x=20, dy=0 if i == 0 else LINE)
        span.text = plain(line)
    if r.shown_deadline is None:  # its dates are counted from an entry into force to come
        words = "deadline counted from the entry into force, still to come"
        _text(group, scale.x0 + 12, y + 4, words, fill="#4b5563")
        return drawn
    end_of_bar = r.completed or max(r.deadline, min(as_of, r.deadline))
    _el(
        group,
        "line",
        x1=scale.x(r.shown_agreed or r.agreement.signed),
        y1=y,
        x2=scale.x(end_of_bar),
        y2=y,
        stroke="#d1d5db",
        stroke_width=4,
        stroke_linecap="round",
    )
    moved = [v.deadline for v in r.revisions if v.deadline != r.deadline]
    if r.original_deadline != r.deadline:
        _mark(
            group,
            "original-deadline",
            scale.x(r.original_deadline),
            y,
            r.original_deadline,
            COLOURS["original-deadline"],
        )
        drawn.add("original-deadline")
    for day in dict.fromkeys(d for d in moved if d != r.original_deadline):
        _mark(group, "moved-deadline", scale.x(day), y, day, COLOURS["moved-deadline"])
        drawn.add("moved-deadline")
    colour = COLOURS["overdue" if r.status is Status.OVERDUE else "deadline"]
    _mark(group, "deadline", scale.x(r.deadline), y, r.deadline, colour)
    drawn.add("deadline")
    notes = []
    if r.slip_days:
        notes.append(f"moved {r.slip_days:+d} days")
    if r.completed:
        _mark(group, "completed", scale.x(r.completed), y, r.completed, COLOURS["completed"])
        drawn.add("completed")
        notes.append(f"completed {day_label(r.completed, with_year=False)}")
    elif r.status is Status.OVERDUE:
        notes.append(f"overdue by {plural(-(r.days_to_deadline or 0), 'day')}")
    elif r.status in (Status.PENDING, Status.DUE, Status.LATE_START):
        notes.append(f"due {day_label(r.deadline, with_year=False)}")
    # the states schema 3 adds, in words (their own marks come with the site's chart)
    since = day_label(r.since, with_year=False) if r.since else ""
    state = {
        Status.REVERSED: f"taken back {since}",
        Status.LAPSED: f"lapsed: the agreement ended {since}",
        Status.SUSPENDED: f"suspended since {since}",
        Status.UNCLEAR: f"unclear since {since}",
        Status.POSTPONED: f"postponed {since}, no new date",
        Status.LATE_START: "start missed",
    }.get(r.status)
    if state:
        notes.append(state)
    said = "; ".join(notes)
    at = max(scale.x(end_of_bar), scale.x(r.deadline))
    if at + 12 + len(said) * CHAR * 12 / 13 > WIDTH - 8:  # near the right edge: to the left
        _text(group, at - 12, y - 11, said, fill="#374151", font_size=12, text_anchor="end")
    else:
        _text(group, at + 12, y - 11, said, fill="#374151", font_size=12)
    return drawn


def _legend(svg: ET.Element, drawn: set[str], ly: float, as_of: date) -> None:
    """The legend: only the marks that are drawn."""
    legend = _el(svg, "g", class_="legend")
    lx = 20.0
    for kind, words in LEGEND.items():
        if kind not in drawn:
            continue
        if kind == "as-of":
            _el(
                legend,
                "line",
                x1=lx,
                y1=ly - 8,
                x2=lx,
                y2=ly + 8,
                stroke=COLOURS["as-of"],
                stroke_width=1.5,
                stroke_dasharray="4 3",
            )
        else:
            _mark(legend, kind, lx, ly, as_of, COLOURS[kind])
        _text(legend, lx + 14, ly + 4, words, fill="#374151")
        lx += 28 + len(words) * CHAR


def _as_of_line(marker: ET.Element, x: float, top: float, axis_y: float, label: str) -> None:
    """The as-of date: a dashed line down through every row, a pointer and its date."""
    _el(
        marker,
        "line",
        x1=x,
        y1=top - 4,
        x2=x,
        y2=axis_y,
        stroke=COLOURS["as-of"],
        stroke_width=1.5,
        stroke_dasharray="5 4",
    )
    _el(
        marker,
        "polygon",
        points=f"{x - 6},{top - 14} {x + 6},{top - 14} {x},{top - 5}",
        fill=COLOURS["as-of"],
    )
    _text(
        marker,
        x,
        top - 20,
        f"as of {label}",
        text_anchor="middle",
        font_weight="bold",
        fill=COLOURS["as-of"],
    )
