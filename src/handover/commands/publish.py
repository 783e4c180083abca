"""export, changes, timeline: outputs for spreadsheets, calendars, reports and pictures."""

from __future__ import annotations

import os
from datetime import date, timedelta

import click

from handover.commands.app import App, pass_app
from handover.commands.options import (
    DateParam,
    agreement_option,
    all_option,
    base_url_option,
    data_option,
    date_option,
    format_option,
    output_option,
    status_option,
)
from handover.commands.streams import emit_view, write_out
from handover.dates import DateSpec
from handover.output.views import ChangeLog, Export
from handover.timeline import change_order, rows_of
from handover.timeline import changes as changes_in


@click.command()
@date_option
@agreement_option
@all_option
@status_option
@format_option(Export, default="csv")
@output_option("--output", "output", help="Write to FILE (atomically), not stdout; - is stdout.")
@data_option
@pass_app
def export(
    app: App,
    when: DateSpec | None,
    picked: tuple[str, ...],
    show_all: bool,
    statuses: frozenset[str] | None,
    fmt: str,
    output: str | None,
) -> None:
    """Every handover as of a date: CSV, JSON, iCalendar or Markdown."""
    app.check_output(output)
    as_of = app.as_of(when)
    datasets = app.existing(as_of, picked, show_all)
    heading = app.headline("Handovers", as_of, datasets)
    agreements = [d.agreement for d in datasets]
    listed = [r for r in rows_of(datasets, as_of) if statuses is None or str(r.status) in statuses]
    view = Export(heading, listed, agreements, app.staleness(as_of, datasets))
    emit_view(fmt, view, output)


@click.command()
@click.option(
    "--since",
    type=DateParam(month_is_first_day=True),
    required=True,
    metavar="DATE",
    help="From this date ('30 days ago', or a month such as 2025-02: its first day).",
)
@click.option("--until", type=DateParam(), metavar="DATE", help="Up to this date (default today).")
@agreement_option
@all_option
@format_option(ChangeLog)
@output_option("--output", "output", help="Write to FILE (atomically), not stdout; - is stdout.")
@base_url_option("Atom: where the site is published; the feed links itself and its pages there.")
@click.option("--title", metavar="TEXT", help="Atom: the feed's title (and, without --base-url, "
              "what its id rests on). Default: Handover changes.")  # fmt: skip
@data_option
@pass_app
def changes(
    app: App,
    since: DateSpec,
    until: DateSpec | None,
    picked: tuple[str, ...],
    show_all: bool,
    fmt: str,
    output: str | None,
    base_url: str | None,
    title: str | None,
) -> None:
    """What happened in a window: signed, revised, due, missed, completed; oldest first."""
    app.check_output(output)
    start, end = app.as_of(since), app.as_of(until)
    if end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before --since {start.isoformat()}", param_hint="'--until'"
        )
    heading = f"Changes from {start.isoformat()} to {end.isoformat()}"
    datasets = app.existing(end, picked, show_all)
    found = sorted(
        (c for d in datasets for c in changes_in(d, start, end)),
        key=change_order,
    )
    ids = tuple(d.agreement.id for d in datasets)
    feed_name = "feed.xml" if output in (None, "-") else os.path.basename(str(output))
    view = ChangeLog(heading, found, app.staleness(end, datasets), ids, end,
                     title=title or "Handover changes", base_url=base_url,
                     linked=base_url is not None, self_name=feed_name)  # fmt: skip
    emit_view(fmt, view, output)


@click.command()
@date_option
@agreement_option
@all_option
@output_option("--svg", "svg", help="Save the chart as an SVG picture (- for stdout).")
@output_option("--html", "html", help="Save the chart as an HTML page (- for stdout).")
@data_option
@pass_app
def timeline(
    app: App,
    when: DateSpec | None,
    picked: tuple[str, ...],
    show_all: bool,
    svg: str | None,
    html: str | None,
) -> None:
    """A chart of every handover on one date axis, as known on a date."""
    app.check_output(svg, "--svg")
    app.check_output(html, "--html")
    as_of = app.as_of(when)
    datasets, more = app.covered(as_of, picked, show_all)
    rows = rows_of(datasets, as_of)
    if not svg and not html:
        # rich draws the terminal chart: imported here so that export, changes and the
        # pictures never load it.
        from rich.text import Text

        from handover.output.chart import Chart
        from handover.output.table import draw, title

        start = min((d.agreement.signed for d in datasets), default=as_of)
        heading = title(app.headline("Timeline", as_of, datasets))
        lines = (*more, *app.staleness(as_of, datasets))
        stale = [Text(line, style="dim") for line in lines]
        write_out(draw([heading, Chart(rows, start, as_of), *stale]), None)
        return
    from handover.output.figure import chart, page  # the chart's modules: only here

    figure = chart(datasets, rows, as_of)
    if svg:
        write_out(figure.wide, svg)
    if html:
        write_out(page(figure.heading, figure), html)


@click.command()
@date_option
@agreement_option
@all_option
@output_option("--output", "output", help="Write the page to FILE (atomically); - is stdout.")
@data_option
@pass_app
def report(
    app: App, when: DateSpec | None, picked: tuple[str, ...], show_all: bool, output: str | None
) -> None:
    """A page to publish: each agreement's state, chart, recent changes and sources."""
    if output is None:
        raise click.UsageError("Missing option '--output' (a FILE.html, or - for stdout).")
    app.check_output(output)
    as_of = app.as_of(when)
    datasets, more = app.covered(as_of, picked, show_all, for_page=True)
    # Jinja2 and the chart: imported here so that the other commands never load them.
    from handover.output.figure import chart
    from handover.output.report import Section, render

    # the 30 days up to and including D (from the first day there is, for a D in year 1)
    since = max(as_of, date.min + timedelta(days=RECENT_DAYS - 1)) - timedelta(days=RECENT_DAYS - 1)
    sections = []
    for d in datasets:
        rows = rows_of([d], as_of)
        picture = chart([d], rows, as_of, ids=f"chart-{d.agreement.id}").html()
        sections.append(Section(d.agreement, rows, changes_in(d, since, as_of), picture))
    write_out(render(as_of, sections, more, RECENT_DAYS), output)


RECENT_DAYS = 30  # "what changed in the last 30 days"
