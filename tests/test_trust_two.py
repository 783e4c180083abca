"""Trust, round two: each case here crashed, hung, leaked or answered wrongly on the release
before, and is written from what a user sees (exit code, stderr, stdout), by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import write

RULES = """\
schema: 2
agreement:
  id: accord
  title: Accord
  signed: 2021-03-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill
    from: North
    to: South
    deadline: {after: signed, days: 20250101}
  - id: vale
    name: Vale
    from: North
    to: South
    deadline:
      after: signed
      years: 1000000
  - id: dale
    name: Dale
    from: North
    to: South
    deadline: {after: signed, days: 1000000000000000000}
  - id: fine
    name: Fine
    from: North
    to: South
    deadline: {after: signed, years: 6978}
"""


def test_rule_dates_outside_the_years_a_date_may_have_are_refused_at_the_count(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, RULES)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    # signed + 6978 years is 8999-03-01: the last year a date may have, so accepted.
    assert result.stderr.splitlines() == [
        f"{path}:12:37: signed + 20250101 days falls outside the years 1000 to 8999, "
        "the years a date may have",
        f"{path}:19:14: signed + 1000000 years falls outside the years 1000 to 8999, "
        "the years a date may have",
        f"{path}:24:37: signed + 1000000000000000000 days falls outside the years 1000 to "
        "8999, the years a date may have",
    ]


def test_a_broken_rule_in_one_file_is_an_error_for_the_library_not_a_crash(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    write(folder, RULES, "broken.yaml")
    done = run("--data", str(folder), "status", "--all")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "OverflowError" not in done.stderr
    assert "falls outside the years 1000 to 8999" in done.stderr


LATE = """\
schema: 1
agreement:
  id: late
  title: Late
  signed: 2020-03-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill
    from: North
    to: South
    deadline: 8999-12-31
