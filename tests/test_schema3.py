"""Schema 3: a handover's life as dated events, folded as of a date (README: What is known as
of a date). Every expected value is worked out by hand from the rules and the file
tests/schema3/gaza.yaml (day 1 = 19 Jan 2025, the entry into force: day 22 is 9 Feb, day 42
is 1 Mar, day 50 is 9 Mar, day 7 is 25 Jan); none comes from the code under test. Positions
are read off the file's own lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handover.errors import DataFileError
from handover.library import parse

from .conftest import write

GAZA = Path(__file__).parent / "schema3" / "gaza.yaml"


def _rows(invoke: Callable[..., Any], day: str) -> dict[str, dict[str, Any]]:
    result = invoke("--data", str(GAZA), "status", "--date", day, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r for r in json.loads(result.stdout)}


# (day, handover) -> (status, days_to_deadline, deadline) as README's worked example says
WORKED = [
    ("2025-02-01", "netzarim", "pending", 8, "2025-02-09"),
    ("2025-02-10", "netzarim", "completed", None, "2025-02-09"),
    ("2025-03-20", "netzarim", "reversed", None, "2025-02-09"),
    ("2025-02-28", "philadelphi", "pending", 9, "2025-03-09"),
    ("2025-03-02", "philadelphi", "late-start", 7, "2025-03-09"),
    ("2025-03-09", "philadelphi", "due", 0, "2025-03-09"),
    ("2025-03-10", "philadelphi", "overdue", -1, "2025-03-09"),
    ("2025-03-18", "philadelphi", "lapsed", None, "2025-03-09"),
    ("2026-12-01", "philadelphi", "lapsed", None, "2025-03-09"),
]


@pytest.mark.parametrize(("day", "hid", "status", "left", "deadline"), WORKED)
def test_the_worked_gaza_example(
    invoke: Callable[..., Any], day: str, hid: str, status: str, left: int | None, deadline: str
) -> None:
    r = _rows(invoke, day)[hid]
    assert (r["status"], r["days_to_deadline"], r["deadline"]) == (status, left, deadline)


def test_day_rules_count_day_one_as_the_start(invoke: Callable[..., Any]) -> None:
    rows = _rows(invoke, "2025-01-20")
    assert rows["netzarim"]["deadline_rule"] == "in_force day 22"
    assert rows["netzarim"]["original_deadline"] == "2025-02-09"  # 19 Jan + 21 days
    assert rows["philadelphi"]["begin_by"] == "2025-03-01"  # day 42
    assert rows["line"]["deadline"] == "2025-01-25"  # day 7


def test_a_completion_taken_back_keeps_both_dates(invoke: Callable[..., Any]) -> None:
    on_time = _rows(invoke, "2025-02-10")["netzarim"]
    assert (on_time["completed"], on_time["on_time"], on_time["delay_days"]) == (
        "2025-02-09",
        True,
        0,
    )
    back = _rows(invoke, "2025-03-20")["netzarim"]
    assert (back["completed"], back["reversed"]) == ("2025-02-09", "2025-03-19")
    assert back["on_time"] is None and back["delay_days"] is None  # status reversed
    assert back["last_news"] == "2025-03-19"


def test_held_feeds_last_news_and_changes_nothing_else(invoke: Callable[..., Any]) -> None:
    before, after = _rows(invoke, "2025-02-26"), _rows(invoke, "2025-02-28")
    assert before["philadelphi"]["last_news"] is None
    assert after["philadelphi"]["last_news"] == "2025-02-27"
    assert before["philadelphi"]["status"] == after["philadelphi"]["status"] == "pending"


def test_unclear_then_lapsed_when_the_agreement_ends(invoke: Callable[..., Any]) -> None:
    assert _rows(invoke, "2025-01-31")["line"]["status"] == "overdue"
    assert _rows(invoke, "2025-02-01")["line"]["status"] == "unclear"
    assert _rows(invoke, "2025-03-17")["line"]["status"] == "unclear"
    assert _rows(invoke, "2025-03-18")["line"]["status"] == "lapsed"


def test_a_postponement_with_no_date_leaves_the_deadline_open(
    invoke: Callable[..., Any],
) -> None:
    open_ = _rows(invoke, "2025-01-25")["rashid"]
    assert (open_["status"], open_["deadline"], open_["slip_days"]) == ("postponed", None, None)
    assert open_["revision_count"] == 1
    moved = _rows(invoke, "2025-01-26")["rashid"]
    assert (moved["status"], moved["deadline"], moved["revision_count"]) == (
        "pending",
        "2025-01-27",
        2,
    )
    assert moved["slip_days"] == 2  # 25 Jan to 27 Jan


def test_the_table_says_what_a_reader_needs(invoke: Callable[..., Any]) -> None:
    def notes(day: str) -> str:
        result = invoke("--data", str(GAZA), "status", "--date", day, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.stderr
        return " ".join(result.stdout.split())

    assert "start missed on 2 Mar 2025; 7 days left" in notes("2025-03-02")
    assert "lapsed: the agreement collapsed on 18 Mar 2025, 9 days after the deadline" in (
        notes("2025-03-20")
    )
    assert "taken back on 19 Mar 2025" in notes("2025-03-20")
    assert "postponed on 25 Jan 2025, no new date" in notes("2025-01-25")


def test_an_ended_agreement_leaves_play_30_days_after_its_last_event(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    """With a second agreement loaded, the first is in play until 30 days after its last
    event (Netzarim retaken on 19 Mar 2025): on 18 Apr, not on 19 Apr."""
    other = write(tmp_path, GAZA.read_text(encoding="utf-8").replace("id: gaza-test", "id: other"))
    for day, shown in (("2025-04-18", True), ("2025-04-19", False)):
        result = invoke("--data", str(GAZA), "--data", str(other), "agreements", "--date", day,
                        "--format", "json")  # fmt: skip
        listed = {a["id"]: a for a in json.loads(result.stdout)}
        assert listed["gaza-test"]["in_play"] is shown, day


BROKEN = {
    "revisions": (
        "    deadline: {after: in_force, day: 22}\n",
        "    deadline: {after: in_force, day: 22}\n    completed: 2025-02-09\n",
        "27:5: completed is not a schema 3 key; write it as events (kind: postponed, "
        "kind: completed)",
    ),
    "reversed first": (
        "      - date: 2025-02-09\n        kind: completed\n",
        "      - date: 2025-02-09\n        kind: reversed\n",
        "29:15: reversed, but it was not completed",
    ),
    "out of order": (
        "      - date: 2025-03-19\n        kind: reversed\n",
        "      - date: 2025-02-01\n        kind: reversed\n",
        "33:15: events are out of date order: 2025-02-01 comes after 2025-02-09",
    ),
    "held while completed": (
        "      - date: 2025-03-19\n        kind: reversed\n",
        "      - date: 2025-03-19\n        kind: held\n",
        "34:15: held, but it stands completed (a reversed event must come first)",
    ),
    "begin_by late": (
        "    begin_by: {after: in_force, day: 42}\n",
        "    begin_by: {after: in_force, day: 51}\n",
        "42:15: begin_by 2025-03-10 is later than the deadline (2025-03-09)",
    ),
    "undated source": (
        "    - publisher: Mediators' statement\n      published: 2025-01-15\n",
        "    - publisher: Mediators' statement\n",
        "11:7: in schema 3, every agreement and handover source says when it was published "
        "(published: a day, a month or a year)",
    ),
    "postponed without reason": (
        "        reason: Agreed after the release\n",
        "",
        "71:9: events: a postponed event needs a reason",
    ),
    "ended without how": ("      how: collapsed\n", "", "14:7: events: an ended event needs how"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_schema_three_refusals_are_placed(case: str) -> None:
    old, new, message = BROKEN[case]
    text = GAZA.read_text(encoding="utf-8")
    assert old in text, case
    with pytest.raises(DataFileError) as caught:
        parse(text.replace(old, new, 1), "g.yaml")
    assert any(line.startswith(f"g.yaml:{message}") for line in caught.value.lines), (
        caught.value.lines
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("schema: 1", "schema: 1\n", "events needs schema: 3 (this file says 1)"),
        ("deadline: 2021-03-10", "deadline: {after: signed, day: 9}", "a rule's ordinal day needs"),
    ],
)
def test_schema_three_keys_in_an_older_file_ask_for_schema_3(
    old: str, new: str, message: str
) -> None:
    from .conftest import MINIMAL

    text = MINIMAL.replace(old, new, 1)
    if "events" in message:
        text += "    events:\n      - date: 2021-03-09\n        kind: completed\n"
    with pytest.raises(DataFileError) as caught:
        parse(text.replace("schema: 1", "schema: 2"), "old.yaml")
    assert any(message.replace("says 1", "says 2") in line for line in caught.value.lines)
    assert any("handover migrate FILE" in line for line in caught.value.lines)


def test_a_source_dated_to_a_month_is_known_from_its_last_day(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    text = GAZA.read_text(encoding="utf-8").replace(
        "            published: 2025-02-27\n", "            published: 2025-02\n"
    )
    path = write(tmp_path, text)
    for day, news in (("2025-02-27", None), ("2025-02-28", "2025-02-28")):
        result = invoke("--data", str(path), "status", "philadelphi", "--date", day,
                        "--format", "json")  # fmt: skip
        (r,) = json.loads(result.stdout)
        # the held event of 27 Feb is news from that day; its source (Feb 2025) from 28 Feb
        assert r["last_news"] == ("2025-02-27" if news is None else news), day


def test_an_editor_accepts_a_schema_three_file_against_the_json_schema() -> None:
    import jsonschema

    from .conftest import ROOT, as_an_editor_reads

    schema = json.loads((ROOT / "data" / "handover.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(as_an_editor_reads(GAZA.read_text(encoding="utf-8")), schema)
    broken = GAZA.read_text(encoding="utf-8").replace("kind: held", "kind: stalled")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_an_editor_reads(broken), schema)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Netzarim and Rashid completed; Philadelphi late-start and the line unclear: pending
        ("2025-03-02", (4, 2, 2, 0, "in-force", None, None)),
        # Netzarim reversed, Philadelphi and the line lapsed: none counted; Rashid completed
        ("2025-03-20", (4, 1, 0, 0, "ended", "2025-03-18", "collapsed")),
        ("2025-01-18", (4, 0, 4, 0, "signed", None, None)),  # before the entry into force
    ],
)
def test_agreements_counts_and_state(
    invoke: Callable[..., Any], day: str, expected: tuple[Any, ...]
) -> None:
    result = invoke("--data", str(GAZA), "agreements", "--date", day, "--format", "json")
    (a,) = json.loads(result.stdout)
    keys = ("handovers", "completed", "pending", "overdue", "state", "ended", "ended_how")
    assert tuple(a[k] for k in keys) == expected


def test_changes_list_each_event_with_its_own_sources(invoke: Callable[..., Any]) -> None:
    """From 1 Feb to 31 Mar 2025 (README: changes), worked by hand from the file: each row
    cites only its own event's sources; the computed rows cite none."""
    result = invoke("--data", str(GAZA), "changes", "--since", "2025-02-01", "--until",
                    "2025-03-31", "--format", "json")  # fmt: skip
    got = [(c["date"], c["id"], c["kind"], c["sources"]) for c in json.loads(result.stdout)]
    assert got == [
        ("2025-02-01", "line", "unclear", []),
        ("2025-02-09", "netzarim", "completed", ["https://example.org/netzarim-left"]),
        ("2025-02-27", "philadelphi", "held", []),  # a publisher, no URL
        ("2025-03-02", "philadelphi", "missed-start", []),
        ("2025-03-09", "philadelphi", "due", []),
        ("2025-03-10", "philadelphi", "missed", []),
        ("2025-03-18", "gaza-test", "ended", ["https://example.org/collapse"]),
        ("2025-03-19", "netzarim", "reversed", ["https://example.org/netzarim-retaken"]),
    ]


