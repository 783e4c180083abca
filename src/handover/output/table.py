"""Tables for people, drawn with rich.

Colour only on a terminal (rich's own detection, which honours NO_COLOR); plain text when
piped. Cell text is never cut: each column is at least as wide as its longest word, and rows
wrap between words instead.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from handover.dates import day_label
from handover.models import Agreement, Source, published_label
from handover.output.plain import plain
from handover.output.views import (
    AgreementDetail,
    AgreementList,
    ChangeLog,
    Detail,
    Listing,
    Upcoming,
)
from handover.output.words import summary
from handover.timeline import AgreementFields, Change, Happening, Row, Status, happenings, visible

_STATUS_STYLE = {
    Status.COMPLETED: "green",
    Status.REVERSED: "magenta bold",
    Status.LAPSED: "dim",
    Status.SUSPENDED: "yellow",
    Status.UNCLEAR: "yellow",
    Status.POSTPONED: "yellow",
    Status.PENDING: "cyan",
    Status.LATE_START: "yellow bold",
    Status.DUE: "yellow bold",
    Status.OVERDUE: "red bold",
    Status.NOT_AGREED: "dim",
}


def console(file: IO[str]) -> Console:
    out = Console(file=file, highlight=False, emoji=False)
    if out.width < 1:  # COLUMNS=0: ignored, as Python's shutil.get_terminal_size does
        out = Console(file=file, highlight=False, emoji=False, width=80)
    return out


Cell = str | Text


def _cell(value: Cell) -> Text:
    """Text from the data goes into rich as plain text: never read as markup."""
    return value if isinstance(value, Text) else Text(plain(value))


def _wrapped(text: str, width: int) -> int:
    """Lines `text` takes at `width`, words wrapped greedily, as rich wraps them."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            size = cell_len(word)
            if used and used + 1 + size > width:
                lines += 1
                used = size
            else:
                used += size + (1 if used else 0)
    return lines


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


