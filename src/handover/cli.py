"""The command line: parse options, call the pure functions, choose the output. No logic.

Start-up matters: only click is imported here at module level; pydantic, YAML, rich and
dateutil are imported by the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from handover.dates import DateInputError, DateSpec, parse_user_date, today_in
from handover.errors import DataFileError, HandoverError, UsageProblem

if TYPE_CHECKING:
    from pathlib import Path

    from handover.models import Dataset
    from handover.timeline import Row

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OVERDUE = 3


@dataclass
class App:
    """Created once per run; holds the chosen data file and the loaded dataset."""

    data_option: str | None = None
    _dataset: Dataset | None = field(default=None, repr=False)

    def dataset(self) -> Dataset:
        if self._dataset is None:
            from handover.loader import data_path, load

            self._dataset = load(data_path(self.data_option))
        return self._dataset

    def as_of(self, spec: DateSpec | None) -> date:
        """The as-of date; "today" is today in the agreement's time zone."""
        spec = spec or DateSpec(offset=0)
        if spec.absolute is not None:
            return spec.absolute
        return spec.resolve(today_in(self.dataset().agreement.timezone))

    def resolve(self, names: Sequence[str]) -> list[str]:
        from handover.names import NameIndex, lookup

        index = NameIndex((h.id, [h.name, *h.aliases]) for h in self.dataset().handovers)
        return [lookup(index, name) for name in names]


pass_app = click.make_pass_decorator(App, ensure=True)


if TYPE_CHECKING:  # click's ParamType is generic for type checkers in recent releases
    _ParamType = click.ParamType[DateSpec, Any]
else:
    _ParamType = click.ParamType