def test_status_filters_by_status_over_every_agreement(invoke: Callable[..., Any]) -> None:
    """--status covers every agreement that exists on the date (as --all), and keeps the
    handovers with the statuses listed: on 1 Mar 2025 in this file, the pending ones are
    Philadelphi alone (Rashid and Netzarim completed, the line unclear)."""
    result = invoke("--data", str(GAZA), "status", "--date", "2025-03-01", "--status",
                    "pending,late-start", "--format", "json")  # fmt: skip
    assert [r["id"] for r in json.loads(result.stdout)] == ["philadelphi"]
    both = invoke("--data", str(GAZA), "export", "--date", "2025-03-20", "--status",
                  "lapsed,reversed", "--format", "json")  # fmt: skip
    assert [r["id"] for r in json.loads(both.stdout)] == ["netzarim", "philadelphi", "line"]
    quiet = invoke("--data", str(GAZA), "status", "--date", "2025-03-10", "--status",
                   "completed", "--fail-if-overdue")  # fmt: skip
    assert quiet.exit_code == 0  # Philadelphi is overdue, but not listed
    wrong = invoke("--data", str(GAZA), "status", "--status", "late")
    assert wrong.exit_code == 2 and "late is not a status" in wrong.stderr


def test_show_an_agreement(invoke: Callable[..., Any]) -> None:
    """show AGREEMENT: its agreements row, with `handovers` the list of their rows (the
    README names both so), then time zone, events and sources as of the date."""
    result = invoke("--data", str(GAZA), "show", "gaza-test", "--date", "2025-03-20",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert list(shown)[:5] == ["id", "title", "signed", "in_force", "parties"]
    assert [h["id"] for h in shown["handovers"]] == ["netzarim", "philadelphi", "line", "rashid"]
    assert (shown["state"], shown["ended"], shown["ended_how"]) == (
        "ended",
        "2025-03-18",
        "collapsed",
    )
    assert shown["timezone"] == "UTC"
    assert [(e["date"], e["kind"], e["how"]) for e in shown["events"]] == [
        ("2025-03-18", "ended", "collapsed")
    ]
    before = json.loads(
        invoke(
            "--data", str(GAZA), "show", "gaza-test", "--date", "2025-03-01", "--format", "json"
        ).stdout
    )
    assert before["events"] == [] and before["state"] == "in-force"
    table = invoke("--data", str(GAZA), "show", "gaza-test", "--date", "2025-03-20")
    assert "ended (collapsed) on 18 Mar 2025" in table.stdout


def test_upcoming_is_a_calendar_to_subscribe_to(invoke: Callable[..., Any]) -> None:
    """On 20 Feb 2025 in this file: Philadelphi's deadline (9 Mar) and its start (1 Mar) are
    still to come; a fixed calendar name; the same bytes on a second run."""
    import icalendar

    args = ("--data", str(GAZA), "upcoming", "--date", "2025-02-20", "--format", "ics")
    first, again = invoke(*args), invoke(*args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout_bytes == again.stdout_bytes
    calendar = icalendar.Calendar.from_ical(first.stdout_bytes)
    assert str(calendar["X-WR-CALNAME"]) == "Handover deadlines"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == [
        "gaza-test.philadelphi.begin-by@handover",
        "gaza-test.philadelphi.deadline@handover",
    ]
    assert events["gaza-test.philadelphi.deadline@handover"].decoded("DTSTART").isoformat() == (
        "2025-03-09"
    )
    assert events["gaza-test.philadelphi.begin-by@handover"].decoded("DTSTART").isoformat() == (
        "2025-03-01"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  in_force: 2025-01-19\n",
            "  in_force: 2025-01-19\n  checked: 2025-03-01\n",
            "9:12: checked 2025-03-01 is before the file's last event (2025-03-19)",
        ),
        (
            "    - date: 2025-03-18\n      kind: ended\n      how: collapsed\n",
            "    - date: 2025-03-18\n      kind: resumed\n",
            "15:13: resumed, but the agreement was not suspended",
        ),
        (
            "          url: https://example.org/collapse\n",
            "          url: https://example.org/collapse\n    - date: 2025-03-20\n"
            "      kind: suspended\n",
            "21:13: the agreement ended on 2025-03-18; no agreement event can follow",
        ),
    ],
)
def test_agreement_level_refusals(old: str, new: str, message: str) -> None:
    text = GAZA.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(DataFileError) as caught:
        parse(text.replace(old, new, 1), "g.yaml")
    assert any(line.startswith(f"g.yaml:{message}") for line in caught.value.lines), (
        caught.value.lines
    )


