"""A timeline chart: one row per handover on a shared date axis, as known on the as-of date.

Marks are characters, not only colours, so the chart reads the same without colour:
    x  a deadline that was later moved      d  the deadline in force
    ✓  completed                            ▼ │  the as-of date
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from handover.timeline import Row

LEGEND = "x moved deadline   d deadline in force   ✓ completed   ▼ as-of date"


class Chart:
    def __init__(self, rows: Sequence[Row], start: date, as_of: date) -> None:
        self.rows = rows
        self.start = min(start, as_of)
        self.as_of = as_of
        dates = [as_of, start]
        for r in rows:
            if r.shown_deadline is None:  # counted from an entry into force still to come
                continue
            dates += [r.original_deadline, r.deadline, *(v.deadline for v in r.revisions)]
            if r.completed:
                dates.append(r.completed)
        self.end = max(dates)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max([len(r.handover.name) for r in self.rows] + [4])
        track = max(options.max_width - label_width - 1, 20)
        span = max((self.end - self.start).days, 1)

        def column(day: date) -> int:
            return round((day - self.start).days / span * (track - 1))

        marker = column(self.as_of)
        # Spaces stay unstyled segments of their own: SVG export then skips them and keeps
        # the column, where a styled run of leading spaces may be squeezed by SVG renderers.
        yield Text(" " * (label_width + 1 + marker)).append("▼", style="bold")
        for r in self.rows:
            cells = [" "] * track
            if r.shown_deadline is None:  # nothing to draw before the entry into force
                yield Text(r.handover.name.ljust(label_width) + " ").append(
                    "(counted from the entry into force)", style="dim"
                )
                continue
            begin = column(max(r.shown_agreed or r.agreement.signed, self.start))
            finish = column(r.completed) if r.completed else column(max(self.as_of, r.deadline))
            for i in range(begin, min(finish, track - 1) + 1):
                cells[i] = "─"
            styles: dict[int, str] = {}
            for moved in [r.original_deadline, *(v.deadline for v in r.revisions)]:
                if moved != r.deadline:
                    cells[column(moved)] = "x"
                    styles[column(moved)] = "yellow"
            cells[column(r.deadline)] = "d"
            styles[column(r.deadline)] = "cyan bold"
            if r.completed:
                cells[column(r.completed)] = "✓"
                styles[column(r.completed)] = "green bold"
            if cells[marker] in (" ", "─"):  # the as-of date, down through every row
                cells[marker] = "┼" if cells[marker] == "─" else "│"
                styles[marker] = "bold"  # its own segment: see the note on spaces above
            line = Text(r.handover.name.ljust(label_width) + " ")
            for i, char in enumerate(cells):
                line.append(char, style=styles.get(i, "dim" if char == "─" else ""))
            yield line
        first, last = self.start.isoformat(), self.end.isoformat()
        gap = max(track - len(first) - len(last), 1)
        dates = Text(" " * (label_width + 1)).append(first, style="dim")
        yield dates.append(" " * gap).append(last, style="dim")
        yield Text(f"as of {self.as_of.isoformat()}", style="dim")
        yield Text(LEGEND, style="dim")