class DateParam(_ParamType):
    """ISO dates, unambiguous written dates, today / yesterday / tomorrow (DESIGN section 3)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, DateSpec):
            return value
        try:
            return parse_user_date(str(value))
        except DateInputError as exc:
            self.fail(str(exc), param, ctx)


def _set_data(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(App).data_option = value


def data_option(command: F) -> F:
    """--data after the command name, as well as before it."""
    return click.option(
        "--data",
        metavar="FILE",
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


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def _one_line(message: str) -> str:
    return " ".join(message.split())


class HandoverGroup(click.Group):
    """Turns every error into lines on stderr and its exit code; never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "handover"
            click.echo(f"{where}: error: {_one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"handover: error: {_one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except HandoverError as exc:
            # Data-file messages start with the file's name; the others get the program's.
            prefix = "" if isinstance(exc, DataFileError) else "handover: error: "
            for line in exc.lines:
                click.echo(prefix + line, err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("handover: aborted", err=True)
            sys.exit(1)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head): not an error worth a message
            sys.exit(0)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=HandoverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    metavar="FILE",
    envvar="HANDOVER_DATA",
    help="Data file (default: $HANDOVER_DATA, else the bundled dataset).",
)
@click.version_option(package_name="handover", prog_name="handover")
@click.pass_context
def cli(ctx: click.Context, data: str | None) -> None:
    """Track territorial handovers agreed in ceasefires and peace agreements.

    Every answer is as of a date (--date, default today in the agreement's time zone):
    nothing announced or completed after that date is visible.
    """
    ctx.ensure_object(App).data_option = data


def _emit(text: str) -> None:
    click.echo(text, nl=False)


def _note(text: str) -> None:
    click.echo(text, err=True)


def _emit_rows(
    rows: Sequence[Row], fmt: str, table: Callable[[Sequence[Row]], Any], heading: str
) -> None:
    if fmt == "csv":
        from handover.output.csv import render as render_csv
        from handover.timeline import FIELDS

        _emit(render_csv((r.record() for r in rows), FIELDS))
    elif fmt == "json":
        from handover.output.json import render as render_json

        _emit(render_json([r.record() for r in rows]))
    else:
        from handover.output.table import print_all, title

        items: list[Any] = [title(heading)]
        items.append(table(rows) if rows else "Nothing to list.")
        print_all(sys.stdout, items)


def _heading(app: App, what: str, as_of: date) -> str:
    return f"{what} as of {as_of.isoformat()} ({app.dataset().agreement.id})"


@cli.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@date_option
@format_option("table", "csv", "json")
@click.option("--fail-if-overdue", is_flag=True, help="Exit with code 3 if any is overdue.")
@data_option
@pass_app
@click.pass_context
def status(
    ctx: click.Context,
    app: App,
    names: tuple[str, ...],
    when: DateSpec | None,
    fmt: str,
    fail_if_overdue: bool,
) -> None:
    """The state of every handover (or the NAMEd ones) as of a date."""
    from handover.output.table import status_table
    from handover.timeline import Status, rows

    as_of = app.as_of(when)
    chosen = rows(app.dataset(), as_of, app.resolve(names) if names else None)
    _emit_rows(chosen, fmt, status_table, _heading(app, "Handovers", as_of))
    overdue = [r.handover.id for r in chosen if r.status is Status.OVERDUE]
    if fail_if_overdue and overdue:
        _note(f"overdue as of {as_of.isoformat()}: {', '.join(overdue)}")
        ctx.exit(EXIT_OVERDUE)


@cli.command()
@date_option
@click.option(
    "--within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only deadlines at most DAYS days after the date.",
)
@format_option("table", "csv", "json")
@data_option
@pass_app
def upcoming(app: App, when: DateSpec | None, within: int | None, fmt: str) -> None:
    """Handovers pending or due as of a date, soonest deadline first."""
    from handover.output.table import status_table
    from handover.timeline import rows
    from handover.timeline import upcoming as upcoming_rows

    as_of = app.as_of(when)
    chosen, overdue = upcoming_rows(rows(app.dataset(), as_of), within)
    _emit_rows(chosen, fmt, status_table, _heading(app, "Upcoming deadlines", as_of))
    if overdue:
        noun = "handover is" if overdue == 1 else "handovers are"
        message = f"{overdue} {noun} overdue and not listed here (see: handover delays)"
        if fmt == "table":
            click.echo(message)
        else:
            _note(message)


@cli.command()
@date_option
@format_option("table", "csv", "json")
@data_option
@pass_app
def delays(app: App, when: DateSpec | None, fmt: str) -> None:
    """Deadlines that moved, overdue handovers and late completions, largest slip first."""
    from handover.output.table import delays_table
    from handover.timeline import delays as delayed
    from handover.timeline import rows

    as_of = app.as_of(when)
    _emit_rows(
        delayed(rows(app.dataset(), as_of)), fmt, delays_table, _heading(app, "Delays", as_of)
    )


@cli.command()
@click.argument("name")
@date_option
@format_option("table", "json")
@data_option
@pass_app
def show(app: App, name: str, when: DateSpec | None, fmt: str) -> None:
    """Everything about one handover as of a date, with its sources."""
    from handover.timeline import rows

    as_of = app.as_of(when)
    (found,) = rows(app.dataset(), as_of, app.resolve([name]))
    if fmt == "json":
        from handover.output.json import render as render_json

        h = found.handover
        visible = [r.model_dump(mode="json") for r in found.revisions]
        detail = {
            **found.record(),
            "aliases": list(h.aliases),
            "notes": h.notes,
            "revisions": visible,
            "sources": [s.model_dump(mode="json") for s in h.sources],
        }
        _emit(render_json(detail))
    else:
        from handover.output.table import print_all
        from handover.output.table import show as show_renderables

        print_all(sys.stdout, show_renderables(found, app.dataset()))


@cli.command()
@date_option
@format_option("csv", "json", "ics", "md", default="csv")
@click.option("--output", "output", metavar="FILE", help="Write to FILE (atomically), not stdout.")
@data_option
@pass_app
def export(app: App, when: DateSpec | None, fmt: str, output: str | None) -> None:
    """Every handover as of a date: CSV, JSON, iCalendar or Markdown."""
    from handover.timeline import FIELDS, rows

    as_of = app.as_of(when)
    chosen = rows(app.dataset(), as_of)
    data: bytes
    if fmt == "ics":
        from handover.output.ics import render as render_ics

        data = render_ics(chosen, app.dataset())
    elif fmt == "md":
        from handover.output.markdown import render as render_md

        data = render_md(chosen, _heading(app, "Handovers", as_of)).encode()
    elif fmt == "json":
        from handover.output.json import render as render_json

        data = render_json([r.record() for r in chosen]).encode()
    else:
        from handover.output.csv import render as render_csv

        data = render_csv((r.record() for r in chosen), FIELDS).encode()
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else _emit(data.decode())
        sys.stdout.flush()
    else:
        from pathlib import Path

        from handover.atomic import write_atomic

        write_atomic(Path(output), data)
        _note(f"wrote {output}")


@cli.command()
@click.option("--since", type=DateParam(), required=True, metavar="DATE", help="From this date.")
@click.option("--until", type=DateParam(), metavar="DATE", help="Up to this date (default today).")
@format_option("table", "csv", "json")
@data_option
@pass_app
def changes(app: App, since: DateSpec, until: DateSpec | None, fmt: str) -> None:
    """What happened in a window: signed, revised, due, missed, completed; oldest first."""
    from handover.timeline import CHANGE_FIELDS
    from handover.timeline import changes as changes_in

    start, end = app.as_of(since), app.as_of(until)
    if end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before --since {start.isoformat()}", param_hint="'--until'"
        )
    found = changes_in(app.dataset(), start, end)
    if fmt == "csv":
        from handover.output.csv import render as render_csv

        _emit(render_csv((c.record() for c in found), CHANGE_FIELDS))
    elif fmt == "json":
        from handover.output.json import render as render_json

        _emit(render_json([c.record() for c in found]))
    else:
        from handover.output.table import changes_table, print_all, title

        heading = f"Changes from {start.isoformat()} to {end.isoformat()}"
        print_all(sys.stdout, [title(heading), changes_table(found) if found else "Nothing."])


