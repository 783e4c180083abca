"""The bundled library, as a user meets it: no --data, no HANDOVER_DATA. Every expected date
is written by hand from the research behind the data files (not computed by the code)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

LIBRARY = {"HANDOVER_DATA": ""}  # nothing named: the bundled library


def _json(invoke: Callable[..., Any], *args: str) -> Any:
    result = invoke(*args, "--format", "json", env=LIBRARY)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_20_november_2020_shows_the_three_rows_as_before_and_one_line_more(
    run: Callable[..., Any],
) -> None:
    result = run("status", "--date", "2020-11-20", env={**LIBRARY, "COLUMNS": "80"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Handovers as of 2020-11-20 (nk-2020-trilateral)"
    assert [line.split("  ")[0] for line in lines[3:]] == [
        "Kalbajar District",
        "",  # the wrapped note of Kalbajar's row
        "",
        "Aghdam District",
        "Lachin District",
        "2 more agreements exist on 20 Nov 2020 but have nothing open (--all shows them)",
    ]


def test_today_the_five_lebanese_positions_are_overdue_and_the_data_is_stale(
    invoke: Callable[..., Any],
) -> None:
    result = invoke("status", "--format", "csv", env=LIBRARY)
    assert result.exit_code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    five = ["labbouneh", "jabal-blat", "jal-al-deir", "markaba-houla", "hamames"]
    assert all(rows[p]["status"] == "overdue" for p in five)
    assert all(rows[p]["deadline"] == "2025-02-18" for p in five)  # 26 Jan, extended
    assert all(rows[p]["original_deadline"] == "2025-01-26" for p in five)  # 60 days
    assert "israel-lebanon-2024: data checked up to 2026-07-05; later events are not recorded" in (
        result.stderr.splitlines()
    )


def test_agreements_in_2000_are_egypt_israel_and_kumanovo(invoke: Callable[..., Any]) -> None:
    listed = _json(invoke, "agreements", "--date", "2000-01-01")
    assert sorted(a["id"] for a in listed) == ["egypt-israel-1979", "kumanovo-1999"]
    assert all(a["completed"] == a["handovers"] and not a["in_play"] for a in listed)


def test_kumanovo_deadlines_count_from_entry_into_force(invoke: Callable[..., Any]) -> None:
    rows = {
        r["id"]: r
        for r in _json(invoke, "status", "--agreement", "kumanovo-1999", "--date", "1999-06-12")
    }
    # EIF = 9 June 1999: +1, +6, +9, +11 days
    assert rows["zone-3-initial"]["original_deadline"] == "1999-06-10"
    assert rows["zone-1"]["original_deadline"] == "1999-06-15"
    assert rows["zone-2"]["original_deadline"] == "1999-06-18"
    assert rows["zone-3-final"]["original_deadline"] == "1999-06-20"
    assert rows["zone-1"]["deadline_rule"] == "in_force + 6 days"
    shown = invoke("show", "kumanovo-1999/zone-1", "--date", "1999-06-16", env=LIBRARY)
    assert "Deadline rule      in_force + 6 days" in shown.stdout
    assert "Original deadline  1999-06-15" in shown.stdout
    assert "Deadline           1999-06-16" in shown.stdout  # the 24-hour extension


def test_changes_in_june_1999_give_the_extension_and_the_completions(
    invoke: Callable[..., Any],
) -> None:
    found = _json(invoke, "changes", "--since", "1999-06-09", "--until", "1999-06-21")
    assert [(c["date"], c["id"], c["kind"]) for c in found] == [
        ("1999-06-09", "kumanovo-1999", "signed"),
        ("1999-06-09", "kumanovo-1999", "in-force"),  # on signing
        ("1999-06-10", "zone-3-initial", "completed"),
        ("1999-06-15", "zone-1", "revised"),
        ("1999-06-16", "zone-1", "completed"),
        ("1999-06-18", "zone-2", "completed"),
        ("1999-06-20", "zone-3-final", "completed"),
    ]


def test_the_sinai_clocks_run_from_the_exchange_of_ratifications(
    invoke: Callable[..., Any],
) -> None:
    rows = {
        r["id"]: r
        for r in _json(invoke, "status", "--agreement", "egypt-israel-1979", "--date", "1985-01-01")
    }
    assert rows["interim-line"]["original_deadline"] == "1980-01-25"  # 25 Apr 1979 + 9 months
    assert rows["sinai-final"]["original_deadline"] == "1982-04-25"  # + 3 years
    assert rows["taba"]["status"] == "overdue"  # kept after 1982, until 1989
    later = {
        r["id"]: r
        for r in _json(invoke, "status", "--agreement", "egypt-israel-1979", "--date", "1989-03-15")
    }
    assert later["taba"]["deadline"] == "1989-03-15" and later["taba"]["status"] == "completed"


@pytest.mark.slow
def test_the_wheel_carries_the_bundled_library(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("handover-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for agreement in ("kumanovo-1999", "egypt-israel-1979", "israel-lebanon-2024"):
        assert f"handover/data/agreements/{agreement}.yaml" in names
    assert "handover/data/handover.yaml" in names
    assert "handover/templates/report.html.j2" in names  # report has its template
    # The JSON Schema, byte for byte the committed one, and the licence in the metadata.
    schema = zipfile.ZipFile(wheel).read("handover/data/handover.schema.json")
    assert schema == (ROOT / "data" / "handover.schema.json").read_bytes()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if n.endswith(".lock") or "/." in n]  # no hidden files


# --- the Gaza ceasefire of January 2025 (written by hand from the research sheet) ----------

GAZA = "gaza-2025-ceasefire"


def _gaza(invoke: Callable[..., Any], day: str) -> dict[str, Any]:
    rows = _json(invoke, "status", "--agreement", GAZA, "--date", day)
    return {r["id"]: r for r in rows}


@pytest.mark.parametrize(
    ("day", "hid", "status", "left"),
    [  # README's worked example: day 1 = 19 Jan 2025; day 22 = 9 Feb; 42 = 1 Mar; 50 = 9 Mar
        ("2025-02-01", "netzarim", "pending", 8),
        ("2025-02-10", "netzarim", "completed", None),
        ("2025-03-20", "netzarim", "reversed", None),
        ("2025-02-28", "philadelphi", "pending", 9),
        ("2025-03-02", "philadelphi", "late-start", 7),
        ("2025-03-09", "philadelphi", "due", 0),
        ("2025-03-10", "philadelphi", "overdue", -1),
        ("2025-03-18", "philadelphi", "lapsed", None),
        ("2026-12-01", "philadelphi", "lapsed", None),
        # Rashid Street: day 7 (25 Jan) blocked, a new date (27 Jan) agreed on the 26th, done
        ("2025-01-25", "rashid-street", "due", 0),
        ("2025-01-26", "rashid-street", "pending", 1),
        ("2025-01-27", "rashid-street", "completed", None),
        # The 700 m line: begun on 19 Jan; from 9 Feb no source can tell; lapsed with the deal
        ("2025-02-01", "withdrawal-700m", "pending", 28),
        ("2025-02-09", "withdrawal-700m", "unclear", None),
        ("2025-03-18", "withdrawal-700m", "lapsed", None),
    ],
)
def test_the_gaza_ceasefire_as_of_each_day(
    invoke: Callable[..., Any], day: str, hid: str, status: str, left: int | None
) -> None:
    row = _gaza(invoke, day)[hid]
    assert (row["status"], row["days_to_deadline"]) == (status, left)


def test_netzarim_was_handed_over_on_time_then_taken_back(invoke: Callable[..., Any]) -> None:
    on_time = _gaza(invoke, "2025-02-10")["netzarim"]
    assert (on_time["completed"], on_time["on_time"]) == ("2025-02-09", True)
    back = _gaza(invoke, "2025-03-20")["netzarim"]
    assert (back["completed"], back["reversed"]) == ("2025-02-09", "2025-03-19")


def test_gaza_changes_from_february_to_march_cite_their_own_sources(
    invoke: Callable[..., Any],
) -> None:
    found = _json(invoke, "changes", "--agreement", GAZA, "--since", "2025-02-01", "--until",
                  "2025-03-31")  # fmt: skip
    got = [(c["date"], c["id"], c["kind"], [u.split("/")[2] for u in c["sources"]]) for c in found]
    assert got == [
        ("2025-02-09", "netzarim", "completed",
         ["www.devdiscourse.com", "www.hurriyetdailynews.com", "www.gulf-times.com"]),
        ("2025-02-09", "withdrawal-700m", "unclear", ["www.fdd.org"]),
        ("2025-02-27", "philadelphi", "held",
         ["news.az", "www.israelnationalnews.com", "fromthetrenchesworldreport.com"]),
        ("2025-03-02", "philadelphi", "missed-start", []),  # computed: it cites nothing
        ("2025-03-09", "philadelphi", "due", []),
        ("2025-03-10", "philadelphi", "missed", []),
        ("2025-03-10", "philadelphi", "held", ["www.brecorder.com", "anews.com.tr"]),
        ("2025-03-18", GAZA, "ended", ["lbc.co.uk", "brecorder.com", "tripuratoday.com"]),
        ("2025-03-19", "netzarim", "reversed",
         ["www.trtworld.com", "www.startribune.com", "www.theyeshivaworld.com"]),
    ]  # fmt: skip


def test_gaza_says_its_data_was_checked_up_to_october_2025(invoke: Callable[..., Any]) -> None:
    result = invoke("status", "--agreement", GAZA, "--date", "2026-12-01", "--format", "json",
                    env={"HANDOVER_DATA": ""})  # fmt: skip
    assert (
        "gaza-2025-ceasefire: data checked up to 2025-10-10; later events are not recorded"
        in result.stderr
    )


# --- the library as corrected in December 2026 (written by hand from the research sheets) ---

BUNDLED_FILES = [
    ROOT / "data" / "handover.yaml",
    *sorted((ROOT / "data" / "agreements").glob("*.yaml")),
]


def _sources_in(node: Any) -> list[dict[str, Any]]:
    """Every mapping listed under a `sources` key, at any depth (read with PyYAML, not the
    program's loader)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                found += value
            else:
                found += _sources_in(value)
    elif isinstance(node, list):
        for item in node:
            found += _sources_in(item)
    return found


def test_every_source_in_the_library_says_when_it_was_published() -> None:
    import yaml

    for path in BUNDLED_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["schema"] == 3, path.name
        assert data["agreement"].get("checked"), path.name  # every file says how far it reaches
        sources = _sources_in(data)
        assert sources, path.name
        undated = [s.get("url") or s.get("publisher") for s in sources if not s.get("published")]
        assert undated == [], path.name
        events = [*data["agreement"].get("events", [])]
        events += [e for h in data["handovers"] for e in h.get("events", [])]
        assert events and all(e.get("sources") for e in events), path.name  # each cites its news


# Every alias, as the research sheets attest it (a town's other spelling, its name in the
# other language, a name the sources use for the place); "Ras al-Naqoura" is not among
# Naqoura's: it was handed over on 7 January 2025, a day after Naqoura.
ATTESTED = {
    "kalbajar": ["Kelbajar", "Kelbadjar", "Kəlbəcər", "Karvachar"],
    "aghdam": ["Agdam", "Ağdam", "Akna"],
    "lachin": ["Laçın", "Berdzor"],
    "el-arish": ["Al-Arish", "العريش"],
    "st-catherine": ["St Catherine", "Santa Katerina", "Mount Sinai", "Jabal Musa"],
    "interim-line": ["Interim withdrawal", "Area Five", "Refidim", "Bir Gafgafa"],
    "sinai-final": ["Final withdrawal", "Sharm el-Sheikh", "Ophira", "Yamit", "Rafah"],
    "taba": ["طابا"],
    "withdrawal-700m": ["700 m line"],
    "rashid-street": [],
    "netzarim": ["Netzarim axis"],
    "philadelphi": ["Philadelphia corridor"],
    "khiam": ["Khiam", "El Khiam", "Khiyam", "الخيام"],
    "naqoura": ["al-Naqoura", "الناقورة"],
    "south-litani": ["South Litani", "South of the Litani"],
    "labbouneh": ["Labbouneh", "Labouneh", "Labuna", "al-Labbouneh", "اللبونة"],
    "jabal-blat": ["Mount Blat", "Jabal Balat", "جبل بلاط"],
    "jal-al-deir": ["جل الدير"],
    "markaba-houla": ["Markaba-Houla"],
    "hamames": ["Hamames", "Tallet al-Hamames", "Hammamis", "تلة الحمامص"],
    "zone-3-initial": ["Zone 3 initial"],
    "zone-1": ["Zone 1", "Zone I"],
    "zone-2": ["Zone 2", "Zone II"],
    "zone-3-final": ["Zone 3", "Zone III", "Kosovo"],
}


def test_every_alias_is_one_the_research_attests() -> None:
    import yaml

    found = {}
    for path in BUNDLED_FILES:
        for h in yaml.safe_load(path.read_text(encoding="utf-8"))["handovers"]:
            found[h["id"]] = h.get("aliases", [])
    assert found == ATTESTED


def test_ras_al_naqoura_is_not_answered_as_naqoura(invoke: Callable[..., Any]) -> None:
    result = invoke("show", "Ras al-Naqoura", "--date", "2025-01-10", env=LIBRARY)
    assert result.exit_code == 2  # no handover or agreement by that name (a usage error)
    assert result.stdout == "" and "Ras al-Naqoura" in result.stderr


def test_on_6_december_2026_the_five_positions_say_when_they_were_last_reported_held(
    invoke: Callable[..., Any],
) -> None:
    args = ("status", "--agreement", "israel-lebanon-2024", "--date", "2026-12-06")
    table = invoke(*args, env={**LIBRARY, "COLUMNS": "200"})
    assert table.exit_code == 0
    five = ["Labbouneh hill", "Jabal Blat", "Jal al-Deir", "Markaba-Houla road position",
            "Hamames hill"]  # fmt: skip
    lines = {line.split("  ")[0]: line for line in table.stdout.splitlines()}
    for name in five:
        # 18 Feb 2025 to 6 Dec 2026: 365 + 291 days; the last report naming them, WION's
        assert (
            lines[name]
            .rstrip()
            .endswith(
                "656 days overdue; deadline moved +23 days (1 revision); last news 3 Mar 2026"
            )
        ), name
    assert table.stdout.splitlines()[-1] == (  # the staleness line, under the table
        "israel-lebanon-2024: data checked up to 2026-07-05; later events are not recorded"
    )
    rows = {r["id"]: r for r in _json(invoke, *args)}
    ids = ["labbouneh", "jabal-blat", "jal-al-deir", "markaba-houla", "hamames"]
    assert {rows[h]["last_news"] for h in ids} == {"2026-03-03"}


def _known_from(published: str) -> str:
    """The last day a published date can mean: a day is itself, a month its last day, a year
    31 December (written out here rather than asked of the program)."""
    if len(published) == 10:
        return published
    if len(published) == 4:
        return f"{published}-12-31"
    last = {"02": "28", "04": "30", "06": "30", "09": "30", "11": "30"}.get(published[5:], "31")
    return f"{published}-{last}"


def test_taba_on_1_march_1989_cites_nothing_published_after_that_day(
    invoke: Callable[..., Any],
) -> None:
    shown = _json(invoke, "show", "taba", "--date", "1989-03-01")
    cited = [*shown["sources"], *(s for e in shown["events"] for s in e["sources"])]
    cited += [s for r in shown["revisions"] for s in r["sources"]]
    assert cited and all(_known_from(s["published"]) <= "1989-03-01" for s in cited)
    # the award's report and the 26 February agreement's, not the handover's (15 March)
    urls = {s["url"] for s in cited}
    assert "http://m.csmonitor.com/1988/0930/ota.html" in urls
    assert "https://www.sun-sentinel.com/news/fl-xpm-1989-02-27-8901110576-story.html" in urls
    table = invoke("show", "taba", "--date", "1989-03-01", env=LIBRARY).stdout
    assert "egyptian-flag-is-raised" not in table and "apnews.com" not in table
    assert "Postponed 1989-02-26: deadline 1989-03-15" in table


def test_taba_from_1982_to_1989_as_the_sheet_dates_it(invoke: Callable[..., Any]) -> None:
    found = _json(invoke, "changes", "--agreement", "egypt-israel-1979", "--since", "1982-04-26",
                  "--until", "1989-12-31")  # fmt: skip
    got = [(c["date"], c["id"], c["kind"], [u.split("/")[2] for u in c["sources"]]) for c in found]
    assert got == [
        ("1982-04-26", "taba", "missed", []),  # overdue from the day after the final withdrawal
        ("1988-09-29", "taba", "held", ["m.csmonitor.com"]),  # the award, still Israeli-held
        ("1989-02-26", "taba", "revised", ["www.sun-sentinel.com", "www.jta.org"]),
        ("1989-03-15", "taba", "completed",
         ["www.jta.org", "apnews.com", "www.latimes.com"]),
    ]  # fmt: skip


def test_lachins_later_story_is_dated_and_cited(invoke: Callable[..., Any]) -> None:
    before = invoke("show", "lachin", "--date", "2022-08-04", env=LIBRARY).stdout
    after = invoke("show", "lachin", "--date", "2022-08-26", env=LIBRARY).stdout
    for url in ["asbarez.com/residents-of-artsakhs-aghavno-village-told-to-evacuate-by-august-25",
                "news.am/eng/news/715066", "jam-news.net/construction-of-an-alternative-road",
                "azernews.az/nation/198529", "dailysabah.com/politics/diplomacy"]:  # fmt: skip
        assert url not in before and url in after, url
    words = " ".join(after.split())
    assert "the Karabakh authorities, under Azerbaijani pressure, told the residents" in words
    assert "Azerbaijan demanded" not in words
