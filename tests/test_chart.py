"""timeline --svg/--html: a real chart, read back as a person's browser would draw it.

The expected dates are written by hand from the data (Kalbajar's original deadline 15 Nov,
moved to 25 Nov; Aghdam completed 20 Nov; Lachin due 1 Dec). Positions are checked against
the axis the SVG declares: x = x0 + (date - start) / (end - start) * (x1 - x0)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

from .conftest import MINIMAL, write

NS = {"s": "http://www.w3.org/2000/svg"}
D = date.fromisoformat


def _chart(run_or_invoke: Callable[..., Any], tmp_path: Path, *args: str) -> ET.Element:
    target = tmp_path / "chart.svg"
    result = run_or_invoke("timeline", *args, "--svg", str(target))
    assert (getattr(result, "returncode", None) or getattr(result, "exit_code", 0)) == 0
    return ET.fromstring(target.read_text(encoding="utf-8"))


def _x_at(svg: ET.Element, day: date) -> float:
    start, end = D(svg.attrib["data-start"]), D(svg.attrib["data-end"])
    x0, x1 = float(svg.attrib["data-x0"]), float(svg.attrib["data-x1"])
    return x0 + (day - start).days / (end - start).days * (x1 - x0)


def _centre(mark: ET.Element) -> float:
    tag = mark.tag.split("}")[1]
    if tag == "circle":
        return float(mark.attrib["cx"])
    if tag == "rect":
        return float(mark.attrib["x"]) + float(mark.attrib["width"]) / 2
    if tag == "path":  # a cross: M x-6,y-6 ...
        return float(mark.attrib["d"][1:].split(",")[0]) + 6
    xs = [float(p.split(",")[0]) for p in mark.attrib["points"].split()]
    return (min(xs) + max(xs)) / 2  # a diamond's or a triangle's middle


def _marks(svg: ET.Element) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for row in svg.findall("s:g[@class='row']", NS):
        found[row.attrib["data-id"]] = [
            (m.attrib["data-kind"], m.attrib["data-date"]) for m in row if "data-kind" in m.attrib
        ]
    return found


def test_each_mark_sits_at_its_date(invoke: Callable[..., Any], tmp_path: Path) -> None:
    svg = _chart(invoke, tmp_path, "--date", "2020-11-20")
    rows = svg.findall("s:g[@class='row']", NS)
    assert len(rows) == 3
    for row in rows:
        for mark in (m for m in row if "data-kind" in m.attrib):
            assert abs(_centre(mark) - _x_at(svg, D(mark.attrib["data-date"]))) < 0.05, mark.attrib
    assert _marks(svg) == {
        "kalbajar": [("original-deadline", "2020-11-15"), ("deadline", "2020-11-25")],
        # completed on its deadline day: one mark, not a diamond under a triangle
        "aghdam": [("completed", "2020-11-20")],
        "lachin": [("deadline", "2020-12-01")],
    }
    # every mark says its date and meaning in words, for hover and long-press
    titles = [m.find("s:title", NS) for row in rows for m in row if "data-kind" in m.attrib]
    assert [t.text for t in titles if t is not None] == [
        "original deadline 15 Nov 2020",
        "deadline in force 25 Nov 2020",
        "completed 20 Nov 2020",
        "deadline in force 1 Dec 2020",
    ]
    as_of = svg.find("s:g[@class='as-of']", NS)
    assert as_of is not None and as_of.attrib["data-date"] == "2020-11-20"
    line = as_of.find("s:line", NS)
    assert line is not None and abs(float(line.attrib["x1"]) - _x_at(svg, D("2020-11-20"))) < 0.05


def test_the_axis_has_labelled_ticks_at_their_dates(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    svg = _chart(invoke, tmp_path, "--date", "2020-11-20")
    ticks = svg.findall(".//s:g[@class='tick']", NS)
    said = []
    for tick in ticks:
        label, mark = tick.find("s:text", NS), tick.find("s:line[@class='tick-mark']", NS)
        assert label is not None and mark is not None and label.text is not None
        day = datetime.strptime(label.text, "%d %b %Y").date()  # a reader's date, in words
        assert abs(float(mark.attrib["x1"]) - _x_at(svg, day)) < 0.05
        said.append(day)
    # weekly ticks covering 10 Nov (the signing) to 1 Dec (Lachin's deadline)
    assert len(said) >= 3 and said[0] <= D("2020-11-10") and said[-1] >= D("2020-11-24")
    assert {(b - a).days for a, b in pairwise(said)} == {7}


def test_labels_title_description_and_legend_say_what_is_drawn(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    svg = _chart(invoke, tmp_path, "--date", "2020-11-20")
    texts = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "moved from 15 Nov to 25 Nov 2020" in texts and "due 25 Nov" in texts
    assert "completed 20 Nov" in texts and "due 1 Dec" in texts
    title, desc = svg.find("s:title", NS), svg.find("s:desc", NS)
    assert title is not None and title.text == "Handovers as of 20 Nov 2020"
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("1 of 3 handovers completed, 0 overdue.")
    legend = svg.find("s:g[@class='legend']", NS)
    assert legend is not None
    assert [t.text for t in legend.findall("s:text", NS)] == [
        "original deadline",  # no "moved deadline": no replaced deadline is drawn
        "deadline in force",
        "completed",
        "as-of date",
    ]
    assert any(t.startswith("Source: handover data for nk-2020-trilateral") for t in texts)


def test_nothing_is_fetched_and_two_runs_are_the_same(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    first = tmp_path / "a.svg"
    second = tmp_path / "b.svg"
    invoke("timeline", "--date", "2020-11-20", "--svg", str(first))
    invoke("timeline", "--date", "2020-11-20", "--svg", str(second))
    assert first.read_bytes() == second.read_bytes()
    urls = [
        v for e in ET.fromstring(first.read_text()).iter() for v in e.attrib.values() if "://" in v
    ]
    assert urls == []  # no font, image or style is loaded from anywhere


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        self._in_title = tag == "title" and not self.title  # the page's, in <head>

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_hostile_names_are_text_in_the_svg_and_the_page(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    name = '<script>alert(1)</script> "><img src=x onerror=alert(1)> ]]>'
    path = write(tmp_path, MINIMAL.replace("name: Hill District", f"name: '{name}'"))
    svg_path, html_path = tmp_path / "c.svg", tmp_path / "c.html"
    result = invoke(
        "--data",
        str(path),
        "timeline",
        "--date",
        "2021-03-05",
        "--svg",
        str(svg_path),
        "--html",
        str(html_path),
    )
    assert result.exit_code == 0, result.output
    svg = ET.fromstring(svg_path.read_text(encoding="utf-8"))
    (row,) = svg.findall("s:g[@class='row']", NS)
    label = row.find("s:text", NS)
    assert label is not None  # its lines, read one after the other as a reader does
    assert " ".join(span.text or "" for span in label.findall("s:tspan", NS)) == name
    page = _Page()
    page.feed(html_path.read_text(encoding="utf-8"))
    assert "script" not in page.tags and "img" not in page.tags
    assert page.tags[:1] == ["html"] and "svg" in page.tags
    assert page.title == "Handovers as of 5 Mar 2021: Test accord"


def test_an_as_of_date_long_after_the_last_event_is_said_not_drawn(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    # NK's last event is Lachin, 1 Dec 2020; six years later the axis still ends there, so the
    # marks are not squeezed into the left edge
    svg = _chart(invoke, tmp_path, "--date", "2026-11-27")
    ticks = [t.text or "" for t in svg.findall(".//s:text[@data-kind='tick']", NS)]
    assert ticks and all(t.endswith("2020") for t in ticks)  # the axis stays in 2020
    as_of = svg.find("s:g[@class='as-of']", NS)
    assert as_of is not None and as_of.find("s:line", NS) is None
    said = ["".join(t.itertext()) for t in as_of.findall("s:text", NS)]
    assert said == ["as of 27 Nov 2026, after the last date shown \u2192"]
    legend = svg.find("s:g[@class='legend']", NS)
    assert legend is not None
    assert "as-of date" not in [t.text for t in legend.findall("s:text", NS)]
    # a date just after the last event is still drawn on the axis
    near = _chart(invoke, tmp_path, "--date", "2020-12-05")
    line = near.find("s:g[@class='as-of']/s:line", NS)
    assert line is not None and abs(float(line.attrib["x1"]) - _x_at(near, D("2020-12-05"))) < 0.05