@cli.command()
@date_option
@click.option("--svg", "svg", metavar="FILE", help="Save the chart as an SVG picture.")
@click.option("--html", "html", metavar="FILE", help="Save the chart as an HTML page.")
@data_option
@pass_app
def timeline(app: App, when: DateSpec | None, svg: str | None, html: str | None) -> None:
    """A chart of every handover on one date axis, as known on a date."""
    from pathlib import Path

    from handover.atomic import write_atomic
    from handover.output.chart import Chart
    from handover.output.table import console, title
    from handover.timeline import rows

    as_of = app.as_of(when)
    dataset = app.dataset()
    chart = Chart(rows(dataset, as_of), dataset.agreement.signed, as_of)
    heading = title(_heading(app, "Timeline", as_of))
    if not svg and not html:
        out = console(sys.stdout)
        out.print(heading)
        out.print(chart)
        return
    import io

    from rich.console import Console

    recorder = Console(file=io.StringIO(), record=True, width=100, force_terminal=True)
    recorder.print(heading)
    recorder.print(chart)
    if svg:
        svg_text = recorder.export_svg(title="handover timeline", clear=False)
        write_atomic(Path(svg), svg_text.encode())
        _note(f"wrote {svg}")
    if html:
        write_atomic(Path(html), recorder.export_html(clear=False).encode())
        _note(f"wrote {html}")


@cli.group()
def record() -> None:
    """Record news into the data file named by --data or HANDOVER_DATA.

    Comments and formatting of everything else are kept; the result is validated before it
    is written, atomically. --dry-run shows the change as a diff and writes nothing.
    """


def _editable(app: App) -> Path:
    from pathlib import Path

    if not app.data_option:
        raise UsageProblem(
            "record edits the file named by --data FILE or HANDOVER_DATA; "
            "the dataset bundled with the program is read-only"
        )
    return Path(app.data_option)


def _apply(path: Path, change: Callable[[Any], None], dry_run: bool) -> None:
    from handover.edit import plan

    planned = plan(path, change)
    if dry_run:
        _emit(planned.diff())
        return
    planned.write()
    _note(f"updated {path}")