"""


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--svg", "{out}"],
        ["timeline", "--html", "{out}"],
        ["report", "--output", "{out}"],
        ["report", "--date", "0001-01-01", "--output", "{out}"],
        ["report", "--date", "0001-01-29", "--output", "{out}"],
        ["report", "--date", "9999-12-31", "--output", "{out}"],
        ["timeline", "--date", "9999-12-31", "--svg", "{out}"],
        ["timeline", "--date", "0001-01-01", "--svg", "{out}"],
        ["changes", "--since", "8999-01-01", "--until", "9999-12-31"],
        ["export", "--format", "ics", "--date", "9999-12-31"],
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_answered(
    invoke: Callable[..., Any], tmp_path: Path, args: list[str]
) -> None:
    """A deadline in 8999 with a 2020 start, and as-of dates in the years 1 and 9999."""
    path = write(tmp_path, LATE)
    out = tmp_path / "out"
    result = invoke("--data", str(path), *(a.replace("{out}", str(out)) for a in args))
    assert result.exit_code == 0, result.stderr
    if "{out}" in args:
        assert out.stat().st_size > 0


@pytest.mark.parametrize(
    "url", ["https://example.org/a\\tb", "https://exa\\nmple.org/", "https://e.org/\\e[1m"]
)
def test_a_url_with_a_control_character_is_refused_where_it_stands(
    invoke: Callable[..., Any], tmp_path: Path, url: str
) -> None:
    """Written with YAML escapes in a quoted string; the value starts on line 14, column 14."""
    text = LATE + f'    sources:\n      - url: "{url}"\n'
    path = write(tmp_path, text)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{path}:14:14: url: expected an http(s) URL")


def test_a_file_edited_while_a_library_is_answered_stops_it(tmp_path: Path) -> None:
    """The agreements were chosen by their summaries; one file then changes before its turn
    comes, and another run replaces its cache entry, so this run must read the file again.
    Answering from the changed file could list an agreement twice or miss one: the command
    stops instead (exit 1), as for a broken file."""
    from handover.errors import DataFileError
    from handover.library import load_library

    from .generate import write_library

    folder = tmp_path / "library"
    folder.mkdir()
    paths = write_library(folder, 3)
    load_library([str(folder)])  # a first run fills the cache
    library = load_library([str(folder)])  # a second run chooses from the summaries
    text = paths[2].read_text(encoding="utf-8")
    paths[2].write_text(text.replace("id: agreement-00002", "id: agreement-00000"), "utf-8")
    with pytest.raises(DataFileError):  # another run: two files now say agreement-00000
        load_library([str(folder)])
    streamed = library.stream(library.entries)
    assert next(streamed).agreement.id == "agreement-00000"
    assert next(streamed).agreement.id == "agreement-00001"
    with pytest.raises(DataFileError, match="changed while it was being read"):
        next(streamed)


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["upcoming"],
        ["delays"],
        ["export"],
        ["timeline"],
        ["changes", "--since", "2020-01-01"],
    ],
)
def test_all_and_agreement_together_are_a_usage_error(
    invoke: Callable[..., Any], args: list[str]
) -> None:
    result = invoke(*args, "--all", "--agreement", "nk-2020-trilateral", env={"HANDOVER_DATA": ""})
    assert result.exit_code == 2
    assert "--all and --agreement cannot be used together" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--date", "2020-11-20"],
        ["export", "--date", "2020-11-20", "--format", "json"],
        ["changes", "--since", "2020-11-01", "--until", "2020-11-20", "--format", "json"],
        ["agreements", "--date", "2020-11-20", "--format", "json"],
    ],
)
def test_all_is_accepted_where_agreements_are_chosen(
    invoke: Callable[..., Any], args: list[str]
) -> None:
    result = invoke(*args, "--all", env={"HANDOVER_DATA": ""})
    assert result.exit_code == 0, result.stderr


def test_all_covers_only_agreements_that_exist_on_the_date(invoke: Callable[..., Any]) -> None:
    """On 20 Mar 1989 only Egypt-Israel (1979) exists; Kumanovo (1999), NK (2020) and
    Israel-Lebanon (2024) do not yet."""
    result = invoke("status", "--all", "--date", "1989-03-20", "--format", "json",
                    env={"HANDOVER_DATA": ""})  # fmt: skip
    assert result.exit_code == 0, result.stderr
    import json

    assert {r["agreement"] for r in json.loads(result.stdout)} == {"egypt-israel-1979"}
    before_any = invoke("status", "--date", "1970-01-01", env={"HANDOVER_DATA": ""})
    assert "more agreement" not in before_any.stdout  # none exists on that day


def test_changes_counts_the_handovers_agreed_on_the_signing_day(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    text = MINIMAL_TWO
    path = write(tmp_path, text)
    result = invoke("--data", str(path), "changes", "--since", "2021-03-01", "--until",
                    "2021-03-01", "--format", "json")  # fmt: skip
    import json

    (signed,) = json.loads(result.stdout)
    assert signed["kind"] == "signed" and signed["detail"] == "1 handover agreed"


MINIMAL_TWO = """\
schema: 1
agreement:
  id: accord
  title: Accord
  signed: 2021-03-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill
    from: North
    to: South
    deadline: 2021-03-10
  - id: vale
    name: Vale
    from: North
    to: South
    agreed: 2021-03-05
    deadline: 2021-03-20
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.06, 0.1, 0.2])
def test_an_interrupt_at_any_moment_is_quiet_and_exits_130(delay: float) -> None:
    """Ctrl-C while the program loads or answers: no traceback, exit 130 as shells expect
    (or 0, if the answer was complete before the signal came). The signal is sent a moment
    after the program has begun loading its libraries (pydantic's compiled core appears
    among its mapped files): before that, Python itself is starting and the console script
    is importing the program, and an interrupt there is Python's to report (README: Exit
    codes). Waiting for that moment, rather than a fixed time, keeps the test true on a busy
    machine."""
    import os
    import signal
    import subprocess
    import time

    from .conftest import installed_command, unmeasured, wait_until_loading

    env = unmeasured({**os.environ, "HANDOVER_CACHE": "off", "HANDOVER_DATA": ""})
    proc = subprocess.Popen(
        [installed_command(), "report", "--all", "--date", "2025-03-02", "--output", "-"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    wait_until_loading(proc)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert proc.returncode in (130, 0), (proc.returncode, err)
    if proc.returncode == 130:
        assert err.strip() == ""


def test_a_file_name_with_escapes_and_a_newline_is_shown_escaped_on_one_line(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    name = "evil\x1b]0;owned\x07\x1b[31m\nsecond\u202eline.yaml"
    path = tmp_path / name
    path.write_text("schema: 1\nagreement: [\n", encoding="utf-8")  # a syntax error
    done = run("--data", str(path), "status")
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "\u202e" not in done.stderr
    (line,) = done.stderr.splitlines()  # one line, not split by the name's newline
    assert line.startswith(str(tmp_path) + "/evil\\x1b]0;owned\\x07\\x1b[31m\\nsecond\\u202eline")
    assert "YAML syntax error" in line


RLO, PDF = "\u202e", "\u202c"
OVERRIDE = MINIMAL_TWO.replace("name: Hill", f"name: Hill {RLO}reversed")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "csv"],
        ["export", "--format", "md"],
        ["export", "--format", "ics"],
        ["status", "--format", "csv"],
    ],
)
def test_a_right_to_left_override_in_a_name_is_closed_within_it(
    invoke: Callable[..., Any], tmp_path: Path, args: list[str]
) -> None:
    """Whatever follows the name on its line (the next CSV cell, the rest of a Markdown
    row) must not be reversed: the override is closed right after the name."""
    path = write(tmp_path, OVERRIDE)
    result = invoke("--data", str(path), *args, "--date", "2021-03-02")
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\r\n", "\n").replace("\n ", "")  # ICS lines unfolded
    assert f"Hill {RLO}reversed{PDF}" in text
    for line in text.splitlines():  # on every line, each override is closed
        assert line.count(RLO) == line.count(PDF), line


