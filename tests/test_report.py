"""handover report: the page to publish (README: report), read back as HTML.

Expected words are written by hand from the NK data: on 26 Nov 2020 Kalbajar (moved from
15 to 25 Nov) and Aghdam (20 Nov) are completed, Lachin (1 Dec) is pending with 5 days left;
the 30 days up to 26 Nov hold the signing (10 Nov), Kalbajar's postponement (announced
15 Nov) and the two completions."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .conftest import MINIMAL, write


class _Read(HTMLParser):
    """The parts of a page a reader meets: text by element, links, table rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.rows: list[list[str]] = []
        self.attrs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append(dict(attrs))
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td") and self.rows:
            self.rows[-1].append("")
        if tag not in ("meta", "br", "img", "input", "link"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        for tag in set(self.open):
            self.text.setdefault(tag, []).append(data)
        if "tbody" in self.open and self.rows and self.rows[-1] and data.strip():
            self.rows[-1][-1] += data.strip()

    def joined(self, tag: str) -> str:
        return " ".join("".join(self.text.get(tag, [])).split())


def _report(invoke: Callable[..., Any], tmp_path: Path, *args: str, **kw: Any) -> _Read:
    target = tmp_path / "report.html"
    result = invoke("report", *args, "--output", str(target), **kw)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "wrote" in result.stderr
    page = _Read()
    page.feed(target.read_text(encoding="utf-8"))
    return page


def test_the_nk_report_says_what_stood_on_the_day(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    page = _report(invoke, tmp_path, "--date", "2020-11-26")
    assert page.joined("title").startswith("Handovers as of 26 November 2020: Statement by")
    assert page.joined("h1") == "Handovers as of 26 November 2020"
    header = page.joined("header")
    assert "What was known on 26 November 2020" in header
    # the NK file's sources reach 8 November 2025 (`checked`)
    assert "The data was last checked against the news on 8 November 2025." in header
    assert page.text["dt"] == ["Parties", "Signed", "Data checked"]
    assert page.text["dd"] == ["Armenia, Azerbaijan, Russia", "10 November 2020", "8 November 2025"]
    assert "2 of 3 handovers completed; 1 pending." in page.joined("p")
    body_rows = [r for r in page.rows if any(r)]  # the header row is in <thead>
    assert [r[:5] for r in body_rows] == [
        ["Kalbajar District", "Armenia → Azerbaijan", "completed", "25 Nov 2020", "25 Nov 2020"],
        ["Aghdam District", "Armenia → Azerbaijan", "completed", "20 Nov 2020", "20 Nov 2020"],
        ["Lachin District", "Armenia → Azerbaijan", "pending", "1 Dec 2020", "–"],
    ]
    assert body_rows[2][5] == "5 days left"
    # the four dated changes of the window, oldest first
    items = page.joined("main").split("What changed in the last 30 days")[1].split("Sources")[0]
    assert [d for d in ("10 Nov", "15 Nov", "20 Nov", "25 Nov") if d + " 2020:" in items] == [
        "10 Nov",
        "15 Nov",
        "20 Nov",
        "25 Nov",
    ]
    assert items.index("10 Nov 2020:") < items.index("15 Nov 2020:") < items.index("25 Nov")
    assert page.links and all(link.startswith(("https://", "http://")) for link in page.links)
    assert "section" in page.tags and "table" in page.tags and "svg" in page.tags
    assert "scope" in {k for a in page.attrs for k in a}


def test_a_source_published_after_the_date_is_not_cited(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    # Kalbajar's completion sources are dated 25 Nov 2020; a day before, they are not known
    before = _report(invoke, tmp_path, "--date", "2020-11-24")
    after = _report(invoke, tmp_path, "--date", "2020-11-26")
    assert not any("kavkaz-uzel" in link for link in before.links)
    assert any("kavkaz-uzel" in link for link in after.links)
    assert "(25 Nov 2020)" not in before.joined("main")


def test_the_library_report_warns_that_data_went_stale(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    page = _report(invoke, tmp_path, "--date", "2026-11-27", "--all", env={"HANDOVER_DATA": ""})
    headings = page.text["h2"]
    # a summary first, then the five agreements, most urgent first: Lebanon's overdue
    # positions; then those with nothing open (the others, by title)
    assert headings[0] == "At a glance" and len(headings) == 6
    assert headings[1] == "Israel-Lebanon cessation of hostilities (2024)"
    assert headings[2:] == sorted(headings[2:])
    stale = page.joined("header")
    assert (  # every bundled file says when it was checked; Egypt-Israel's is the earliest
        "5 of 5 agreements say when their data was last checked against the news "
        "(the earliest: 26 May 2025)." in stale
    )
    assert "the data was checked up to 10 October 2025" in stale  # Gaza's
    # Israel-Lebanon's file says it was checked up to 5 July 2026
    assert "the data was checked up to 5 July 2026" in stale
    assert "no news here does not mean nothing happened" in stale
    assert "#israel-lebanon-2024" in page.links  # the summary links each section
    # the five positions Israel kept are overdue on the day: 18 Feb 2025 to 27 Nov 2026
    assert "3 of 8 handovers completed; 5 overdue by 647 days." in page.joined("p")
    # a source the data cites for each of the five positions is listed once, with all five
    kataeb = [link for link in page.links if "israeli-army-to-stay-at-key-positions" in link]
    assert len(kataeb) == 1
    assert (
        "Withdrawal Deadline (17 Feb 2025): Labbouneh hill; Jabal Blat; Jal al-Deir; "
        "Markaba-Houla road position; Hamames hill" in page.joined("li")
    )


def test_hostile_text_is_escaped(invoke: Callable[..., Any], tmp_path: Path) -> None:
    # markup, a CDATA end, a right-to-left override and a zero-width space: all plain text
    name = '<script>alert(1)</script> "><img src=x onerror=alert(1)> ]]> \u202eevil\u200b'
    path = write(tmp_path, MINIMAL.replace("name: Hill District", f"name: '{name}'"))
    page = _report(invoke, tmp_path, "--data", str(path), "--date", "2021-03-05")
    assert "script" not in page.tags and "img" not in page.tags
    assert name in page.joined("tbody")


def test_output_is_required(invoke: Callable[..., Any]) -> None:
    result = invoke("report", "--date", "2020-11-26")
    assert result.exit_code == 2
    assert "--output" in result.stderr and "Traceback" not in result.stderr


def test_bad_output_places_fail_with_one_line_and_write_nothing(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for target in (tmp_path / "missing" / "r.html", folder, Path("/dev/full")):
        result = run("report", "--date", "2020-11-26", "--output", str(target))
        assert result.returncode == 1, (target, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert result.stdout == ""
    assert list(folder.iterdir()) == [] and not (tmp_path / "missing").exists()


def test_the_report_goes_to_stdout_with_a_dash(run: Callable[..., Any]) -> None:
    result = run("report", "--date", "2020-11-26", "--output", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and "</html>" in result.stdout


def test_the_page_says_what_is_not_covered_in_words_for_readers(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    """On 20 Nov 2020 the bundled library holds two more agreements that exist (Egypt-Israel,
    Kumanovo) with nothing open; the page says so without a command-line option."""
    page = _report(invoke, tmp_path, "--date", "2020-11-20", env={"HANDOVER_DATA": ""})
    text = page.joined("main") + page.joined("header") + page.joined("p")
    assert "2 more agreements exist on 20 Nov 2020 but have nothing open." in text
    assert "--all" not in text
