"""Schema 2: entry into force, deadlines written as rules, and when the data was checked.
Every expected date here is worked out by hand (calendar arithmetic, as README's examples)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from handover.errors import DataFileError
from handover.library import parse
from handover.models import Rule

from .conftest import as_an_editor_reads, write

TREATY = """\
schema: 2
agreement:
  id: treaty
  title: A treaty
  signed: 1979-03-26
  in_force: 1979-04-25
  checked: 1982-05-01
  parties: [East, West]
handovers:
  - id: interim
    name: Interim line
    from: East
    to: West
    deadline:
      after: in_force
      months: 9
  - id: final
    name: Final line
    from: East
    to: West
    deadline:
      after: in_force
      years: 3
    completed: 1982-04-25
  - id: early
    name: Early post
    from: East
    to: West
    agreed: 1979-03-26
    deadline:
      after: signed
      weeks: 2
"""


@pytest.mark.parametrize(
    "start,unit,count,expected",
    [
        (date(1979, 4, 25), "months", 9, date(1980, 1, 25)),  # README's example
        (date(2021, 1, 31), "months", 1, date(2021, 2, 28)),  # README's example: month end
        (date(2020, 1, 31), "months", 1, date(2020, 2, 29)),  # a leap February
        (date(2020, 2, 29), "years", 1, date(2021, 2, 28)),  # from a leap day
        (date(2020, 2, 29), "years", 4, date(2024, 2, 29)),
        (date(1999, 6, 9), "days", 6, date(1999, 6, 15)),
        (date(2020, 12, 25), "weeks", 2, date(2021, 1, 8)),  # across a year end
        (date(2020, 5, 5), "days", 0, date(2020, 5, 5)),
    ],
)
def test_rule_arithmetic(start: date, unit: str, count: int, expected: date) -> None:
    rule = Rule.model_validate({"after": "in_force", unit: count})
    assert rule.date_from(date(1900, 1, 1), start) == expected
    assert Rule.model_validate({"after": "signed", unit: count}).date_from(start, None) == expected


def test_rows_of_a_schema_two_file(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, TREATY)
    result = invoke("--data", str(path), "status", "--date", "1980-01-25", "--format", "json")
    assert result.exit_code == 0, result.output
    by_id = {r["id"]: r for r in json.loads(result.stdout)}
    assert by_id["interim"]["original_deadline"] == "1980-01-25"  # in_force + 9 months
    assert by_id["interim"]["deadline_rule"] == "in_force + 9 months"
    assert by_id["interim"]["status"] == "due"
    assert by_id["interim"]["agreed"] == "1979-04-25"  # agreed defaults to in_force
    assert by_id["final"]["original_deadline"] == "1982-04-25"
    assert by_id["final"]["deadline_rule"] == "in_force + 3 years"
    assert by_id["early"]["original_deadline"] == "1979-04-09"  # signed + 2 weeks
    assert by_id["early"]["deadline_rule"] == "signed + 2 weeks"
    assert {r["agreement"] for r in by_id.values()} == {"treaty"}


def test_obligations_have_not_started_before_entry_into_force(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, TREATY)
    result = invoke(
        "--data", str(path), "status", "interim", "--date", "1979-04-24", "--format", "csv"
    )
    assert result.stdout.splitlines()[1].split(",")[11] == "not-agreed"


def test_show_gives_the_rule_and_its_date(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, TREATY)
    result = invoke("--data", str(path), "show", "final", "--date", "1980-01-01")
    assert "Original deadline  1982-04-25" in result.stdout
    assert "Deadline rule      in_force + 3 years" in result.stdout


STALE = "treaty: data checked up to 1982-05-01; later events are not recorded"


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["upcoming"],
        ["delays"],
        ["show", "final"],
        ["timeline"],
        ["changes", "--since", "1979-01-01", "--until", "1990-01-01"],
    ],
)
def test_a_table_after_the_checked_date_says_so(
    invoke: Callable[..., Any], tmp_path: Path, args: list[str]
) -> None:
    path = write(tmp_path, TREATY)
    dated = args if args[0] == "changes" else [*args, "--date", "1990-01-01"]
    result = invoke("--data", str(path), *dated)
    assert result.exit_code == 0, result.output
    assert STALE in result.stdout.splitlines()
    if args[0] != "changes":
        before = invoke("--data", str(path), *args, "--date", "1982-05-01")
        assert "checked up to" not in before.stdout + before.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_beside_data_the_staleness_line_goes_to_stderr(
    invoke: Callable[..., Any], tmp_path: Path, fmt: str
) -> None:
    path = write(tmp_path, TREATY)
    result = invoke("--data", str(path), "export", "--format", fmt, "--date", "1990-01-01")
    assert result.stderr == STALE + "\n"
    assert "checked up to" not in result.stdout


@pytest.mark.parametrize(
    "change,message",
    [
        (
            ("      months: 9\n", "      months: 9\n      days: 3\n"),
            "15:7: deadline: a rule needs exactly one of days, weeks, months, years or day",
        ),
        (("      months: 9", "      months: -1"), "16:15: months: must be 0 or more"),
        (
            ("      months: 9", "      months: 1.5"),
            "16:15: months: expected a whole number, got the number 1.5",
        ),
        (
            ("      after: in_force\n      months", "      after: ratified\n      months"),
            "15:14: after: expected 'signed' or 'in_force', got 'ratified'",
        ),
        (
            ("  in_force: 1979-04-25", "  in_force: 1979-03-01"),
            "6:13: in_force 1979-03-01 is before signed (1979-03-26)",
        ),
        (("schema: 2", "schema: 1"), "6:3: 'in_force' needs schema: 2 (this file says 1)"),
        (
            ("schema: 2", "schema: 1"),
            "14:5: a deadline written as a rule needs schema: 2 (this file says 1)",
        ),
    ],
)
def test_bad_schema_two_input_is_placed(change: tuple[str, str], message: str) -> None:
    with pytest.raises(DataFileError) as caught:
        parse(TREATY.replace(*change, 1), "t.yaml")
    assert f"t.yaml:{message}" in caught.value.lines, caught.value.lines


def test_a_schema_one_file_means_what_it_meant(invoke: Callable[..., Any]) -> None:
    result = invoke("status", "--date", "2020-11-20", "--format", "csv")
    header, *rows = result.stdout.splitlines()
    # schema 2's two columns, then schema 3's four; the first 16 columns as they always were
    assert header.endswith(",as_of,agreement,deadline_rule,begin_by,began,reversed,last_news")
    assert all(",2020-11-20,nk-2020-trilateral,,,,," in r for r in rows)


def test_editors_can_check_a_schema_two_file_against_the_json_schema() -> None:
    import jsonschema

    from .conftest import ROOT

    schema = json.loads((ROOT / "data" / "handover.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(as_an_editor_reads(TREATY), schema)
    broken = as_an_editor_reads(TREATY.replace("months: 9", "months: 9\n      days: 1"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(8999, 12, 31)),
    st.sampled_from(["days", "weeks"]),
    st.integers(min_value=0, max_value=5_000_000),
)
def test_day_and_week_rules_count_as_dateutil_does(start: date, unit: str, count: int) -> None:
    """Days and weeks are counted without dateutil; dateutil's relativedelta is the oracle,
    past the end of the calendar too (both refuse, and the file is refused for it)."""
    rule = Rule.model_validate({"after": "signed", unit: count})
    try:
        step = relativedelta(days=count) if unit == "days" else relativedelta(weeks=count)
        expected: date | None = start + step
    except (ValueError, OverflowError):
        expected = None
    try:
        got: date | None = rule.date_from(start, None)
    except (ValueError, OverflowError):
        got = None
    assert got == expected
