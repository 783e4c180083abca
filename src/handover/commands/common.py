"""What every command shares: the run's App, the --date type, common options, output helpers.

Kept light: importing this costs no more than click itself (dates, pydantic, YAML and rich
are imported inside functions).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from handover.dates import DateSpec
    from handover.models import Dataset
    from handover.timeline import Row

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """Created once per run; holds the chosen data file and the loaded dataset."""

    def __init__(self, data_option: str | None = None) -> None:
        self.data_option = data_option
        self._dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            import gc

            from handover.loader import data_path, load

            self._dataset = load(data_path(self.data_option))
            # It lives as long as this process: move it out of the collector's way, so that
            # answering (a row per handover) does not re-scan it again and again.
            gc.freeze()
        return self._dataset

    def as_of(self, spec: DateSpec | None) -> date:
        """The as-of date; "today" is today in the agreement's time zone."""
        from handover.dates import DateSpec, today_in

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
        from handover.dates import DateInputError, DateSpec, parse_user_date

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


def emit(text: str) -> None:
    click.echo(text, nl=False)


def note(text: str) -> None:
    click.echo(text, err=True)


def rows_text(rows: Sequence[Row], fmt: str) -> str:
    """The rows as CSV or JSON, the fields of DESIGN section 3 in order."""
    if fmt == "csv":
        from handover.output.csv import render as render_csv
        from handover.timeline import FIELDS

        return render_csv((r.record() for r in rows), FIELDS)
    from handover.output.json import render as render_json

    return render_json([r.record() for r in rows])


def emit_rows(rows: Sequence[Row], fmt: str, table: str, heading: str) -> None:
    """CSV, JSON or a table; `table` names the renderer in output/table.py, imported (with
    rich) only when a table is asked for."""
    if fmt in ("csv", "json"):
        emit(rows_text(rows, fmt))
    else:
        from handover.output import table as tables

        items: list[Any] = [tables.title(heading)]
        items.append(getattr(tables, table)(rows) if rows else "Nothing to list.")
        tables.print_all(sys.stdout, items)


def headline(app: App, what: str, as_of: date) -> str:
    return f"{what} as of {as_of.isoformat()} ({app.dataset().agreement.id})"
