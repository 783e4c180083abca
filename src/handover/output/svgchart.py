"""The timeline as a picture to publish: an SVG chart with a light theme, a date axis with
labelled ticks, one band per handover (its name above its line), and marks that differ in
shape as well as colour, so that the chart reads in greyscale print:

    original deadline  open circle          moved deadline (replaced)  open square
    deadline in force  filled diamond       begin by                   open bar
    began              open triangle        completed                  filled triangle
    taken back         filled triangle, down  reported still held      small dot
    unclear            dashed circle        postponed, no new date     dashed square
    overdue            red span ending in a cross   agreement ended    thick upright bar
    as-of date         dashed segments through each band, labelled at the top

The same drawing serves two widths: WIDE for a desktop and `timeline --svg`, NARROW for a
phone (and print), where every mark and label fits 340 units without scrolling. Every label
is placed beside the mark it describes, in a line of its own below the band's line, so the
as-of segments (drawn only across the lines) never cross a label, and labels that would touch
take the next line. Widths of text are estimated generously (0.62 em a character).

Drawn with the standard library's ElementTree, which escapes every text: the output is the
same bytes for the same input, nothing is installed for it, and commands that do not draw
never import it. Each mark carries `data-kind` and `data-date` and a `<title>` (hover on a
desktop, long-press on a phone); the root carries the axis (`data-start`, `data-end`,
`data-x0`, `data-x1`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from handover.dates import MONTHS, day_label
from handover.output.plain import plain
from handover.plural import plural
from handover.timeline import Row, Status, happenings

SVG = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
WIDE, NARROW = 960, 340
EM = 0.62  # a character's width in ems, on the generous side for sans-serif text
COLOURS = {
    "original-deadline": "#6b7280",
    "moved-deadline": "#b45309",
    "deadline": "#1d4ed8",
    "begin-by": "#0f766e",
    "began": "#15803d",
    "completed": "#15803d",
    "reversed": "#7e22ce",
    "held": "#374151",
    "unclear": "#6b7280",
    "postponed": "#b45309",
    "overdue": "#b91c1c",
    "ended": "#111827",
    "suspended": "#92400e",
    "as-of": "#111827",
}
LEGEND = {
    "original-deadline": "original deadline",
    "moved-deadline": "moved deadline",
    "deadline": "deadline in force",
    "begin-by": "to begin by",
    "began": "began",
    "completed": "completed",
    "reversed": "taken back",
    "held": "reported still held",
    "unclear": "unclear from",
    "postponed": "postponed, no new date",
    "overdue": "overdue: no handover reported",
    "ended": "agreement ended",
    "suspended": "agreement suspended",
    "as-of": "as-of date",
}
TEXT = "#374151"


class _Size(NamedTuple):
    width: int
    margin: int
    font: int  # names and axis labels
    small: int  # mark labels, legend and source line
    most_ticks: int


SIZES = {WIDE: _Size(WIDE, 20, 13, 12, 8), NARROW: _Size(NARROW, 10, 12, 11, 4)}


def text_width(text: str, size: float) -> float:
    """A generous estimate of how wide a text is drawn, in pixels."""
    return len(text) * size * EM


def _lines(text: str, width: float, size: float) -> list[str]:
    """Words in lines of at most `width` pixels (a longer word stands alone)."""
    most = max(int(width / (size * EM)), 8)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class _Scale:
    def __init__(self, start: date, end: date, x0: float, x1: float) -> None:
        self.start, self.end, self.x0, self.x1 = start, end, x0, x1
        self.span = max((end - start).days, 1)

    def x(self, day: date) -> float:
        day = min(max(day, self.start), self.end)
        return round(self.x0 + (day - self.start).days / self.span * (self.x1 - self.x0), 2)


def _tick_label(day: date, step_days: int) -> str:
    """A tick's words: `15 Nov 2020` for days, `Nov 2020` for months, `1980` for years."""
    if step_days < 28:
        return day_label(day)
    if step_days < 365:
        return f"{MONTHS[day.month - 1]} {day.year}"
    return str(day.year)


