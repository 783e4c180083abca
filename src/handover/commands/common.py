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
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.shell_completion import CompletionItem

from handover.dates import DateInputError, DateSpec, parse_user_date, today_in
from handover.errors import HandoverError, OutputError, UsageError
from handover.library import data_path, load
from handover.models import Dataset
from handover.names import NameIndex, fold, lookup
from handover.output import FORMATS, formats_for, render

if TYPE_CHECKING:
    from handover.output.views import View

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """Created once per run; holds the chosen data file and the loaded dataset."""

    def __init__(self, data_option: str | None = None) -> None:
        self.data_option = data_option
        self._dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = load(data_path(self.data_option))
            # It lives as long as this process: move it out of the collector's way, so that
            # answering (a row per handover) does not re-scan it again and again.
            gc.freeze()
        return self._dataset

    def as_of(self, spec: DateSpec | None) -> date:
        """The as-of date; "today" is today in the agreement's time zone."""
        spec = spec or DateSpec(offset=0)
        if spec.absolute is not None:
            return spec.absolute
        return spec.resolve(today_in(self.dataset().agreement.timezone))

    def resolve(self, names: Sequence[str]) -> list[str]:
        index = NameIndex((h.id, [h.name, *h.aliases]) for h in self.dataset().handovers)
        return [lookup(index, name) for name in names]

    def check_output(self, output: str | None, option: str = "--output") -> None:
        """Refuse to write an output over the data file itself (exit 2)."""
        if output is None or output == "-":
            return
        data = data_path(self.data_option)
        with contextlib.suppress(OSError):  # either missing: they are not the same file
            if os.path.samefile(output, data):
                raise UsageError(f"{option} {output} is the data file; refusing to overwrite it")

    def staleness(self, as_of: date) -> tuple[str, ...]:
        """A line for every answer given after the data was last checked against the news,
        so that silence is never taken for "nothing happened"."""
        agreement = self.dataset().agreement
        if agreement.checked is None or as_of <= agreement.checked:
            return ()
        return (
            f"{agreement.id}: data checked up to {agreement.checked.isoformat()}; "
            "later events are not recorded",
        )

    def headline(self, what: str, as_of: date) -> str:
        return f"{what} as of {as_of.isoformat()} ({self.dataset().agreement.id})"


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
    option = None
    here: click.Context | None = ctx
    while here is not None and option is None:
        app = here.obj if isinstance(here.obj, App) else None
        option = (app.data_option if app else None) or here.params.get("data")
        here = here.parent
    try:
        dataset = load(data_path(option))
    except (HandoverError, OSError):
        return []
    wanted = fold(incomplete)
    seen: set[str] = set()
    found: list[CompletionItem] = []
    for handover in dataset.handovers:
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


def _set_data(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if check_data(value) is not None:
        ctx.ensure_object(App).data_option = value


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
        metavar="FILE",
        type=click.Path(),
        expose_value=False,
        callback=_set_data,
        help="Data file (default: $HANDOVER_DATA, else the bundled dataset).",
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


def emit_view(fmt: str, view: View, output: str | None = None) -> None:
    """Render the view and write it to stdout, or atomically to `output`. Its notes are part
    of a format for people; beside data for programs they go to stderr."""
    write_out(render(fmt, view), output)
    if not FORMATS[fmt].for_people:
        for line in view.notes:
            note(line)


def write_out(data: str | bytes, output: str | None) -> None:
    """To stdout (None or -), or atomically to the file `output`."""
    if output is None or output == "-":
        write_stdout(data)
    else:
        from handover.atomic import write_atomic  # tempfile and shutil: only for --output

        write_atomic(Path(output), data.encode() if isinstance(data, str) else data)
        note(f"wrote {output}")
