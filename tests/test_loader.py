"""Loading the data file: the shipped dataset, and clear errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from handover.errors import DataFileError
from handover.library import bundled_path, load

from .conftest import MINIMAL, SHIPPED, write


def problems(path: Path) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        load(path)
    return list(caught.value.lines)


def test_shipped_dataset_loads_with_its_three_handovers() -> None:
    dataset = load(SHIPPED)
    assert [h.id for h in dataset.handovers] == ["kalbajar", "aghdam", "lachin"]
    assert dataset.agreement.timezone == "Asia/Baku"
    kalbajar = dataset.handovers[0]
    assert dataset.schema_ == 3
    assert [(str(e.date), e.kind, str(e.deadline)) for e in kalbajar.events] == [
        ("2020-11-15", "postponed", "2020-11-25"),
        ("2020-11-25", "completed", "None"),
    ]
    # Every handover carries its own sources (the text of the statement), and every event
    # the reports of it.
    for h in dataset.handovers:
        assert h.sources
        assert h.events and all(e.sources for e in h.events)


def test_bundled_copy_is_the_shipped_file() -> None:
    assert bundled_path().read_bytes() == SHIPPED.read_bytes()


def test_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such data file"]


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "schema: 1\nagreement: [unclosed\n")
    (line,) = problems(path)
    assert line.startswith(f"{path}:3:1: YAML syntax error")


def test_unknown_key_suggests_the_nearest(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("    deadline:", "    deadlne:"))
    lines = problems(path)
    assert f"{path}:13:5: unknown key 'deadlne'; did you mean 'deadline'?" in lines
    assert f"{path}:8:5: missing required key 'deadline'" in lines


def test_integer_and_datetime_and_impossible_dates_are_refused(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("signed: 2021-03-01", "signed: 1614556800")
        .replace("deadline: 2021-03-10", "deadline: 2021-02-30")
        .replace("to: South", "to: South\n    completed: 2021-03-09 10:00:00")
    )
    lines = problems(write(tmp_path, text))
    assert any(":5:11: signed: expected a date as YYYY-MM-DD, got the number" in x for x in lines)
    assert any(":13:16: completed: expected a date (YYYY-MM-DD) without a time" in x for x in lines)
    assert any(":14:15: deadline: '2021-02-30' is not a real date" in x for x in lines)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Hügel", "H\xfcgel").encode("latin-1"))
    (line,) = problems(path)
    assert line == f"{path}:10:16: the file is not UTF-8 text (byte 0xfc); save it as UTF-8"


def test_empty_file(tmp_path: Path) -> None:
    (line,) = problems(write(tmp_path, "\n  \n"))
    assert line.endswith(
        ":1:1: the file is empty; expected a mapping with the keys schema, agreement and handovers"
    )


def test_cross_field_rules_reported_with_type_errors(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """\
  - id: hill
    name: hügel
    from: North
    to: North
    deadline: 2021-02-01
    completed: not a date
"""
    )
    lines = problems(write(tmp_path, text))
    joined = "\n".join(lines)
    assert ":14:9: duplicate id 'hill' (first at line 8)" in joined
    assert ":15:11: name or alias 'hugel' is already used by another handover" in joined
    assert ":17:9: 'from' and 'to' are the same party" in joined
    assert ":18:15: deadline 2021-02-01 is before the handover was agreed (2021-03-01)" in joined
    assert ":19:16: completed: expected a date as YYYY-MM-DD, got 'not a date'" in joined