class _Fitted:
    """A table whose column widths are worked out here, so that rich never has to squeeze
    a column below its longest word. Where even those do not fit, each row becomes a block
    of "header  value" lines instead; where even a block does not fit (its longest header
    and word are wider than the terminal), `lines()` gives "Header: value" lines for the
    terminal itself to wrap. No word is ever broken or cut."""

    def __init__(
        self, headers: Sequence[str], cells: Sequence[Sequence[Cell]], blocks_only: bool = False
    ) -> None:
        self.headers = headers
        self.cells = [[_cell(c) for c in row] for row in cells]
        self.blocks_only = blocks_only
        columns = [[h, *(row[i].plain for row in self.cells)] for i, h in enumerate(headers)]
        self.longest_word = [max(_longest_word(t) for t in col) for col in columns]
        self.longest_text = [max(cell_len(t) for t in col) for col in columns]

    def widths(self, available: int) -> list[int] | None:
        """Content widths that fit `available` columns, or None if the words cannot fit."""
        widths = list(self.longest_word)
        spare = available - sum(widths)
        if spare < 0 or self.blocks_only:
            return None
        # Widen the columns whose whole text is closest first, so short cells stay on one
        # line; the column with the most text takes what is left and wraps. How much of the
        # spare that column (the notes, mostly) gets first is chosen to make the fewest
        # lines (a sample of rows tells): a long name may wrap onto two lines rather than
        # leave the notes a few characters a line.
        most = max(range(len(widths)), key=lambda i: self.longest_text[i] - widths[i])
        need = self.longest_text[most] - widths[most]
        best: tuple[int, list[int]] | None = None
        for share in sorted({0, spare // 4, spare // 2, 3 * spare // 4, spare}):
            tried = list(widths)
            left = spare - min(share, need)
            tried[most] += min(share, need)
            for i in sorted(range(len(tried)), key=lambda i: self.longest_text[i] - tried[i]):
                grow = min(self.longest_text[i] - tried[i], left)
                tried[i] += grow
                left -= grow
            lines = self._lines_at(tried)
            if best is None or lines <= best[0]:  # a tie: the larger share, whole notes
                best = (lines, tried)
        assert best is not None
        return best[1]

    def _lines_at(self, widths: list[int], sample: int = 200) -> int:
        """How many lines the first `sample` rows take at these widths (words wrapped)."""
        total = 0
        for row_cells in self.cells[:sample]:
            total += max(_wrapped(c.plain, w) for c, w in zip(row_cells, widths, strict=True))
        return total

    def blocks_fit(self, available: int) -> bool:
        """Whether "header  value" blocks fit: the longest header, two spaces, the longest
        word of any value."""
        longest_header = max(cell_len(h) for h in self.headers)
        return longest_header + 2 + max(self.longest_word) <= available

    def lines(self) -> list[Text]:
        out: list[Text] = []
        for row_cells in self.cells:
            out += [
                Text(f"{h}: ").append_text(c) for h, c in zip(self.headers, row_cells, strict=True)
            ]
            out.append(Text(""))
        return out[:-1] if self.blocks_only else out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Between two columns: one space of padding on each side and a one-character divider.
        widths = self.widths(options.max_width - 3 * (len(self.headers) - 1))
        if widths is not None:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
            for header, width in zip(self.headers, widths, strict=True):
                table.add_column(header, width=width)
            for row_cells in self.cells:
                table.add_row(*row_cells)
            yield table
            return
        for i, row_cells in enumerate(self.cells):
            yield _pairs(zip(self.headers, row_cells, strict=True))
            if not self.blocks_only or i < len(self.cells) - 1:
                yield Text("")


def _pairs(pairs: Iterable[tuple[str, Text]]) -> Table:
    """A block of "name  value" lines: names bold and never wrapped, values wrapping."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for name, value in pairs:
        grid.add_row(name, value)
    return grid


def _day(day: date | None) -> str:
    return "-" if day is None else day.isoformat()


def _status(r: Row) -> Text:
    return Text(str(r.status), style=_STATUS_STYLE[r.status])


def status_table(rows: Sequence[Row]) -> _Fitted:
    return _Fitted(
        ["Handover", "Status", "Deadline", "Completed", "Notes"],
        [
            [
                r.handover.name,
                _status(r),
                _day(r.shown_deadline),
                _day(r.completed),
                summary(r),
            ]
            for r in rows
        ],
    )


def delays_table(rows: Sequence[Row]) -> _Fitted:
    return _Fitted(
        ["Handover", "Status", "Original", "Deadline", "Slip", "Completed", "Delay"],
        [
            [
                r.handover.name,
                _status(r),
                _day(r.shown_original),
                _day(r.shown_deadline),
                "-" if r.shown_deadline is None else f"{r.slip_days:+d}",
                _day(r.completed),
                "-" if r.delay_days is None else f"{r.delay_days:+d}",
            ]
            for r in rows
        ],
    )


def changes_table(changes: Sequence[Change]) -> _Fitted:
    return _Fitted(
        ["Date", "Handover", "Kind", "Detail"],
        [[c.date.isoformat(), c.name, c.kind, c.detail] for c in changes],
    )


def title(text: str) -> Text:
    return Text(plain(text), style="bold")


def _source_line(source: Source) -> Text:
    bits = [plain(b) for b in (source.publisher, source.title) if b]
    if source.published:
        bits.append(published_label(source.published))
    line = Text("  - " + ", ".join(bits), no_wrap=True)
    if source.url:
        line.append(("\n    " if bits else "") + plain(source.url), style="blue")
    return line


_EVENT_WORDS = {
    "began": "Began",
    "completed": "Completed",
    "reversed": "Taken back",
    "held": "Reported still held",
    "unclear": "Unclear from",
}


def _event_heading(e: Happening) -> str:
    """An event's heading in show: `Postponed 2020-11-15: deadline 2020-11-25`."""
    if e.kind == "postponed":
        after = "no new date" if e.deadline is None else f"deadline {e.deadline.isoformat()}"
        return f"Postponed {e.date.isoformat()}: {after}"
    return f"{_EVENT_WORDS[e.kind]} {e.date.isoformat()}"


def show(r: Row, agreement: Agreement) -> list[RenderableType]:
    """The whole record of one handover as of a date, with the sources behind every date."""
    h = r.handover
    facts: list[tuple[str, Cell]] = [
        ("Status", _status(r)),
        ("Notes", summary(r)),
        ("From -> to", f"{h.from_} -> {h.to}"),
        ("Provision", h.provision or "-"),
        ("Agreed", _day(r.shown_agreed)),
        ("Original deadline", _day(r.shown_original)),
        *([("Deadline rule", r.deadline_rule)] if r.deadline_rule else []),
        ("Deadline", _day(r.shown_deadline)),
        ("Completed", _day(r.completed)),
        ("Aliases", ", ".join(h.aliases) or "-"),
    ]
    out: list[RenderableType] = [
        title(f"{h.name} ({h.id}) as of {r.as_of.isoformat()}"),
        Text(plain(agreement.title), style="italic"),
        _Fitted([k for k, _ in facts], [[v for _, v in facts]], blocks_only=True),
    ]
    if h.notes:
        about = "About"
        if r.notes_written_later:
            about += f" (written later; it may tell of events after {r.as_of.isoformat()})"
        out += [title(about), Text(plain(h.notes))]
    for e in happenings(h):  # every event known on the date, each with its own sources
        if e.date > r.as_of:
            break
        out.append(title(_event_heading(e)))
        out += [Text(plain(words)) for words in (e.reason, e.note) if words]
        out += [_source_line(s) for s in visible(e.sources, r.as_of)]
    if r.sources:
        out.append(title("Sources"))
        out += [_source_line(s) for s in r.sources]
    return out


def show_agreement(view: AgreementDetail) -> list[RenderableType]:
    """One agreement as of a date: what it is, its state, notes, events, sources and the
    status of each of its handovers."""
    a, f = view.agreement, view.fields
    state = {"signed": "signed, not in force", "in-force": "in force"}.get(f["state"], f["state"])
    since = next(
        (e.date for e in reversed(a.events) if e.date <= view.as_of and e.kind == "suspended"),
        None,
    )
    if f["state"] == "suspended" and since:
        state = f"suspended since {day_label(since)}"
    if f["state"] == "ended":
        state = f"ended ({f['ended_how']}) on {day_label(date.fromisoformat(f['ended'] or ''))}"
        if f["replaced_by"]:
            state += f"; replaced by {f['replaced_by']}"
    facts: list[tuple[str, Cell]] = [
        ("Title", a.title),
        ("Parties", ", ".join(a.parties)),
        ("Signed", f["signed"]),
        ("In force", f["in_force"] or "-"),
        ("State", state),
        ("Data checked", f["checked"] or "not stated"),
        ("Handovers", f"{f['handovers']}: {f['completed']} completed, {f['pending']} pending, "
                      f"{f['overdue']} overdue"),
    ]  # fmt: skip
    out: list[RenderableType] = [
        title(f"{a.id} as of {view.as_of.isoformat()}"),
        _Fitted([k for k, _ in facts], [[v for _, v in facts]], blocks_only=True),
    ]
    if a.notes:
        later = " (written later)" if f["notes"] is None else ""
        out += [title(f"About{later}"), Text(plain(a.notes))]
    events = [e for e in a.events if e.date <= view.as_of]
    for e in events:
        how = f" ({e.how})" if e.how else ""
        out.append(title(f"{e.kind.capitalize()}{how} on {day_label(e.date)}"))
        if e.note:
            out.append(Text(plain(e.note)))
        out += [_source_line(s) for s in visible(e.sources, view.as_of)]
    sources = visible(a.sources, view.as_of)
    if sources:
        out.append(title("Sources"))
        out += [_source_line(s) for s in sources]
    out.append(title("Handovers"))
    out.append(status_table(list(view.rows)) if view.rows else "None.")
    return out


def _with_agreements(table: _Fitted, rows: Sequence[Row]) -> _Fitted:
    """Rows of more than one agreement get a first column that says whose they are."""
    if len({r.agreement.id for r in rows}) < 2:
        return table
    cells: list[list[Cell]] = [
        [r.agreement.id, *row] for r, row in zip(rows, table.cells, strict=True)
    ]
    return _Fitted(["Agreement", *table.headers], cells)


def agreements_table(agreements: Sequence[AgreementFields]) -> _Fitted:
    return _Fitted(
        [
            "Agreement",
            "Title",
            "Signed",
            "In force",
            "Handovers",
            "Done",
            "Pending",
            "Overdue",
            "Checked",
            "In play",
        ],
        [
            [
                a["id"],
                a["title"],
                a["signed"],
                a["in_force"] or "-",
                str(a["handovers"]),
                str(a["completed"]),
                str(a["pending"]),
                str(a["overdue"]),
                a["checked"] or "-",
                "yes" if a["in_play"] else "no",
            ]
            for a in agreements
        ],
    )


def _renderables(
    view: Listing | Upcoming | ChangeLog | Detail | AgreementDetail | AgreementList,
) -> list[RenderableType]:
    if isinstance(view, AgreementList):
        listed = agreements_table(view.agreements) if view.agreements else "Nothing."
        out: list[RenderableType] = [title(view.heading), listed]
    elif isinstance(view, Detail):
        out = show(view.row, view.agreement)
    elif isinstance(view, AgreementDetail):
        out = show_agreement(view)
    elif isinstance(view, ChangeLog):
        out = [title(view.heading), changes_table(view.changes) if view.changes else "Nothing."]
    else:
        columns = delays_table if view.columns == "delays" else status_table
        rows = list(view.rows)  # read more than once here: sizes, then cells
        table = _with_agreements(columns(rows), rows) if rows else None
        out = [title(view.heading), table or "Nothing to list."]
    return out + [Text(line, no_wrap=True) for line in view.notes]


class _Memory(io.StringIO):
    """Where a view is drawn: a string, with the encoding of the stream it is meant for
    (rich picks box characters by it)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def render(
    view: Listing | Upcoming | ChangeLog | Detail | AgreementDetail | AgreementList,
) -> str:
    """The view as people read it, for the terminal on stdout: colour only when it is one
    (rich's detection, which honours NO_COLOR), plain text when piped. Nothing is cut: what
    is too wide for the terminal is printed whole, for the terminal to wrap. Drawn in memory
    with stdout's properties: writing is the caller's (and its errors are reported there)."""
    return draw(_renderables(view))


def draw(renderables: Sequence[RenderableType]) -> str:
    """Renderables as text for stdout, drawn in memory with stdout's properties."""
    terminal = console(sys.stdout)  # read, never written to
    width = terminal.width
    out = Console(
        file=_Memory(terminal.encoding),
        width=width,
        force_terminal=terminal.is_terminal,
        color_system=terminal.color_system,  # type: ignore[arg-type]
        no_color=terminal.no_color,
        highlight=False,
        emoji=False,
    )
    with out.capture() as captured:
        for item in renderables:
            if isinstance(item, _Fitted) and not item.blocks_fit(width):
                for line in item.lines():
                    out.print(line, soft_wrap=True)
            elif isinstance(item, Text) and (item.no_wrap or _longest_word(item.plain) > width):
                out.print(item, soft_wrap=True)
            else:
                out.print(item)
    return captured.get()