def _candidates(start: date, end: date) -> list[tuple[int, list[date]]]:
    """Tick sets from the finest to the coarsest: (step in days, dates)."""
    span = max((end - start).days, 1)
    found: list[tuple[int, list[date]]] = []
    for days in (1, 2, 7, 14):
        if span / days <= 12:
            found.append(
                (days, [start + timedelta(days=days * i) for i in range(span // days + 1)])
            )
    for months in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600):
        ticks = []
        index = start.year * 12 + start.month - 1
        while True:
            year, month = divmod(index, 12)
            if year > end.year:
                break
            day = date(year, month + 1, 1)
            if index % months == 0 and start <= day <= end:
                ticks.append(day)
            index += 1
        if ticks:
            found.append((months * 30 if months < 12 else months // 12 * 365, ticks))
    return found


def _tick_box(x: float, label: str, size: _Size) -> tuple[str, float, float, float]:
    """Where a tick's label goes: (anchor, x to draw at, left, right); centred under its tick,
    or pushed in from the chart's edge."""
    w = text_width(label, size.font)
    if x - w / 2 < size.margin / 2:
        at = max(x - 4, size.margin / 2)
        return "start", at, at, at + w
    if x + w / 2 > size.width - size.margin / 2:
        at = min(x + 4, size.width - size.margin / 2)
        return "end", at, at - w, at
    return "middle", x, x - w / 2, x + w / 2


def _ticks(scale: _Scale, size: _Size) -> list[tuple[date, str]]:
    """The finest ticks whose labels fit side by side, at most `most_ticks` of them."""
    for step, ticks in _candidates(scale.start, scale.end):
        if not 2 <= len(ticks) <= size.most_ticks:  # a reader needs two to read a date off
            continue
        labels = [_tick_label(t, step) for t in ticks]
        boxes = [_tick_box(scale.x(t), label, size) for t, label in zip(ticks, labels, strict=True)]
        if all(boxes[i][3] + 12 <= boxes[i + 1][2] for i in range(len(boxes) - 1)):
            return list(zip(ticks, labels, strict=True))
    return [(scale.start, day_label(scale.start)), (scale.end, day_label(scale.end))]


def _el(parent: ET.Element, name: str, **attrs: object) -> ET.Element:
    return ET.SubElement(
        parent, name, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: object) -> ET.Element:
    element = _el(parent, "text", x=x, y=y, **attrs)
    element.text = plain(text)
    return element


def _mark(parent: ET.Element, kind: str, x: float, y: float, day: date, told: str) -> None:
    """One mark, with its kind, date and a title that says both in words."""
    colour = COLOURS[kind]
    common: dict[str, object] = {"data_kind": kind, "data_date": day.isoformat()}
    if kind == "original-deadline":
        shape = _el(parent, "circle", cx=x, cy=y, r=6, fill="#ffffff", stroke=colour,
                    stroke_width=2, **common)  # fmt: skip
    elif kind in ("moved-deadline", "postponed"):
        dashes = {"stroke_dasharray": "3 2"} if kind == "postponed" else {}
        shape = _el(parent, "rect", x=x - 5, y=y - 5, width=10, height=10, fill="#ffffff",
                    stroke=colour, stroke_width=2, **dashes, **common)  # fmt: skip
    elif kind == "deadline":
        points = f"{x},{y - 8} {x + 8},{y} {x},{y + 8} {x - 8},{y}"
        shape = _el(parent, "polygon", points=points, fill=colour, **common)
    elif kind in ("completed", "began"):
        points = f"{x},{y - 8} {x + 8},{y + 6} {x - 8},{y + 6}"
        fill = {"fill": colour} if kind == "completed" else {"fill": "#ffffff", "stroke": colour,
                                                              "stroke_width": 2}  # fmt: skip
        shape = _el(parent, "polygon", points=points, **fill, **common)
    elif kind == "reversed":
        points = f"{x - 8},{y - 6} {x + 8},{y - 6} {x},{y + 8}"
        shape = _el(parent, "polygon", points=points, fill=colour, **common)
    elif kind == "held":
        shape = _el(parent, "circle", cx=x, cy=y, r=3.5, fill=colour, **common)
    elif kind == "unclear":
        shape = _el(parent, "circle", cx=x, cy=y, r=6, fill="#ffffff", stroke=colour,
                    stroke_width=2, stroke_dasharray="2 2", **common)  # fmt: skip
    elif kind == "begin-by":
        shape = _el(parent, "rect", x=x - 2.5, y=y - 9, width=5, height=18, fill="#ffffff",
                    stroke=colour, stroke_width=1.5, **common)  # fmt: skip
    elif kind in ("ended", "suspended"):
        shape = _el(parent, "rect", x=x - 2, y=y - 10, width=4, height=20, fill=colour,
                    **common)  # fmt: skip
    else:  # overdue: a cross at the end of its span
        d = f"M{x - 6},{y - 6} L{x + 6},{y + 6} M{x - 6},{y + 6} L{x + 6},{y - 6}"
        shape = _el(parent, "path", d=d, stroke=colour, stroke_width=3, fill="none", **common)
    _el(shape, "title").text = plain(told)


class _Label(NamedTuple):
    x: float  # the mark it describes
    text: str


class _Band(NamedTuple):
    """One handover's band, laid out: its name lines, the y of its line, its label lines."""

    row: Row
    marks: list[tuple[str, date, str]]  # (kind, date, what its title says)
    name: list[str]
    top: float
    line_y: float
    labels: list[list[tuple[float, str, str]]]  # per label line: (x, anchor, text)
    bottom: float


def render_svg(
    rows: Sequence[Row],
    as_of: date,
    title: str,
    source: str,
    description: str = "",
    subtitle: str = "",
    ids: str = "chart",
    width: int = WIDE,
) -> str:
    """The chart as an SVG document (text), WIDE or NARROW. `title` is a short plain-language
    headline; `subtitle` (the agreement's title, say) is wrapped to the width, never cut.
    `ids` prefixes the element ids, so that several charts can share a page."""
    size = SIZES[width]
    m = size.margin
    title_lines = _lines(title, width - 2 * m, 17 if width == WIDE else 15)
    sub_lines = _lines(subtitle, width - 2 * m, size.font + 1) if subtitle else []
    y = 8.0
    marked = [(r, _marks(r, as_of)) for r in rows]  # each band's marks, worked out once
    start, end, beyond = _span(marked, as_of)
    scale = _Scale(start, end, m + 8, width - m - 8)
    with_year = start.year != end.year
    header_y = y + len(title_lines) * 21 + len(sub_lines) * 17 + 8
    top = header_y + 26  # the as-of label's line
    bands: list[_Band] = []
    for r, marks in marked:
        name = _lines(r.handover.name, width - 2 * m, size.font)
        line_y = top + len(name) * 16 + 10
        labels = _place(_labels(r, as_of, with_year, scale), scale, size)
        bottom = line_y + 14 + len(labels) * (size.small + 4) + 6
        bands.append(_Band(r, marks, name, top, line_y, labels, bottom))
        top = bottom + 8
    axis_y = top + 4
    ticks = _ticks(scale, size)
    drawn = {kind for band in bands for kind, _, _ in band.marks}  # the legend lists these
    if not beyond:
        drawn.add("as-of")
    legend = _legend_lines([k for k in LEGEND if k in drawn], width - 2 * m, size)
    source_lines = _lines(source, width - 2 * m, size.small)
    legend_y = axis_y + 44
    height = legend_y + len(legend) * 22 + len(source_lines) * 15 + 12
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG,
            "viewBox": f"0 0 {width} {height:g}",
            "width": str(width),
            "height": f"{height:g}",
            "role": "img",
            "aria-labelledby": f"{ids}-title {ids}-desc",
            "font-family": FONT,
            "font-size": str(size.font),
            "data-start": start.isoformat(),
            "data-end": end.isoformat(),
            "data-x0": str(scale.x0),
            "data-x1": str(scale.x1),
            "data-width": "wide" if width == WIDE else "narrow",
        },
    )
    _el(svg, "title", id=f"{ids}-title").text = plain(title)
    _el(svg, "desc", id=f"{ids}-desc").text = plain(description or title)
    _el(svg, "rect", x=0, y=0, width=width, height=f"{height:g}", fill="#ffffff")
    heading = _el(svg, "g", class_="heading")
    for i, line in enumerate(title_lines):
        _text(heading, m, y + 18 + i * 21, line, font_size=17 if width == WIDE else 15,
              font_weight="bold", fill="#111827")  # fmt: skip
    for i, line in enumerate(sub_lines):
        _text(heading, m, y + len(title_lines) * 21 + 14 + i * 17, line,
              font_size=size.font + 1, fill=TEXT)  # fmt: skip
    _axis(svg, scale, ticks, axis_y, size, [b.line_y for b in bands])
    marker = _el(svg, "g", class_="as-of", data_kind="as-of", data_date=as_of.isoformat())
    if beyond:
        words = f"as of {day_label(as_of)}, after the last date shown \u2192"
        _text(marker, width - m, header_y + 14, words, text_anchor="end", font_weight="bold",
              fill=COLOURS["as-of"], font_size=size.small)  # fmt: skip
    else:  # under the marks: a mark on the as-of day stays whole
        _as_of(marker, scale.x(as_of), header_y, [b.line_y for b in bands], axis_y, as_of, size)
    for band in bands:
        _band(svg, band, scale, as_of, size, with_year)
    _legend(svg, legend, legend_y, as_of, size)
    for i, line in enumerate(source_lines):
        _text(svg, m, legend_y + len(legend) * 22 + 4 + i * 15, line, fill="#4b5563",
              font_size=size.small, class_="source")  # fmt: skip
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode") + "\n"


def _when(day: date, with_year: bool) -> str:
    return day_label(day, with_year=with_year)


def _labels(r: Row, as_of: date, with_year: bool, scale: _Scale) -> list[_Label]:
    """What the band says, each at the mark it describes."""
    if r.shown_deadline is None and not r.open_deadline:  # counted from an entry into force
        return [_Label(scale.x0, "deadline counted from the entry into force, still to come")]
    found: list[_Label] = []
    at = scale.x
    if r.status is Status.NOT_AGREED:
        found.append(_Label(at(r.deadline), "not yet agreed"))
    if r.revisions and not r.open_deadline:
        words = f"moved from {_when(r.original_deadline, with_year)} to {_when(r.deadline, True)}"
        found.append(_Label(at(r.deadline), words))
    if r.begin_by and r.status is Status.LATE_START:
        found.append(_Label(at(r.begin_by), f"start missed (by {_when(r.begin_by, with_year)})"))
    elif r.begin_by and r.began is None and r.status is Status.PENDING:
        found.append(_Label(at(r.begin_by), f"to begin by {_when(r.begin_by, with_year)}"))
    if r.began and r.completed is None:
        found.append(_Label(at(r.began), f"began {_when(r.began, with_year)}"))
    if r.completed:
        found.append(_Label(at(r.completed), f"completed {_when(r.completed, with_year)}"))
    since = _when(r.since, with_year) if r.since else ""
    if r.status is Status.REVERSED and r.reversed:
        found.append(_Label(at(r.reversed), f"taken back {_when(r.reversed, with_year)}"))
    elif r.status is Status.OVERDUE:
        found.append(
            _Label(
                at(_overdue_end(r, as_of)),
                f"overdue by {plural(-(r.days_to_deadline or 0), 'day')}",
            )
        )
    elif r.status in (Status.PENDING, Status.LATE_START):
        found.append(_Label(at(r.deadline), f"due {_when(r.deadline, with_year)}"))
    elif r.status is Status.DUE:
        found.append(_Label(at(r.deadline), "due today"))
    elif r.status is Status.LAPSED and r.ended:
        found.append(_Label(at(r.ended[0]), f"lapsed: the agreement ended {since}"))
    elif r.status is Status.SUSPENDED and r.since:
        found.append(_Label(at(r.since), f"suspended {since}"))
    elif r.status is Status.UNCLEAR and r.since:
        found.append(_Label(at(r.since), f"unclear from {since}"))
    elif r.status is Status.POSTPONED and r.since:
        found.append(_Label(at(r.since), f"postponed {since}, no new date"))
    return found


def _place(labels: list[_Label], scale: _Scale, size: _Size) -> list[list[tuple[float, str, str]]]:
    """Each label in the first line where it touches no other, beside its mark: starting just
    right of it, or ending just left of it near the right edge, or (longer than either side)
    as near as the chart allows."""
    lines: list[list[tuple[float, float]]] = []
    placed: list[list[tuple[float, str, str]]] = []
    left, right = scale.x0 - 8, scale.x1 + 8
    for label in sorted(labels, key=lambda lb: lb.x):
        w = text_width(label.text, size.small)
        if label.x + 4 + w <= right:
            x, anchor, a, b = label.x + 4, "start", label.x + 4, label.x + 4 + w
        elif label.x - 4 - w >= left:
            x, anchor, a, b = label.x - 4, "end", label.x - 4 - w, label.x - 4
        else:
            a = max(left, right - w)
            x, anchor, b = a, "start", a + w
        for i, taken in enumerate(lines):
            if all(b + 6 <= ta or a >= tb + 6 for ta, tb in taken):
                taken.append((a, b))
                placed[i].append((x, anchor, label.text))
                break
        else:
            lines.append([(a, b)])
            placed.append([(x, anchor, label.text)])
    return placed


def _overdue_end(r: Row, as_of: date) -> date:
    """An overdue span runs to the as-of date, or to the last check when that is earlier."""
    checked = r.agreement.checked
    return min(as_of, checked) if checked and checked > r.deadline else as_of


def _marks(r: Row, as_of: date) -> list[tuple[str, date, str]]:
    """The band's marks: (kind, date, what its title says)."""
    if r.shown_deadline is None and not r.open_deadline:
        return []
    marks: list[tuple[str, date, str]] = []
    known = [e for e in happenings(r.handover) if e.date <= as_of]
    if r.original_deadline != r.deadline or r.open_deadline:
        marks.append(("original-deadline", r.original_deadline,
                      f"original deadline {day_label(r.original_deadline)}"))  # fmt: skip
    for move in r.revisions:
        if move.deadline not in (r.deadline, r.original_deadline):
            marks.append(("moved-deadline", move.deadline,
                          f"deadline {day_label(move.deadline)}, later moved"))  # fmt: skip
    for e in known:
        if e.kind == "postponed" and e.deadline is None:
            marks.append(("postponed", e.date, f"postponed {day_label(e.date)}, no new date"))
        elif e.kind == "held":
            marks.append(("held", e.date, f"reported still held {day_label(e.date)}"))
        elif e.kind == "began":
            marks.append(("began", e.date, f"began {day_label(e.date)}"))
        elif e.kind == "unclear":
            marks.append(("unclear", e.date, f"unclear from {day_label(e.date)}"))
        elif e.kind == "reversed":
            marks.append(("reversed", e.date, f"taken back {day_label(e.date)}"))
    if r.begin_by and not (r.began and r.begin_by >= r.began):
        marks.append(("begin-by", r.begin_by, f"to begin by {day_label(r.begin_by)}"))
    if not r.open_deadline and r.completed != r.deadline:
        words = f"deadline in force {day_label(r.deadline)}"
        marks.append(("deadline", r.deadline, words))
    if r.completed:
        marks.append(("completed", r.completed, f"completed {day_label(r.completed)}"))
    if r.status is Status.OVERDUE:
        end = _overdue_end(r, as_of)
        words = f"overdue: no handover reported by {day_label(end)}"
        marks.append(("overdue", end, words))
    if r.ended and r.status is Status.LAPSED:
        marks.append(
            ("ended", r.ended[0], f"the agreement ended ({r.ended[1]}) {day_label(r.ended[0])}")
        )
    if r.status is Status.SUSPENDED and r.since:
        marks.append(("suspended", r.since, f"the agreement suspended {day_label(r.since)}"))
    return marks


def _span(
    marked: Sequence[tuple[Row, list[tuple[str, date, str]]]], as_of: date
) -> tuple[date, date, bool]:
    """The axis's first and last day, and whether the as-of date lies beyond it."""
    dates: list[date] = []
    for r, marks in marked:
        if not marks:  # nothing drawn (an entry into force to come)
            continue
        dates.append(r.shown_agreed or r.agreement.signed)
        dates += [d for _, d, _ in marks]
    start, last = min([as_of, *dates]), max(dates, default=as_of)
    # An as-of date long after the last event would squeeze every mark into the left edge
    # (Egypt-Israel 1979-89 read in 2026): the axis then stops after the last event and the
    # as-of date is said in words, not drawn.
    beyond = (as_of - last) > (last - start)  # (not last + span: that may pass the year 9999)
    end = last if beyond else max(last, as_of)
    room = timedelta(days=max((end - start).days // 20, 1))
    start = start - room if start - date.min > room else date.min
    end = end + room if date.max - end > room else date.max
    return start, end, beyond


def _axis(svg: ET.Element, scale: _Scale, ticks: list[tuple[date, str]], axis_y: float,
          size: _Size, lines: list[float]) -> None:  # fmt: skip
    """The date axis: ticks with their labels, and light guides through each band's line."""
    axis = _el(svg, "g", class_="axis")
    _el(axis, "line", x1=scale.x0, y1=axis_y, x2=scale.x1, y2=axis_y, stroke="#9ca3af")
    for day, label in ticks:
        x = scale.x(day)
        tick = _el(axis, "g", class_="tick")
        for line_y in lines:
            _el(tick, "line", x1=x, y1=line_y - 12, x2=x, y2=line_y + 12, stroke="#e5e7eb")
        _el(tick, "line", x1=x, y1=axis_y, x2=x, y2=axis_y + 5, stroke="#6b7280",
            class_="tick-mark")  # fmt: skip
        anchor, at, _, _ = _tick_box(x, label, size)
        _text(tick, at, axis_y + 20, label, text_anchor=anchor, fill=TEXT,
              data_date=day.isoformat(), data_kind="tick")  # fmt: skip


def _band(svg: ET.Element, band: _Band, scale: _Scale, as_of: date, size: _Size,
          with_year: bool) -> None:  # fmt: skip
    """One handover: its name, its line, its marks and their labels."""
    r = band.row
    group = _el(svg, "g", class_="row", data_id=r.handover.id, data_agreement=r.agreement.id)
    name = _el(group, "text", x=size.margin, y=band.top + 13, fill="#111827", font_weight="600",
               class_="name")  # fmt: skip
    for i, line in enumerate(band.name):
        span = _el(name, "tspan", x=size.margin, dy=0 if i == 0 else 16)
        span.text = plain(line)
    y, marks = band.line_y, band.marks
    if marks:
        begins = scale.x(r.shown_agreed or r.agreement.signed)
        ends = max(scale.x(d) for _, d, _ in marks)
        _el(group, "line", x1=begins, y1=y, x2=ends, y2=y, stroke="#d1d5db", stroke_width=4,
            stroke_linecap="round")  # fmt: skip
    if r.status is Status.OVERDUE:
        _el(group, "line", x1=scale.x(r.deadline), y1=y, x2=scale.x(_overdue_end(r, as_of)),
            y2=y, stroke=COLOURS["overdue"], stroke_width=5, stroke_dasharray="6 3",
            class_="overdue-span")  # fmt: skip
    order = list(LEGEND)
    for kind, day, told in sorted(marks, key=lambda m: order.index(m[0])):
        _mark(group, kind, scale.x(day), y, day, told)
    for i, placed in enumerate(band.labels):
        for x, anchor, words in placed:
            _text(group, x, y + 14 + size.small + i * (size.small + 4), words, fill=TEXT,
                  font_size=size.small, text_anchor=anchor, class_="label")  # fmt: skip


def _legend_lines(kinds: list[str], room: float, size: _Size) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    used = 0.0
    for kind in kinds:
        w = 24 + text_width(LEGEND[kind], size.small) + 10
        if lines[-1] and used + w > room:
            lines.append([])
            used = 0.0
        lines[-1].append(kind)
        used += w
    return lines if lines[0] else []


def _legend(svg: ET.Element, lines: list[list[str]], ly: float, as_of: date, size: _Size) -> None:
    """The legend: only the marks that are drawn, in lines that fit the width."""
    legend = _el(svg, "g", class_="legend")
    for i, kinds in enumerate(lines):
        lx, y = float(size.margin) + 8, ly + i * 22
        for kind in kinds:
            if kind == "as-of":
                _el(legend, "line", x1=lx, y1=y - 8, x2=lx, y2=y + 8, stroke=COLOURS["as-of"],
                    stroke_width=1.5, stroke_dasharray="4 3")  # fmt: skip
            elif kind == "overdue":
                _el(legend, "line", x1=lx - 8, y1=y, x2=lx + 2, y2=y, stroke=COLOURS["overdue"],
                    stroke_width=5, stroke_dasharray="6 3")  # fmt: skip
                _mark(legend, kind, lx + 4, y, as_of, LEGEND[kind])
            else:
                _mark(legend, kind, lx, y, as_of, LEGEND[kind])
            _text(legend, lx + 14, y + 4, LEGEND[kind], fill=TEXT, font_size=size.small)
            lx += 24 + text_width(LEGEND[kind], size.small) + 10


def _as_of(marker: ET.Element, x: float, header_y: float, lines: list[float], axis_y: float,
           as_of: date, size: _Size) -> None:  # fmt: skip
    """The as-of date: a pointer and its date at the top, and dashed segments across each
    band's line and the axis (never across a label)."""
    label = f"as of {day_label(as_of)}"
    w = text_width(label, size.small)
    at = min(max(x, size.margin + w / 2), size.width - size.margin - w / 2)
    _text(marker, at, header_y + 12, label, text_anchor="middle", font_weight="bold",
          fill=COLOURS["as-of"], font_size=size.small)  # fmt: skip
    _el(marker, "polygon", points=f"{x - 6},{header_y + 16} {x + 6},{header_y + 16} {x},"
        f"{header_y + 24}", fill=COLOURS["as-of"])  # fmt: skip
    for y in lines:
        _el(marker, "line", x1=x, y1=y - 11, x2=x, y2=y + 11, stroke=COLOURS["as-of"],
            stroke_width=1.5, stroke_dasharray="4 3")  # fmt: skip
    # on the axis, above the tick labels
    _el(marker, "line", x1=x, y1=axis_y - 11, x2=x, y2=axis_y + 3, stroke=COLOURS["as-of"],
        stroke_width=1.5, stroke_dasharray="4 3")  # fmt: skip
