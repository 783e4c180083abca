"""Outputs people use: Markdown, iCalendar, --output, and `changes`."""

from __future__ import annotations

import json
import os
import resource
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest

from .conftest import MINIMAL, installed_command, unmeasured, write

GOLDEN = Path(__file__).parent / "golden"


def events(ics: bytes) -> dict[str, tuple[str, date]]:
    calendar = icalendar.Calendar.from_ical(ics)
    return {
        str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART")) for e in calendar.walk("VEVENT")
    }


def test_markdown_matches_the_golden_file(invoke: Callable[..., Any]) -> None:
    result = invoke("export", "--format", "md", "--date", "2020-11-20")
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "export-2020-11-20.md").read_text(encoding="utf-8")


def test_markdown_escapes_pipes(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("name: Hill District", "name: Hill | Vale"))
    result = invoke("--data", str(path), "export", "--format", "md", "--date", "2021-03-02")
    assert "| Hill \\| Vale |" in result.stdout


def test_ics_holds_every_deadline_and_completion_on_the_right_day(
    invoke: Callable[..., Any],
) -> None:
    result = invoke("export", "--format", "ics", "--date", "2020-12-05")
    assert result.exit_code == 0
    found = events(result.stdout_bytes)
    day = date.fromisoformat
    expected_days = {
        "nk-2020-trilateral.kalbajar.deadline@handover": day("2020-11-25"),
        "nk-2020-trilateral.kalbajar.moved.2020-11-15@handover": day("2020-11-15"),
        "nk-2020-trilateral.kalbajar.completed@handover": day("2020-11-25"),
        "nk-2020-trilateral.aghdam.deadline@handover": day("2020-11-20"),
        "nk-2020-trilateral.aghdam.completed@handover": day("2020-11-20"),
        "nk-2020-trilateral.lachin.deadline@handover": day("2020-12-01"),
        "nk-2020-trilateral.lachin.completed@handover": day("2020-12-01"),
    }
    assert {uid: when for uid, (_, when) in found.items()} == expected_days
    assert found["nk-2020-trilateral.kalbajar.moved.2020-11-15@handover"][0].startswith("Moved:")


def test_ics_uids_are_stable_so_reimports_update(invoke: Callable[..., Any]) -> None:
    before = events(invoke("export", "--format", "ics", "--date", "2020-11-14").stdout_bytes)
    after = events(invoke("export", "--format", "ics", "--date", "2020-11-20").stdout_bytes)
    uid = "nk-2020-trilateral.kalbajar.deadline@handover"
    assert before[uid][1] == date(2020, 11, 15)
    assert after[uid][1] == date(2020, 11, 25)  # same event, moved
    assert set(before) < set(after)  # only the "moved" event is new


