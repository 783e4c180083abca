"""handover site: a static site from the bundled library (README: site). What a newsroom needs
of it is checked here as files; tests/test_browser.py opens it in a real browser. Expected
values are written by hand from the data (on 2 March 2025 Philadelphi is late to start, due
9 March; the five Lebanese positions are overdue since 18 February)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest

from .conftest import ROOT, installed_command, unmeasured

LIBRARY = {"HANDOVER_DATA": ""}
AGREEMENTS = [
    "egypt-israel-1979",
    "gaza-2025-ceasefire",
    "israel-lebanon-2024",
    "kumanovo-1999",
    "nk-2020-trilateral",
]
FILES = sorted(
    [
        "index.html",
        *(f"{a}/index.html" for a in AGREEMENTS),
        "feed.xml",
        "calendar.ics",
        "handovers.csv",
        "handovers.json",
        "changes.csv",
    ]
)


def _site(invoke: Callable[..., Any], folder: Path, *args: str) -> Path:
    result = invoke("site", "--output", str(folder), *args, env=LIBRARY)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag in ("a", "link") and found.get("href"):
            self.hrefs.append(str(found["href"]))


def _parsed(path: Path) -> _Links:
    page = _Links()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(folder: Path) -> list[str]:
    """Every relative link of every page that does not lead to a file of the site (and, with
    a fragment, to an element of that page with that id)."""
    broken = []
    for page_file in folder.rglob("*.html"):
        for href in _parsed(page_file).hrefs:
            if href.startswith(("http://", "https://", "data:")):
                continue
            target, fragment = urldefrag(href)
            path = (page_file.parent / target).resolve() if target else page_file
            if not path.is_file() or not str(path).startswith(str(folder.resolve())):
                broken.append(f"{page_file.relative_to(folder)}: {href}")
            elif fragment and path.suffix == ".html" and fragment not in _parsed(path).ids:
                broken.append(f"{page_file.relative_to(folder)}: {href} (no such anchor)")
    return broken


def test_the_site_has_an_index_a_page_per_agreement_a_feed_a_calendar_and_the_data(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    folder = _site(invoke, tmp_path / "site", "--date", "2025-03-02")
    assert sorted(_files(folder)) == FILES
    assert broken_links(folder) == []
    index = folder.joinpath("index.html").read_text(encoding="utf-8")
    # most urgent first: Lebanon (overdue), then Gaza (due 9 Mar); the rest have nothing open
    assert index.index("israel-lebanon-2024/index.html") < index.index(
        "gaza-2025-ceasefire/index.html"
    )
    assert "Agreements with nothing open" in index
    for a in AGREEMENTS:
        assert f'href="{a}/index.html"' in index
    page = folder.joinpath("gaza-2025-ceasefire", "index.html").read_text(encoding="utf-8")
    assert 'id="gaza-2025-ceasefire/philadelphi"' in page and 'href="../index.html"' in page
    assert "late to start" in page and "late-start" not in page.split("<svg")[0]
    # words for readers: no option of the command line, no ISO date in the prose
    text = re.sub(r"<(style|svg)[^>]*>.*?</\1>", "", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert "--all" not in text and not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)


def test_a_second_run_writes_the_same_bytes_whatever_the_run(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    """Same data and date: the same files, in another process with another hash seed,
    locale and working folder, the data named by another path, with no cache."""
    first = _files(_site(invoke, tmp_path / "a", "--date", "2026-12-06"))
    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**unmeasured(dict(os.environ)), "PYTHONHASHSEED": "7", "LC_ALL": "C",
           "HANDOVER_CACHE": "off", "HANDOVER_DATA": ""}  # fmt: skip
    relative = os.path.relpath(data, elsewhere)
    run = subprocess.run(
        [installed_command(), "--data", relative, "site", "--output", str(tmp_path / "b"),
         "--date", "2026-12-06"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert _files(tmp_path / "b") == first


def test_nothing_else_in_the_folder_is_touched_and_unchanged_files_are_not_rewritten(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "CNAME").write_text("handovers.example.org\n")
    (folder / "old-agreement").mkdir()
    (folder / "old-agreement" / "index.html").write_text("kept")
    _site(invoke, folder, "--date", "2025-03-02")
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    again = invoke("site", "--output", str(folder), "--date", "2025-03-02", env=LIBRARY)
    assert again.exit_code == 0
    assert "wrote 0 of 11 files" in again.stderr and "(11 unchanged)" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before
    assert (folder / "CNAME").read_text() == "handovers.example.org\n"
    assert (folder / "old-agreement" / "index.html").read_text() == "kept"


def test_a_folder_that_is_a_file_or_the_data_file_is_refused_in_one_line(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    plain_file = tmp_path / "site"
    plain_file.write_text("not a folder")
    refused = invoke("site", "--output", str(plain_file), env=LIBRARY)
    assert refused.exit_code == 2 and len(refused.stderr.splitlines()) == 1
    assert "is a file" in refused.stderr and plain_file.read_text() == "not a folder"
    data = ROOT / "data" / "handover.yaml"
    before = data.read_bytes()
    refused = invoke("site", "--output", str(data))
    assert refused.exit_code == 2 and "is the data file" in refused.stderr
    assert data.read_bytes() == before


def test_a_run_that_fails_makes_no_folder(invoke: Callable[..., Any], tmp_path: Path) -> None:
    for wrong in (("--agreement", "no-such-accord"), ("--date", "2025-02-30")):
        failed = invoke("site", "--output", str(tmp_path / "site"), *wrong, env=LIBRARY)
        assert failed.exit_code == 2 and len(failed.stderr.splitlines()) == 1, wrong
        assert not (tmp_path / "site").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_that_cannot_be_written_is_refused(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        refused = invoke("site", "--output", str(locked), env=LIBRARY)
    finally:
        locked.chmod(0o700)
    assert refused.exit_code == 1 and "cannot write into" in refused.stderr
    assert list(locked.iterdir()) == []


def test_the_feed_links_itself_and_the_pages_and_keeps_its_id(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    import feedparser

    base = "https://news.example.org/handovers/"
    folder = _site(invoke, tmp_path / "site", "--date", "2025-03-20", "--base-url", base)
    feed = feedparser.parse(folder.joinpath("feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.id == base + "feed.xml"
    links = {(link.rel, link.href) for link in feed.feed.links}
    assert ("self", base + "feed.xml") in links and ("alternate", base + "index.html") in links
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))
    # the window is the 90 days up to 20 March 2025: Gaza's collapse and Netzarim retaken
    kinds = [(e.title, e.published[:10]) for e in feed.entries]
    assert ("Netzarim corridor: reversed", "2025-03-19") in kinds
    for entry in feed.entries:
        (page,) = [link.href for link in entry.links if link.rel == "alternate"]
        target, fragment = urldefrag(page.removeprefix(base))
        assert fragment in _parsed(folder / target).ids, page
    # entries of one day keep their order in a reader that sorts by time
    stamps = [e.updated for e in feed.entries]
    assert len(stamps) == len(set(stamps))
    # adding an agreement to the library does not make it another feed
    library = shutil.copytree(ROOT / "data", tmp_path / "library")
    (library / "agreements" / "kumanovo-1999.yaml").unlink()
    fewer = tmp_path / "fewer"
    result = invoke("--data", str(library / "handover.yaml"), "--data",
                    str(library / "agreements"), "site", "--output", str(fewer), "--date",
                    "2025-03-20", "--base-url", base)  # fmt: skip
    assert result.exit_code == 0, result.output
    other = feedparser.parse(fewer.joinpath("feed.xml").read_bytes())
    assert (other.feed.id, other.feed.title) == (feed.feed.id, feed.feed.title)


def test_without_a_base_url_the_feed_links_are_relative_to_it(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    import feedparser

    folder = _site(invoke, tmp_path / "site", "--date", "2025-03-20", "--title", "Our desk")
    text = folder.joinpath("feed.xml").read_text(encoding="utf-8")
    assert 'rel="self"' not in text and 'href="index.html"' in text
    feed = feedparser.parse(text)
    assert not feed.bozo and feed.feed.title == "Our desk"
    assert feed.feed.id == "tag:handover,2020:feed/our-desk"


def test_the_calendar_is_the_upcoming_deadlines_and_the_same_bytes_twice(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    from icalendar import Calendar

    one = _site(invoke, tmp_path / "one", "--date", "2025-03-02")
    two = _site(invoke, tmp_path / "two", "--date", "2025-03-02")
    data = one.joinpath("calendar.ics").read_bytes()
    assert data == two.joinpath("calendar.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Handover deadlines"  # no date in its name
    events = [
        (str(e["SUMMARY"]), e.decoded("DTSTART").isoformat()) for e in calendar.walk("VEVENT")
    ]
    # on 2 March 2025 the one deadline still ahead is Philadelphi's, day 50 = 9 March
    assert events == [("Deadline: Philadelphi corridor (Israel to Hamas)", "2025-03-09")]


def test_the_data_downloads_are_the_export_and_the_changes(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    folder = _site(invoke, tmp_path / "site", "--date", "2025-03-02")
    rows = folder.joinpath("handovers.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("id,name,from,to,provision,agreed,original_deadline,deadline")
    assert len(rows) == 1 + 24  # every handover of the five agreements: 3 + 5 + 4 + 8 + 4
    philadelphi = next(r for r in rows if r.startswith("philadelphi,"))
    assert ",late-start," in philadelphi and ",2025-03-09," in philadelphi
    changes = folder.joinpath("changes.csv").read_text(encoding="utf-8").splitlines()
    assert changes[0] == "date,id,name,kind,detail,agreement,sources"
    dates = [line[:10] for line in changes[1:]]
    assert dates == sorted(dates) and dates[0] >= "2024-12-03"  # 2 Mar 2025 less 89 days
    assert any(",netzarim,Netzarim corridor,completed," in line for line in changes)


def test_changes_writes_a_file_and_checks_its_base_url(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    target = tmp_path / "news.xml"
    args = ("changes", "--since", "2020-11-01", "--until", "2020-12-02", "--format", "atom")
    written = invoke(*args, "--output", str(target), "--base-url", "https://example.org/nk")
    assert written.exit_code == 0 and written.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert '<link rel="self" href="https://example.org/nk/news.xml" />' in text
    assert "https://example.org/nk/nk-2020-trilateral/index.html#nk-2020-trilateral/kalbajar" in (
        text
    )
    bad = invoke(*args, "--base-url", "example.org/nk")
    assert bad.exit_code == 2 and "is not an http or https URL" in bad.stderr


def test_site_is_listed_in_the_help(run: Callable[..., Any]) -> None:
    shown = run("--help")
    assert shown.returncode == 0
    assert "A static site to host: an index, a page per agreement" in shown.stdout
