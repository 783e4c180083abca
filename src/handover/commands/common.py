"""What every command shares: the run's App, the --date type, common options, and the one
way a view reaches stdout or a file.

Command modules are imported only when their command runs (cli.py), so what every command
needs is imported here at the top; what only some need (rich, dateutil, ruamel, the writer
of files) is imported where it is used.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gc
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from handover.dates import DateInputError, DateSpec, parse_user_date, today_in
from handover.errors import HandoverError, OutputError, UsageError
from handover.library import Entry, Library, load_library
from handover.models import Dataset
from handover.names import NameIndex, fold, lookup
from handover.output import FORMATS, chunks, formats_for, render
from handover.plural import plural
from handover.timeline import Row, exists, in_play, rows

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from handover.output.views import View

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """Created once per run; holds the data files named and the library loaded from them."""

    def __init__(self) -> None:
        self.data_options: list[str] = []
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = load_library(self.data_options)
            # It lives as long as this process: move it out of the collector's way, so that
            # answering (a row per handover) does not re-scan it again and again.
            gc.freeze()
        return self._library

    def datasets(self) -> list[Dataset]:
        return self.library().datasets()

    def as_of(self, spec: DateSpec | None) -> date:
        """The as-of date; "today" is today in the time zone of the first agreement loaded
        (the agreement's own, for a single file)."""
        spec = spec or DateSpec(offset=0)
        if spec.absolute is not None:
            return spec.absolute
        return spec.resolve(today_in(self.library().entries[0].dataset.agreement.timezone))

    def covered(
        self, as_of: date, picked: Sequence[str] = (), show_all: bool = False
    ) -> tuple[list[Dataset], tuple[str, ...]]:
        """The agreements a command about the state of play covers: those picked with
        --agreement; else all of them with --all, or when there is one; else those in play on
        the date. And a line saying how many more there are."""
        entries, more = self.covered_entries(as_of, picked, show_all)
        return self.library().datasets(entries), more

    def covered_entries(
        self, as_of: date, picked: Sequence[str] = (), show_all: bool = False
    ) -> tuple[list[Entry], tuple[str, ...]]:
        """covered(), as library entries: their datasets not built yet."""
        library = self.library()
        if picked:
            return [library.entry(a) for a in dict.fromkeys(picked)], ()
        if show_all or len(library) == 1:
            return library.entries, ()
        # Chosen by their summaries: agreements not in play are never rebuilt.
        chosen = [e for e in library.entries if in_play(e.summary, as_of)]
        hidden = len(library) - len(chosen)
        if not hidden:
            return chosen, ()
        more = plural(hidden, "more agreement is", "more agreements are")
        return chosen, (f"{more} loaded but not in play on {as_of.isoformat()} (--all shows them)",)

    def existing(self, as_of: date, picked: Sequence[str] = ()) -> list[Dataset]:
        """The agreements that exist on the date (all, with one), or those picked."""
        library = self.library()
        if picked:
            return library.datasets([library.entry(a) for a in dict.fromkeys(picked)])
        if len(library) == 1:
            return library.datasets()
        return library.datasets([e for e in library.entries if exists(e.summary, as_of)])

    def resolve(self, names: Sequence[str]) -> list[tuple[Dataset, str]]:
        """(agreement, handover id) for each NAME: an id, name or alias in any agreement, or
        AGREEMENT/NAME. A NAME two agreements answer to is a usage error listing both."""
        return [self._resolve(name) for name in names]

    def _resolve(self, name: str) -> tuple[Dataset, str]:
        library = self.library()
        agreement_id, slash, rest = name.partition("/")
        if slash and agreement_id in {e.id for e in library.entries}:
            dataset = library.entry(agreement_id).dataset
            return dataset, lookup(_index(dataset), rest)
        found = [
            (e.dataset, hid)
            for e in library.entries
            if (hid := _index(e.dataset).find(name)) is not None
        ]
        if len(found) == 1:
            return found[0]
        if found:
            both = ", ".join(f"{d.agreement.id}/{hid}" for d, hid in found)
            raise UsageError(f"{name!r} names handovers in more than one agreement: {both}")
        if len(library) == 1:
            lookup(_index(library.entries[0].dataset), name)  # raises, with suggestions
        shared = Counter(h.id for e in library.entries for h in e.dataset.handovers)
        merged = NameIndex(  # an id is qualified only where two agreements use it
            (f"{e.id}/{h.id}" if shared[h.id] > 1 else h.id, [h.name, *h.aliases])
            for e in library.entries
            for h in e.dataset.handovers
        )
        qualified = lookup(merged, name)  # raises with suggestions, or finds a qualified id
        return self._resolve(qualified)

    def check_output(self, output: str | None, option: str = "--output") -> None:
        """Refuse to write an output over a data file (exit 2)."""
        if output is None or output == "-":
            return
        for entry in self.library().entries:
            with contextlib.suppress(OSError):  # either missing: they are not the same file
                if os.path.samefile(output, entry.path):
                    raise UsageError(
                        f"{option} {output} is the data file; refusing to overwrite it"
                    )

    def staleness(self, as_of: date, datasets: Sequence[Dataset]) -> tuple[str, ...]:
        """A line for each agreement answered for after its data was last checked against the
        news, so that silence is never taken for "nothing happened"."""
        return tuple(
            f"{a.id}: data checked up to {a.checked.isoformat()}; later events are not recorded"
            for a in (d.agreement for d in datasets)
            if a.checked is not None and as_of > a.checked
        )

    def headline(self, what: str, as_of: date, datasets: Sequence[Dataset | Entry]) -> str:
        if len(datasets) == 1:
            (only,) = datasets
            named = only.id if isinstance(only, Entry) else only.agreement.id
        else:
            named = plural(len(datasets), "agreement")
        return f"{what} as of {as_of.isoformat()} ({named})"


def _index(dataset: Dataset) -> NameIndex:
    return NameIndex((h.id, [h.name, *h.aliases]) for h in dataset.handovers)


pass_app = click.make_pass_decorator(App, ensure=True)


if TYPE_CHECKING:  # click's ParamType is generic for type checkers in recent releases
    _ParamType = click.ParamType[DateSpec, Any]
else:
    _ParamType = click.ParamType


class DateParam(_ParamType):
    """ISO dates, unambiguous written dates, today / yesterday / tomorrow (README: Dates)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, DateSpec):
            return value
        try:
            return parse_user_date(str(value))
        except DateInputError as exc:
            self.fail(str(exc), param, ctx)


def complete_names(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for NAME: the ids, and the names and aliases without spaces, of the
    data the command line names (--data, HANDOVER_DATA, else the bundled data) that start
    like `incomplete`, ignoring case and accents. A file that cannot be read completes
    nothing, silently: completion is no place for errors."""
    options: list[str] = []
    here: click.Context | None = ctx
    while here is not None and not options:
        app = here.obj if isinstance(here.obj, App) else None
        options = (app.data_options if app else []) or list(here.params.get("data") or ())
        here = here.parent
    try:
        datasets = load_library(options).datasets()
    except (HandoverError, OSError):
        return []
    wanted = fold(incomplete)
    seen: set[str] = set()
    from click.shell_completion import CompletionItem  # completion only

    found: list[CompletionItem] = []
    for handover in (h for d in datasets for h in d.handovers):
        for spelling in (handover.id, handover.name, *handover.aliases):
            if spelling in seen or len(spelling.split()) != 1:
                continue
            if fold(spelling).startswith(wanted):
                seen.add(spelling)
                found.append(CompletionItem(spelling))
    return found


def check_data(value: str | None) -> str | None:
    """--data "" (an unset variable, say) is a mistake, not a request for the bundled data."""
    if value is not None and not value.strip():
        raise click.BadParameter("--data needs a file name; it is empty", param_hint="'--data'")
    return value


def _set_data(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    for one in value:
        check_data(one)
    if value:
        ctx.ensure_object(App).data_options = list(value)


def _file_name(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("needs a file name; it is empty")
    return value


def output_option(*names: str, help: str) -> Callable[[F], F]:
    """An option naming a file to write; `-` means stdout."""
    return click.option(
        *names,
        metavar="FILE",
        callback=_file_name,
        type=click.Path(allow_dash=True),  # a path: shells complete file names
        help=help,
    )


def data_option(command: F) -> F:
    """--data after the command name, as well as before it."""
    return click.option(
        "--data",
        metavar="PATH",
        type=click.Path(),
        multiple=True,
        expose_value=False,
        callback=_set_data,
        help="A data file or a folder of them; repeat for more (default: $HANDOVER_DATA, "
        "else the bundled library).",
    )(command)


def date_option(command: F) -> F:
    return click.option(
        "--date",
        "when",
        type=DateParam(),
        metavar="DATE",
        help="As of this date (ISO, '20 Nov 2020', today, yesterday, tomorrow). Default: today.",
    )(command)


def format_option(view: type[View], default: str = "table") -> Callable[[F], F]:
    """--format, offering every format that can render this kind of view (output.FORMATS)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats_for(view)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def agreement_option(command: F) -> F:
    return click.option(
        "--agreement",
        "picked",
        multiple=True,
        metavar="ID",
        help="Only this agreement (repeat for more), whatever the date.",
    )(command)


def all_option(command: F) -> F:
    return click.option(
        "--all", "show_all", is_flag=True, help="Every agreement loaded, not only those in play."
    )(command)


def rows_of(datasets: Sequence[Dataset], as_of: date) -> list[Row]:
    return [r for d in datasets for r in rows(d, as_of)]


def note(text: str) -> None:
    click.echo(text, err=True)


def write_stdout(data: str | bytes) -> None:
    """Every byte to stdout, or an OSError. Text is encoded as stdout asks (UTF-8 where it
    says ASCII, as click does; what cannot be encoded becomes an escape). The bytes are
    written in a loop: with PYTHONUNBUFFERED set, stdout is a raw file whose short write
    (a reader that went away) Python's text layer would drop without a word."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write the output: stdout is closed")
    if isinstance(data, str):
        encoding = codecs.lookup(stream.encoding or "utf-8").name
        data = data.encode("utf-8" if encoding == "ascii" else encoding, "backslashreplace")
    raw = getattr(stream, "buffer", None)
    if raw is None:  # a stream without bytes underneath: it writes text only
        click.echo(data, nl=False)
        return
    stream.flush()  # whatever was written before, first
    view = memoryview(data)
    while view:
        written = raw.write(view)
        if not written:
            raise OSError(errno.EAGAIN, "stdout took no more output")
        view = view[written:]
    raw.flush()


STDOUT_PIECE = 256 * 1024  # characters gathered before a write to stdout


def emit_view(fmt: str, view: View, output: str | None = None) -> None:
    """Render the view and write it to stdout, or atomically to `output`. Its notes are part
    of a format for people; beside data for programs they go to stderr. On stdout a view is
    written in pieces as it is made (a long CSV or JSON listing is never held whole)."""
    if output is None or output == "-":
        gathered: list[str | bytes] = []
        size = 0
        for piece in chunks(fmt, view):
            gathered.append(piece)
            size += len(piece)
            if size >= STDOUT_PIECE:
                write_stdout(_joined(gathered))
                gathered, size = [], 0
        if gathered:
            write_stdout(_joined(gathered))
    else:
        write_out(render(fmt, view), output)
    if not FORMATS[fmt].for_people:
        for line in view.notes:
            note(line)


def _joined(pieces: list[str | bytes]) -> str | bytes:
    """One renderer's pieces, all text or all bytes (a mix is a TypeError, never dropped)."""
    if isinstance(pieces[0], bytes):
        return b"".join(cast(list[bytes], pieces))
    return "".join(cast(list[str], pieces))


def write_out(data: str | bytes, output: str | None) -> None:
    """To stdout (None or -), or atomically to the file `output`."""
    if output is None or output == "-":
        write_stdout(data)
    else:
        from handover.atomic import write_atomic  # tempfile and shutil: only for --output

        write_atomic(Path(output), data.encode() if isinstance(data, str) else data)
        note(f"wrote {output}")