def test_output_writes_the_file_and_nothing_on_stdout(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    result = invoke("export", "--format", "json", "--date", "2020-11-20", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert [r["id"] for r in json.loads(target.read_text())] == ["kalbajar", "aghdam", "lachin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_output_into_a_missing_folder_fails_cleanly(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.csv"
    result = invoke("export", "--output", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{target}: cannot write: No such file or directory"
    assert not target.parent.exists()


def test_a_failing_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old content\n")

    def small_files() -> None:  # writes past 100 bytes fail with EFBIG, even for root
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    env = unmeasured({**os.environ, "HANDOVER_DATA": ""})
    result = subprocess.run(
        [installed_command(), "export", "--date", "2020-11-20", "--output", str(target)],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=small_files,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_changes_on_the_shipped_data(invoke: Callable[..., Any]) -> None:
    result = invoke("changes", "--since", "2020-11-12", "--until", "2020-12-01", "--format", "json")
    rows = [(r["date"], r["id"], r["kind"]) for r in json.loads(result.stdout)]
    assert rows == [
        ("2020-11-15", "kalbajar", "revised"),
        ("2020-11-20", "aghdam", "completed"),
        ("2020-11-25", "kalbajar", "completed"),
        ("2020-12-01", "lachin", "completed"),
    ]


def test_changes_on_an_agreement_with_a_missed_deadline(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    result = invoke(
        "--data",
        str(path),
        "changes",
        "--since",
        "2021-03-01",
        "--until",
        "2021-03-15",
        "--format",
        "csv",
    )
    assert result.stdout.splitlines() == [
        "date,id,name,kind,detail,agreement,sources",
        "2021-03-01,test-accord,Test accord,signed,1 handover agreed,test-accord,",
        "2021-03-10,hill,Hill District,due,deadline 2021-03-10; no completion recorded,"
        "test-accord,",
        "2021-03-11,hill,Hill District,missed,"
        "deadline 2021-03-10 passed with no completion recorded,test-accord,",
    ]


def test_changes_until_before_since_is_a_usage_error(invoke: Callable[..., Any]) -> None:
    result = invoke("changes", "--since", "2020-12-01", "--until", "2020-11-01")
    assert result.exit_code == 2
    assert "is before --since" in result.stderr


# --- timeline -------------------------------------------------------------------------------


def test_timeline_chart_matches_the_golden_file(invoke: Callable[..., Any]) -> None:
    result = invoke("timeline", "--date", "2020-11-20", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "timeline-2020-11-20.txt").read_text(encoding="utf-8")


def test_timeline_shows_the_kalbajar_postponement_only_once_announced(
    invoke: Callable[..., Any],
) -> None:
    def kalbajar_row(on: str) -> str:
        out: str = invoke("timeline", "--date", on, env={"COLUMNS": "80"}).stdout
        return next(line for line in out.splitlines() if line.startswith("Kalbajar"))

    assert "x" not in kalbajar_row("2020-11-14")  # the 15th is still the deadline
    moved = kalbajar_row("2020-11-20")
    assert moved.index("x") < moved.index("d")  # the 15th moved, the 25th in force
    assert "✓" in kalbajar_row("2020-11-26") and "d" not in kalbajar_row("2020-11-26")[18:]


def test_timeline_svg_and_html(run: Callable[..., Any], tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = run("timeline", "--date", "2020-11-20", "--svg", str(svg), "--html", str(html))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert svg.read_text().startswith("<svg") and ">Kalbajar District<" in svg.read_text()
    assert "Kalbajar District" in html.read_text() and "<html" in html.read_text().lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.html", "t.svg"]


def test_timeline_svg_into_a_missing_folder(invoke: Callable[..., Any], tmp_path: Path) -> None:
    target = tmp_path / "no" / "t.svg"
    result = invoke("timeline", "--svg", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{target}: cannot write: No such file or directory"


def test_changes_detail_for_late_and_revised_completions(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL + "    completed: 2021-03-12\n")
    late = invoke(
        "--data",
        str(path),
        "changes",
        "--since",
        "2021-03-10",
        "--until",
        "2021-03-31",
        "--format",
        "json",
    )
    assert [(c["date"], c["kind"], c["detail"]) for c in json.loads(late.stdout)] == [
        ("2021-03-10", "due", "deadline 2021-03-10; no completion recorded"),
        ("2021-03-11", "missed", "deadline 2021-03-10 passed with no completion recorded"),
        ("2021-03-12", "completed", "completed late, 2 days after the original deadline"),
    ]
    kalbajar = invoke(
        "changes", "--since", "2020-11-25", "--until", "2020-11-25", "--format", "json"
    )
    assert json.loads(kalbajar.stdout)[0]["detail"] == (  # then the event's note, as written
        "completed on time by the revised deadline, 10 days after the original: Azerbaijani "
        "army units entered the district from the Dashkasan and Goygol directions; "
        "Armenian-side media put the handover at 00:00 Yerevan time."
    )


# --- goldens of what people read, at a fixed width ----------------------------------------

TABLE_GOLDENS = [
    ("status-2020-11-20.txt", "80", ["status", "--date", "2020-11-20"]),
    ("status-2020-11-20-40-columns.txt", "40", ["status", "--date", "2020-11-20"]),
    ("delays-2020-12-05.txt", "80", ["delays", "--date", "2020-12-05"]),
    ("show-lachin-2022-09-01.txt", "80", ["show", "lachin", "--date", "2022-09-01"]),
    (
        "changes-2020-11-09-2020-12-02.txt",
        "80",
        ["changes", "--since", "2020-11-09", "--until", "2020-12-02"],
    ),
]


@pytest.mark.parametrize("golden,width,args", TABLE_GOLDENS, ids=[g for g, _, _ in TABLE_GOLDENS])
def test_tables_match_their_golden_files(
    invoke: Callable[..., Any], golden: str, width: str, args: list[str]
) -> None:
    result = invoke(*args, env={"COLUMNS": width})
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


def test_notes_get_room_beside_a_long_name_at_80_columns(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    """A long name took all the spare width, and a one-line note wrapped a word a line; the
    widths are now chosen for the fewest lines. Worked by hand: beside the fixed columns
    (status, deadline, completed), name and notes share 42 characters; the name (65 letters)
    takes 3 lines at 29 or more, the note (26) 2 lines at 13, so the row needs 3 lines."""
    long_name = "Sinai west of the El Arish-Ras Muhammad line (interim withdrawal)"
    path = write(tmp_path, MINIMAL.replace("name: Hill District", f"name: {long_name}"))
    result = invoke("--data", str(path), "status", "--date", "2021-03-01", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    body = [line for line in lines[3:] if line.strip()]
    assert len(body) == 3, result.stdout
