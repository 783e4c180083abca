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
