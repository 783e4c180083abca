"""The published chart with its words (title, description, source line), and the page that
holds just that chart (timeline --html). The report draws the same chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from handover.dates import day_label
from handover.models import Dataset
from handover.output.svgchart import render_svg
from handover.timeline import Row, agreement_sources, handover_sources


def chart(
    datasets: Sequence[Dataset], shown: Sequence[Row], as_of: date, ids: str = "chart"
) -> tuple[str, str]:
    """The chart of the agreements' handovers (`shown`, their rows on the date) as SVG, and
    its title with what it shows."""
    named = datasets[0].agreement.title if len(datasets) == 1 else f"{len(datasets)} agreements"
    chart_title = f"Handovers as of {day_label(as_of)}"
    done = sum(r.completed is not None for r in shown)
    late = sum(r.status.value == "overdue" for r in shown)
    description = f"{done} of {len(shown)} handovers completed, {late} overdue. " + " ".join(
        f"{r.handover.name}: {r.status.value}." for r in shown
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
    picture = render_svg(shown, as_of, chart_title, source, description, subtitle=named, ids=ids)
    return picture, f"{chart_title}: {named}"


def page(heading: str, picture: str) -> str:
    """A page with just the chart: valid HTML5, everything escaped by ElementTree."""
    import xml.etree.ElementTree as ET

    page = ET.Element("html", {"lang": "en"})
    head = ET.SubElement(page, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "meta", {"name": "viewport", "content": "width=device-width"})
    ET.SubElement(head, "title").text = heading
    ET.SubElement(head, "style").text = (
        "body{margin:1rem;font-family:system-ui,sans-serif;color:#111827;overflow-wrap:anywhere}"
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