def source_options(command: F) -> F:
    command = click.option("--publisher", metavar="TEXT", help="Who reported it.")(command)
    return click.option("--source", metavar="URL", help="Where it was reported.")(command)


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."
)


@record.command("complete")
@click.argument("name")
@click.option("--on", "on", type=DateParam(), required=True, metavar="DATE", help="Completed on.")
@source_options
@click.option("--note", metavar="TEXT", help="A sentence to add to the notes.")
@dry_run_option
@data_option
@pass_app
def record_complete(
    app: App,
    name: str,
    on: DateSpec,
    source: str | None,
    publisher: str | None,
    note: str | None,
    dry_run: bool,
) -> None:
    """Record that the handover NAME was completed."""
    from handover.edit import SourceArgs, complete

    path = _editable(app)
    (hid,) = app.resolve([name])
    _apply(path, complete(hid, app.as_of(on), SourceArgs(source, publisher), note), dry_run)


@record.command("postpone")
@click.argument("name")
@click.option("--to", "to", type=DateParam(), required=True, metavar="DATE", help="New deadline.")
@click.option("--announced", type=DateParam(), required=True, metavar="DATE", help="Announced on.")
@click.option("--reason", required=True, metavar="TEXT", help="Why, as reported.")
@source_options
@dry_run_option
@data_option
@pass_app
def record_postpone(
    app: App,
    name: str,
    to: DateSpec,
    announced: DateSpec,
    reason: str,
    source: str | None,
    publisher: str | None,
    dry_run: bool,
) -> None:
    """Record that the deadline of NAME moved."""
    from handover.edit import SourceArgs, postpone

    path = _editable(app)
    (hid,) = app.resolve([name])
    change = postpone(
        hid, app.as_of(to), app.as_of(announced), reason, SourceArgs(source, publisher)
    )
    _apply(path, change, dry_run)


@record.command("add")
@click.argument("handover_id", metavar="ID")
@click.option("--name", required=True, metavar="TEXT", help="Name of the area.")
@click.option("--from", "from_", required=True, metavar="PARTY", help="Party handing over.")
@click.option("--to", "to", required=True, metavar="PARTY", help="Party receiving.")
@click.option("--deadline", type=DateParam(), required=True, metavar="DATE", help="Deadline.")
@click.option("--alias", "aliases", multiple=True, metavar="TEXT", help="Another name (repeat).")
@click.option("--provision", metavar="TEXT", help="Where the agreement says it.")
@source_options
@dry_run_option
@data_option
@pass_app
def record_add(
    app: App,
    handover_id: str,
    name: str,
    from_: str,
    to: str,
    deadline: DateSpec,
    aliases: tuple[str, ...],
    provision: str | None,
    source: str | None,
    publisher: str | None,
    dry_run: bool,
) -> None:
    """Add a new handover with the id ID."""
    from handover.edit import NewHandover, SourceArgs, add

    path = _editable(app)
    new = NewHandover(handover_id, name, from_, to, app.as_of(deadline), tuple(aliases), provision)
    _apply(path, add(new, SourceArgs(source, publisher)), dry_run)


@cli.command()
@click.argument("file", required=False, metavar="[FILE]")
@pass_app
def validate(app: App, file: str | None) -> None:
    """Check a data file (default: the one --data names); list every problem, FILE:LINE:COL."""
    from handover.loader import data_path, load

    path = data_path(file or app.data_option)
    dataset = load(path)
    revisions = sum(len(h.revisions) for h in dataset.handovers)
    sources = len(dataset.agreement.sources) + sum(
        len(h.sources) + sum(len(r.sources) for r in h.revisions) for h in dataset.handovers
    )
    counts = [(len(dataset.handovers), "handover"), (revisions, "revision"), (sources, "source")]
    summary = ", ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts)
    click.echo(f"{path}: valid: agreement {dataset.agreement.id}, {summary}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the data file (for editors that check YAML as you type)."""
    from handover.models import json_schema
    from handover.output.json import render as render_json

    _emit(render_json(json_schema()))


def main(args: Sequence[str] | None = None, prog_name: str = "handover") -> NoReturn:
    cli.main(args=args, prog_name=prog_name)