BACK_AND_FORTH = MINIMAL_TWO.replace(
    "    deadline: 2021-03-10\n",
    """    deadline: 2021-03-10
    revisions:
      - announced: 2021-03-02
        deadline: 2021-03-20
        reason: first
      - announced: 2021-03-02
        deadline: 2021-03-10
        reason: back again, the same day
      - announced: 2021-03-04
        deadline: 2021-03-20
        reason: and forth
""",
    1,
)


def test_two_revisions_on_one_day_are_two_feed_entries(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    import feedparser

    path = write(tmp_path, BACK_AND_FORTH)
    result = invoke("--data", str(path), "changes", "--since", "2021-03-01", "--until",
                    "2021-03-05", "--format", "atom")  # fmt: skip
    entries = feedparser.parse(result.stdout_bytes).entries
    revised = [e.id for e in entries if e.title == "Hill: revised"]
    assert revised == [
        "tag:handover,2020:accord/hill/revised/2021-03-02",
        "tag:handover,2020:accord/hill/revised/2021-03-02/2",
        "tag:handover,2020:accord/hill/revised/2021-03-04",
    ]
    assert len({e.id for e in entries}) == len(entries)


def test_calendar_uids_are_distinct_and_stamps_come_from_the_data(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    import icalendar

    path = write(tmp_path, BACK_AND_FORTH)
    first = invoke("--data", str(path), "export", "--format", "ics", "--date", "2021-03-05")
    again = invoke("--data", str(path), "export", "--format", "ics", "--date", "2021-03-05")
    assert first.stdout_bytes == again.stdout_bytes
    events = icalendar.Calendar.from_ical(first.stdout_bytes).walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), uids
    stamps = {str(e["UID"]): e.decoded("DTSTAMP").isoformat() for e in events}
    # Hill's deadline as known on 5 Mar was last shaped by the revision of 4 Mar; the
    # deadline of 10 Mar was replaced twice (on 2 Mar, then on 4 Mar); Vale (agreed 5 Mar)
    # was shaped by its agreement.
    assert stamps["accord.hill.deadline@handover"] == "2021-03-04T00:00:00+00:00"
    assert stamps["accord.hill.moved.2021-03-10@handover"] == "2021-03-02T00:00:00+00:00"
    assert stamps["accord.hill.moved.2021-03-10.2@handover"] == "2021-03-04T00:00:00+00:00"
    assert stamps["accord.vale.deadline@handover"] == "2021-03-05T00:00:00+00:00"


@pytest.mark.parametrize(
    "args", [["--help"], ["status", "--help"], ["--version"], ["status", "--date", "2020-11-20"]]
)
def test_every_command_ends_quietly_with_141_on_a_closed_pipe(args: list[str]) -> None:
    """The reader is gone before anything is written (`| head -0`, a closed socket)."""
    import os
    import subprocess

    from .conftest import installed_command, unmeasured

    read, write_end = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [installed_command(), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=unmeasured(dict(os.environ)),
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")


def _json_rows(invoke: Callable[..., Any], *args: str) -> Any:
    import json

    result = invoke(*args, "--format", "json", env={"HANDOVER_DATA": ""})
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_before_the_entry_into_force_nothing_counted_from_it_is_shown(
    invoke: Callable[..., Any],
) -> None:
    """Egypt-Israel: signed 26 Mar 1979, ratifications exchanged 25 Apr 1979. On 1 Apr the
    treaty is signed, not in force: no in_force date, no deadline counted from it, and no
    `agreed` that defaults to it; El Arish's deadline is a date the text writes out."""
    (listed,) = [
        a
        for a in _json_rows(invoke, "agreements", "--date", "1979-04-01")
        if a["id"] == "egypt-israel-1979"
    ]
    assert listed["in_force"] is None
    rows = {
        r["id"]: r
        for r in _json_rows(
            invoke, "status", "--agreement", "egypt-israel-1979", "--date", "1979-04-01"
        )
    }
    assert rows["st-catherine"]["status"] == "not-agreed"
    for key in ("agreed", "original_deadline", "deadline", "slip_days"):
        assert rows["st-catherine"][key] is None, key
    assert rows["st-catherine"]["deadline_rule"] == "in_force + 9 months"
    assert rows["el-arish"]["deadline"] == "1979-05-26" and rows["el-arish"]["agreed"] is None
    # From the day of the exchange, all of it is known: 25 Apr 1979 + 9 months.
    later = {
        r["id"]: r
        for r in _json_rows(
            invoke, "status", "--agreement", "egypt-israel-1979", "--date", "1979-04-25"
        )
    }
    assert later["st-catherine"]["deadline"] == "1980-01-25"
    assert later["st-catherine"]["agreed"] == "1979-04-25"


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["show", "st-catherine"],
        ["timeline"],
        ["export", "--format", "ics"],
        ["export", "--format", "md"],
    ],
)
def test_no_output_shows_a_deadline_counted_from_an_entry_into_force_to_come(
    invoke: Callable[..., Any], args: list[str]
) -> None:
    result = invoke(*args, "--agreement", "egypt-israel-1979", "--date", "1979-04-01",
                    env={"HANDOVER_DATA": ""}) if args[0] != "show" else invoke(
        *args, "--date", "1979-04-01", env={"HANDOVER_DATA": ""})  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\r\n ", "")
    counted_from_force = ("1980-01-25", "1982-04-25", "1979-04-25", "19800125", "19820425")
    for counted in (*counted_from_force, "25 Jan 1980"):
        assert counted not in text, counted


