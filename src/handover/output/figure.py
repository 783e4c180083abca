"""The published chart with its words (title, description, source line), and the page that
holds just that chart (timeline --html). The report draws the same chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from handover.dates import day_label
from handover.models import Dataset
from handover.output.svgchart import NARROW, WIDE, render_svg
from handover.output.words import status_words
from handover.timeline import Row, Status, agreement_sources, handover_sources


class Figure(NamedTuple):
    """The chart twice: wide for a desktop (and `timeline --svg`), narrow for a phone and
    print; pages show one by width (CHART_CSS)."""

    wide: str
    narrow: str
    heading: str

    def html(self) -> str:
        """Both drawings, for a page: each in its own box, shown by width."""
        return (
            f'<div class="chart-wide">{self.wide}</div>'
            f'<div class="chart-narrow">{self.narrow}</div>'
        )


# The chart's boxes on a page: the narrow drawing up to 720 px and in print, the wide one
# above (it shrinks to fit, never scrolls).
CHART_CSS = (
    ".chart-wide svg,.chart-narrow svg{display:block;width:100%;height:auto}"
    ".chart-narrow{display:none;max-width:480px}"
    "@media (max-width:720px){.chart-wide{display:none}.chart-narrow{display:block}}"
    "@media print{.chart-wide{display:none}.chart-narrow{display:block;max-width:120mm}}"
)


def chart(
    datasets: Sequence[Dataset], shown: Sequence[Row], as_of: date, ids: str = "chart"
) -> Figure:
    """The chart of the agreements' handovers (`shown`, their rows on the date) as SVG, wide
    and narrow, and its title with what it shows."""
    named = datasets[0].agreement.title if len(datasets) == 1 else f"{len(datasets)} agreements"
    chart_title = f"Handovers as of {day_label(as_of)}"
    done = sum(r.completed is not None for r in shown)
    late = sum(r.status is Status.OVERDUE for r in shown)
    description = f"{done} of {len(shown)} handovers completed, {late} overdue. " + " ".join(
        f"{r.handover.name}: {status_words(r.status)}." for r in shown
    )
    cited = sum(  # the sources that exist on the date: none published after it
        len(agreement_sources(d.agreement, as_of))
        + sum(len(handover_sources(h, as_of)) for h in d.handovers)
        for d in datasets
    )
    checked = [d.agreement.checked for d in datasets if d.agreement.checked]
    source = (
        f"Source: handover data for {', '.join(d.agreement.id for d in datasets)}, "
        f"{cited} sources cited"
        + (f"; checked up to {day_label(min(checked))}" if checked else "")
        + "."
    )
    wide, narrow = (
        render_svg(shown, as_of, chart_title, source, description, named, f"{ids}-{w}", width)
        for w, width in (("wide", WIDE), ("narrow", NARROW))
    )
    return Figure(wide, narrow, f"{chart_title}: {named}")


def page(heading: str, figure: Figure) -> str:
    """A page with just the chart: valid HTML5, everything escaped by ElementTree."""
    import xml.etree.ElementTree as ET

    page = ET.Element("html", {"lang": "en"})
    head = ET.SubElement(page, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "meta", {"name": "viewport", "content": "width=device-width"})
    ET.SubElement(head, "title").text = heading
    ET.SubElement(head, "link", {"rel": "icon", "href": "data:,"})
    ET.SubElement(head, "style").text = (
        "body{margin:1rem;font-family:system-ui,sans-serif;color:#111827;overflow-wrap:anywhere}"
        "h1{font-size:1.25rem}figure{margin:0}"
        "@media (prefers-color-scheme:dark){body{background:#111827;color:#f3f4f6}}" + CHART_CSS
    )
    body = ET.SubElement(ET.SubElement(page, "body"), "main")
    ET.SubElement(body, "h1").text = heading
    ET.SubElement(body, "figure").text = "\0"  # where the chart goes
    text = ET.tostring(page, encoding="unicode", method="html")
    return "<!DOCTYPE html>\n" + text.replace("\0", figure.html()) + "\n"
