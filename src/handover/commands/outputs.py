"""export, changes, timeline: outputs for spreadsheets, calendars, reports and pictures."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from handover.commands.common import (
    App,
    DateParam,
    data_option,
    date_option,
    emit,
    format_option,
    headline,
    note,
    pass_app,
    rows_text,
)

if TYPE_CHECKING:
    from handover.dates import DateSpec


@click.command()
@date_option
@format_option("csv", "json", "ics", "md", default="csv")
@click.option("--output", "output", metavar="FILE", help="Write to FILE (atomically), not stdout.")
@data_option
@pass_app
def export(app: App, when: DateSpec | None, fmt: str, output: str | None) -> None:
    """Every handover as of a date: CSV, JSON, iCalendar or Markdown."""
    from handover.timeline import rows

    as_of = app.as_of(when)
    chosen = rows(app.dataset(), as_of)
    data: bytes
    if fmt == "ics":
        from handover.output.ics import render as render_ics

        data = render_ics(chosen, app.dataset())
    elif fmt == "md":
        from handover.output.markdown import render as render_md

        data = render_md(chosen, headline(app, "Handovers", as_of)).encode()
    else:
        data = rows_text(chosen, fmt).encode()  # the same CSV and JSON as status
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
    else:
        from pathlib import Path

        from handover.atomic import write_atomic

        write_atomic(Path(output), data)
        note(f"wrote {output}")


@click.command()
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

        emit(render_csv((c.record() for c in found), CHANGE_FIELDS))
    elif fmt == "json":
        from handover.output.json import render as render_json

        emit(render_json([c.record() for c in found]))
    else:
        from handover.output.table import changes_table, print_all, title

        heading = f"Changes from {start.isoformat()} to {end.isoformat()}"
        print_all(sys.stdout, [title(heading), changes_table(found) if found else "Nothing."])


@click.command()
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
    heading = title(headline(app, "Timeline", as_of))
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
        note(f"wrote {svg}")
    if html:
        write_atomic(Path(html), recorder.export_html(clear=False).encode())
        note(f"wrote {html}")
