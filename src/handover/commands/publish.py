"""export, changes, timeline: outputs for spreadsheets, calendars, reports and pictures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import click

from handover.commands.common import (
    App,
    DateParam,
    agreement_option,
    all_option,
    data_option,
    date_option,
    emit_view,
    format_option,
    output_option,
    pass_app,
    rows_of,
    write_out,
)
from handover.dates import DateSpec
from handover.models import Dataset
from handover.output.views import ChangeLog, Export
from handover.timeline import Row, change_order
from handover.timeline import changes as changes_in


@click.command()
@date_option
@agreement_option
@format_option(Export, default="csv")
@output_option("--output", "output", help="Write to FILE (atomically), not stdout; - is stdout.")
@data_option
@pass_app
def export(
    app: App, when: DateSpec | None, picked: tuple[str, ...], fmt: str, output: str | None
) -> None:
    """Every handover as of a date: CSV, JSON, iCalendar or Markdown."""
    app.check_output(output)
    as_of = app.as_of(when)
    datasets = app.existing(as_of, picked)
    heading = app.headline("Handovers", as_of, datasets)
    agreements = [d.agreement for d in datasets]
    view = Export(heading, rows_of(datasets, as_of), agreements, app.staleness(as_of, datasets))
    emit_view(fmt, view, output)


@click.command()
@click.option("--since", type=DateParam(), required=True, metavar="DATE", help="From this date.")
@click.option("--until", type=DateParam(), metavar="DATE", help="Up to this date (default today).")
@agreement_option
@format_option(ChangeLog)
@data_option
@pass_app
def changes(
    app: App, since: DateSpec, until: DateSpec | None, picked: tuple[str, ...], fmt: str
) -> None:
    """What happened in a window: signed, revised, due, missed, completed; oldest first."""
    start, end = app.as_of(since), app.as_of(until)
    if end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before --since {start.isoformat()}", param_hint="'--until'"
        )
    heading = f"Changes from {start.isoformat()} to {end.isoformat()}"
    datasets = app.existing(end, picked)
    found = sorted(
        (c for d in datasets for c in changes_in(d, start, end)),
        key=change_order,
    )
    ids = tuple(d.agreement.id for d in datasets)
    emit_view(fmt, ChangeLog(heading, found, app.staleness(end, datasets), ids, end))


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
    picture, heading_text = _chart(datasets, rows, as_of)
    if svg:
        write_out(picture, svg)
    if html:
        write_out(_page(heading_text, picture), html)


def _chart(
    datasets: Sequence[Dataset], shown: Sequence[Row], as_of: date, ids: str = "chart"
) -> tuple[str, str]:
    """The chart of the agreements' handovers (`shown`, their rows on the date) as SVG, and
    its title with what it shows."""
    from handover.output.svgchart import day_label, render_svg

    named = datasets[0].agreement.title if len(datasets) == 1 else f"{len(datasets)} agreements"
    chart_title = f"Handovers as of {day_label(as_of)}"
    done = sum(r.completed is not None for r in shown)
    late = sum(r.status.value == "overdue" for r in shown)
    description = f"{done} of {len(shown)} handovers completed, {late} overdue. " + " ".join(
        f"{r.handover.name}: {r.status.value}." for r in shown
    )
    cited = sum(
        len(d.agreement.sources) + sum(len(h.sources) for h in d.handovers) for d in datasets
    )
    checked = [d.agreement.checked for d in datasets if d.agreement.checked]
    source = (
        f"Source: handover data for {', '.join(d.agreement.id for d in datasets)}, "
        f"{cited} sources cited"
        + (f"; checked up to {day_label(min(checked))}" if checked else "")
        + "."
    )
    picture = render_svg(shown, as_of, chart_title, source, description, subtitle=named, ids=ids)
    return picture, f"{chart_title}: {named}"


def _page(heading: str, picture: str) -> str:
    """A page with just the chart: valid HTML5, everything escaped by ElementTree."""
    import xml.etree.ElementTree as ET

    page = ET.Element("html", {"lang": "en"})
    head = ET.SubElement(page, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "meta", {"name": "viewport", "content": "width=device-width"})
    ET.SubElement(head, "title").text = heading
    ET.SubElement(head, "style").text = (
        "body{margin:1rem;font-family:system-ui,sans-serif;color:#111827}"
        "h1{font-size:1.25rem}"
        # the chart shrinks to fit down to 800 px; below that it keeps its text readable
        # (about 10 px) and scrolls sideways in its own box, never the page
        "figure{margin:0;overflow-x:auto}svg{display:block;max-width:100%;min-width:800px;height:auto}"
        ".swipe{display:none;color:#4b5563}@media (max-width:840px){.swipe{display:block}}"
    )
    body = ET.SubElement(ET.SubElement(page, "body"), "main")
    ET.SubElement(body, "h1").text = heading
    ET.SubElement(
        body, "p", {"class": "swipe"}
    ).text = "The chart is wider than this screen: scroll it sideways to see all of it."
    # focusable, so that the chart can be scrolled from the keyboard where it scrolls
    ET.SubElement(body, "figure", {"tabindex": "0"}).text = "\0"  # where the chart goes
    text = ET.tostring(page, encoding="unicode", method="html")
    return "<!DOCTYPE html>\n" + text.replace("\0", picture) + "\n"


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
    datasets, more = app.covered(as_of, picked, show_all)
    # Jinja2 and the chart: imported here so that the other commands never load them.
    from handover.output.report import Section, render

    since = as_of - timedelta(days=RECENT_DAYS - 1)  # the 30 days up to and including D
    sections = []
    for d in datasets:
        rows = rows_of([d], as_of)
        chart = _chart([d], rows, as_of, ids=f"chart-{d.agreement.id}")[0]
        sections.append(Section(d.agreement, rows, changes_in(d, since, as_of), chart))
    write_out(render(as_of, sections, more, RECENT_DAYS), output)


RECENT_DAYS = 30  # "what changed in the last 30 days"
