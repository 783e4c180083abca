"""export, changes, timeline: outputs for spreadsheets, calendars, reports and pictures."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial

import click

from handover.commands.common import (
    App,
    DateParam,
    data_option,
    date_option,
    emit_view,
    format_option,
    output_option,
    pass_app,
    write_out,
)
from handover.dates import DateSpec
from handover.output.views import ChangeLog, Export
from handover.timeline import changes as changes_in
from handover.timeline import rows


@click.command()
@date_option
@format_option(Export, default="csv")
@output_option("--output", "output", help="Write to FILE (atomically), not stdout; - is stdout.")
@data_option
@pass_app
def export(app: App, when: DateSpec | None, fmt: str, output: str | None) -> None:
    """Every handover as of a date: CSV, JSON, iCalendar or Markdown."""
    app.check_output(output)
    as_of = app.as_of(when)
    dataset = app.dataset()
    heading = app.headline("Handovers", as_of)
    view = Export(heading, rows(dataset, as_of), dataset.agreement, app.staleness(as_of))
    emit_view(fmt, view, output)


@click.command()
@click.option("--since", type=DateParam(), required=True, metavar="DATE", help="From this date.")
@click.option("--until", type=DateParam(), metavar="DATE", help="Up to this date (default today).")
@format_option(ChangeLog)
@data_option
@pass_app
def changes(app: App, since: DateSpec, until: DateSpec | None, fmt: str) -> None:
    """What happened in a window: signed, revised, due, missed, completed; oldest first."""
    start, end = app.as_of(since), app.as_of(until)
    if end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before --since {start.isoformat()}", param_hint="'--until'"
        )
    heading = f"Changes from {start.isoformat()} to {end.isoformat()}"
    found = changes_in(app.dataset(), start, end)
    emit_view(fmt, ChangeLog(heading, found, app.staleness(end)))


@click.command()
@date_option
@output_option("--svg", "svg", help="Save the chart as an SVG picture (- for stdout).")
@output_option("--html", "html", help="Save the chart as an HTML page (- for stdout).")
@data_option
@pass_app
def timeline(app: App, when: DateSpec | None, svg: str | None, html: str | None) -> None:
    """A chart of every handover on one date axis, as known on a date."""
    # rich draws the chart: imported here so that export and changes never load it.
    from rich.console import Console
    from rich.text import Text

    from handover.output.chart import Chart
    from handover.output.table import draw, title

    app.check_output(svg, "--svg")
    app.check_output(html, "--html")
    as_of = app.as_of(when)
    dataset = app.dataset()
    chart = Chart(rows(dataset, as_of), dataset.agreement.signed, as_of)
    heading = title(app.headline("Timeline", as_of))
    if not svg and not html:
        stale = [Text(line, style="dim") for line in app.staleness(as_of)]
        write_out(draw([heading, chart, *stale]), None)
        return
    recorder = Console(file=io.StringIO(), record=True, width=100, force_terminal=True)
    recorder.print(heading)
    recorder.print(chart)
    pictures: list[tuple[str | None, Callable[[], str]]] = [
        (svg, partial(recorder.export_svg, title="handover timeline", clear=False)),
        (html, partial(recorder.export_html, clear=False)),
    ]
    for name, text in pictures:
        if name:
            write_out(text(), name)