def test_a_suspended_agreement_suspends_what_is_open(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    text = GAZA.read_text(encoding="utf-8").replace(
        "  events:\n    - date: 2025-03-18\n",
        "  events:\n    - date: 2025-02-20\n      kind: suspended\n"
        "    - date: 2025-02-25\n      kind: resumed\n    - date: 2025-03-18\n",
    )
    path = write(tmp_path, text)

    def status(day: str) -> str:
        result = invoke("--data", str(path), "status", "philadelphi", "--date", day,
                        "--format", "json")  # fmt: skip
        return str(json.loads(result.stdout)[0]["status"])

    assert [status(d) for d in ("2025-02-19", "2025-02-20", "2025-02-24", "2025-02-25")] == [
        "pending",
        "suspended",
        "suspended",
        "pending",
    ]


def test_since_takes_a_month_and_days_ago(invoke: Callable[..., Any]) -> None:
    """changes --since 2025-02 starts on 1 Feb; `N days ago` counts back from today (here
    the as-of of --until does not matter: from 30 days ago to today in 2026, nothing)."""
    month = invoke("--data", str(GAZA), "changes", "--since", "2025-02", "--until",
                   "2025-02-10", "--format", "json")  # fmt: skip
    assert [c["date"] for c in json.loads(month.stdout)] == ["2025-02-01", "2025-02-09"]
    ago = invoke("--data", str(GAZA), "changes", "--since", "30 days ago", "--format", "json")
    assert ago.exit_code == 0 and json.loads(ago.stdout) == []
    wrong = invoke("--data", str(GAZA), "status", "--date", "2025-02")  # a month is not a day
    assert wrong.exit_code == 2


def test_show_lists_every_event_known_on_the_date_with_its_sources(
    invoke: Callable[..., Any],
) -> None:
    """Netzarim left on 9 Feb (reported by .../netzarim-left) and retaken on 19 Mar
    (.../netzarim-retaken): on 1 Mar the first is shown with its report, the second is not."""
    early = invoke("--data", str(GAZA), "show", "netzarim", "--date", "2025-03-01")
    assert early.exit_code == 0, early.stderr
    lines = early.stdout.splitlines()
    at = lines.index("Completed 2025-02-09")
    assert lines[at + 2].strip() == "https://example.org/netzarim-left"
    assert "Taken back" not in early.stdout and "netzarim-retaken" not in early.stdout
    late = invoke("--data", str(GAZA), "show", "netzarim", "--date", "2025-03-20")
    lines = late.stdout.splitlines()
    assert lines.index("Completed 2025-02-09") < lines.index("Taken back 2025-03-19")
    assert "https://example.org/netzarim-retaken" in late.stdout
    # a held report with its note; a postponement without a new date says so
    held = invoke("--data", str(GAZA), "show", "philadelphi", "--date", "2025-03-01")
    assert "Reported still held 2025-02-27\nWe will not leave.\n" in held.stdout
    rashid = invoke("--data", str(GAZA), "show", "rashid", "--date", "2025-01-25")
    assert "Postponed 2025-01-25: no new date\nBlocked over a hostage's release\n" in (
        rashid.stdout
    )


def test_the_report_cites_the_sources_of_events_and_of_the_agreement(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    """The collapse (.../collapse) and the corridor's reports are cited only by events: the
    report of 20 Mar lists them; that of 1 Mar lists the withdrawal but not what came later."""
    page = tmp_path / "r.html"
    for day, present, absent in [
        ("2025-03-20", ["collapse", "netzarim-left", "netzarim-retaken"], []),
        ("2025-03-01", ["netzarim-left"], ["collapse", "netzarim-retaken"]),
    ]:
        result = invoke("--data", str(GAZA), "report", "--date", day, "--output", str(page))
        assert result.exit_code == 0, result.stderr
        html = page.read_text(encoding="utf-8")
        for name in present:
            assert f'href="https://example.org/{name}"' in html, (day, name)
        for name in absent:
            assert f"example.org/{name}" not in html, (day, name)


def test_validate_counts_a_schema_three_file_in_events(invoke: Callable[..., Any]) -> None:
    # gaza.yaml, counted by hand: the agreement's end, and 2 + 1 + 1 + 3 handover events
    # (Netzarim, Philadelphi, the line, Rashid); sources: the agreement's, its end's, 2 of
    # Netzarim's events, 1 of Philadelphi's, 1 of Rashid's first postponement
    result = invoke("validate", str(GAZA))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("4 handovers, 8 events, 6 sources\n")


def test_upcoming_lists_a_handover_late_to_start(invoke: Callable[..., Any]) -> None:
    """On 2 March Philadelphi missed its start (day 42, 1 March) but its deadline (day 50,
    9 March) is still ahead: it is upcoming, in the table and in the calendar."""
    found = invoke("--data", str(GAZA), "upcoming", "--date", "2025-03-02", "--format", "json")
    assert [(r["id"], r["status"], r["deadline"]) for r in json.loads(found.stdout)] == [
        ("philadelphi", "late-start", "2025-03-09")
    ]