@pytest.mark.parametrize("variable", [":", "::"])
def test_an_empty_list_in_handover_data_is_a_usage_error(
    invoke: Callable[..., Any], variable: str
) -> None:
    for args in (["status"], ["record", "complete", "lachin", "--on", "2020-12-01"]):
        result = invoke(*args, env={"HANDOVER_DATA": variable})
        assert result.exit_code == 2, args
        assert f"HANDOVER_DATA='{variable}' names no file" in result.stderr


def test_record_refuses_a_file_inside_the_installed_package(
    invoke: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a regular install lays it out: the data beside the code, under site-packages (here
    an editable install runs from the source tree, so the layout is made in a folder)."""
    from handover import library

    package = tmp_path / "site-packages" / "handover"
    (package / "data").mkdir(parents=True)
    monkeypatch.setattr(library, "__file__", str(package / "library.py"))
    bundled = package / "data" / "handover.yaml"
    bundled.write_text(MINIMAL_TWO, encoding="utf-8")
    before = bundled.read_bytes()
    for named in (str(bundled), str(package / "data")):
        result = invoke("--data", named, "record", "complete", "hill", "--on", "2021-03-09")
        assert result.exit_code == 2, result.stderr
        assert "the data bundled with the program, which is read-only" in result.stderr
    assert bundled.read_bytes() == before
    copy = write(tmp_path, MINIMAL_TWO, "mine.yaml")  # a copy of it is the user's to edit
    result = invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-03-09")
    assert result.exit_code == 0, result.stderr


def test_the_charts_source_count_leaves_out_sources_published_later(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    text = MINIMAL_TWO.replace(
        "    deadline: 2021-03-10\n",
        "    deadline: 2021-03-10\n    sources:\n"
        "      - {publisher: Early wire, published: 2021-03-05}\n"
        "      - {publisher: Late wire, published: 2021-03-20}\n",
        1,
    )
    path = write(tmp_path, text)
    counts = {}
    for day in ("2021-03-10", "2021-03-25"):
        svg = tmp_path / f"{day}.svg"
        result = invoke("--data", str(path), "timeline", "--date", day, "--svg", str(svg))
        assert result.exit_code == 0, result.stderr
        counts[day] = svg.read_text(encoding="utf-8")
    assert "1 sources cited" in counts["2021-03-10"]
    assert "2 sources cited" in counts["2021-03-25"]


def test_a_time_zone_too_long_for_a_file_name_is_an_unknown_zone(tmp_path: Path) -> None:
    """Found by the mutation test: ZoneInfo reads the name as a path, and a name over 255
    bytes raised OSError (a traceback) instead of the unknown-zone message."""
    from handover.errors import DataFileError
    from handover.library import parse

    text = MINIMAL_TWO.replace("  parties:", "  timezone: Asia/" + "B" * 300 + "\n  parties:")
    with pytest.raises(DataFileError) as caught:
        parse(text, "tz.yaml")
    assert any("unknown time zone" in line for line in caught.value.lines)


def test_an_interrupt_python_would_only_print_is_kept_quiet_and_ends_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An interrupt that lands in a callback Python runs for itself is not raised: Python
    prints "Exception ignored in ..." with a traceback. The entry point's hook keeps it
    quiet and remembers it (the run then ends with 130); other such errors go to the hook
    that was there before."""
    from types import SimpleNamespace

    from handover import entry

    monkeypatch.setattr(entry, "_interrupted", False)
    passed_on: list[object] = []
    other = SimpleNamespace(exc_value=ValueError("x"))
    entry._unraisable(other, passed_on.append)
    assert passed_on == [other] and entry._interrupted is False
    entry._unraisable(SimpleNamespace(exc_value=KeyboardInterrupt()), passed_on.append)
    assert passed_on == [other] and entry._interrupted is True
    with pytest.raises(SystemExit) as ended:
        entry.interrupted()
    assert ended.value.code == 130
