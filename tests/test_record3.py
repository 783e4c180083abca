"""record on a schema 3 file: one event per verb, in date order, validated, comments kept;
on older files, what they can say in their own words and a request to migrate for the rest.
Expected files and values are written by hand."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import MINIMAL, SHIPPED, before_kalbajar_news, write

GAZA = Path(__file__).parent / "schema3" / "gaza.yaml"


@pytest.fixture
def gaza(tmp_path: Path) -> Path:
    copy = tmp_path / "gaza.yaml"
    shutil.copyfile(GAZA, copy)
    return copy


def _events(path: Path, hid: str | None) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    owner = (
        data["agreement"] if hid is None else next(h for h in data["handovers"] if h["id"] == hid)
    )
    events: list[dict[str, Any]] = json.loads(json.dumps(owner.get("events", []), default=str))
    return events  # dates as the text they are written as


def test_each_verb_writes_one_event_in_date_order(invoke: Callable[..., Any], gaza: Path) -> None:
    run = [
        ("begin", "philadelphi", "--on", "2025-02-20"),
        ("held", "philadelphi", "--on", "2025-03-01", "--note", "Still there."),
        ("unclear", "netzarim", "--on", "2025-04-01"),
    ]
    for verb, *args in run:
        result = invoke("--data", str(gaza), "record", verb, *args)
        assert result.exit_code == 0, result.stderr
    assert _events(gaza, "philadelphi") == [
        {"date": "2025-02-20", "kind": "began"},
        {"date": "2025-02-27", "kind": "held", "note": "We will not leave.",
         "sources": [{"publisher": "Wire", "published": "2025-02-27"}]},
        {"date": "2025-03-01", "kind": "held", "note": "Still there."},
    ]  # fmt: skip
    # 1 Apr is after the reversal of 19 Mar: unclear follows it
    assert [e["kind"] for e in _events(gaza, "netzarim")] == ["completed", "reversed", "unclear"]
    text = gaza.read_text(encoding="utf-8")
    assert text.startswith("# A schema 3 file written by hand")  # comments kept
    assert "schema: 3" in text


def test_postpone_with_no_date_and_its_sources(invoke: Callable[..., Any], gaza: Path) -> None:
    result = invoke(
        *("--data", str(gaza), "record", "postpone", "philadelphi", "--no-date"),
        *("--announced", "2025-03-05", "--reason", "Talks stalled"),
        *("--source", "https://example.org/a", "--source", "https://example.org/b"),
    )
    assert result.exit_code == 0, result.stderr
    (moved,) = [e for e in _events(gaza, "philadelphi") if e["kind"] == "postponed"]
    assert moved == {
        "date": "2025-03-05",
        "kind": "postponed",
        "reason": "Talks stalled",
        "sources": [
            {"url": "https://example.org/a", "published": "2025-03-05"},  # the event's day
            {"url": "https://example.org/b", "published": "2025-03-05"},
        ],
    }
    status = invoke("--data", str(gaza), "status", "philadelphi", "--date", "2025-03-06",
                    "--format", "json")  # fmt: skip
    (row,) = json.loads(status.stdout)
    assert (row["status"], row["deadline"]) == ("postponed", None)


def test_the_agreement_verbs(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, GAZA.read_text(encoding="utf-8").replace(
        "  events:\n    - date: 2025-03-18\n      kind: ended\n      how: collapsed\n"
        "      note: Strikes resumed; the second phase was never agreed.\n"
        "      sources:\n        - publisher: Wire\n          url: https://example.org/collapse\n",
        "",
    ))  # fmt: skip
    for args in (
        ("suspend", "gaza-test", "--on", "2025-03-02", "--publisher", "Wire", "--title",
         "Talks suspended", "--published", "2025-03"),
        ("resume", "gaza-test", "--on", "2025-03-05"),
        ("end", "gaza-test", "--on", "2025-10-10", "--how", "superseded", "--by", "next-one"),
    ):  # fmt: skip
        result = invoke("--data", str(path), "record", *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert _events(path, None) == [
        {"date": "2025-03-02", "kind": "suspended",
         "sources": [{"publisher": "Wire", "title": "Talks suspended", "published": "2025-03"}]},
        {"date": "2025-03-05", "kind": "resumed"},
        {"date": "2025-10-10", "kind": "ended", "how": "superseded", "by": "next-one"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("reverse", "philadelphi", "--on", "2025-03-01"), 1, "reversed, but it was not completed"),
        (("end", "gaza-test", "--on", "2025-03-20", "--how", "lapsed", "--by", "x"), 2,
         "--by names the agreement that replaced this one"),
        (("postpone", "rashid", "--announced", "2025-01-25", "--reason", "x"), 2,
         "needs one of --to DATE and --no-date"),
        (("held", "line", "--on", "2099-01-01"), 2, "is in the future"),
        (("held", "line", "--on", "2025-02-02", "--published", "2025-02"), 2,
         "describe a source: give --source or --publisher"),
        (("held", "line", "--on", "2025-02-02", "--publisher", "W", "--published", "2025-13"), 2,
         "'2025-13' is not a real month"),
        (("complete", "line", "--on", "2025-02-02", "--source", "https://a.org/1",
          "--source", "https://a.org/2", "--publisher", "Wire"), 2,
         "describe a single --source"),
    ],
)  # fmt: skip
def test_refusals(
    invoke: Callable[..., Any], gaza: Path, args: tuple[str, ...], code: int, said: str
) -> None:
    before = gaza.read_bytes()
    result = invoke("--data", str(gaza), "record", *args)
    assert result.exit_code == code and said in result.stderr, result.stderr
    assert gaza.read_bytes() == before


def test_an_older_file_asks_for_migrate_for_what_it_cannot_say(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    before = path.read_bytes()
    for args in (("begin", "hill", "--on", "2021-03-05"),
                 ("postpone", "hill", "--no-date", "--announced", "2021-03-05", "--reason", "x"),
                 ("end", "test-accord", "--on", "2021-03-05", "--how", "lapsed")):  # fmt: skip
        result = invoke("--data", str(path), "record", *args)
        assert result.exit_code == 2, args
        assert "needs a schema 3 data file (this one is schema 1)" in result.stderr
        assert "handover migrate FILE" in result.stderr
    assert path.read_bytes() == before


def test_checked_moves_up_with_later_news_and_is_bounded(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    text = GAZA.read_text(encoding="utf-8").replace(
        "  in_force: 2025-01-19\n", "  in_force: 2025-01-19\n  checked: 2025-03-20\n"
    )
    path = write(tmp_path, text)
    late = invoke("--data", str(path), "record", "held", "philadelphi", "--on", "2025-04-02")
    assert late.exit_code == 0, late.stderr
    assert "checked moved to 2025-04-02" in late.stderr
    assert "checked: 2025-04-02" in path.read_text(encoding="utf-8")
    early = invoke("--data", str(path), "record", "checked", "gaza-test", "--on", "2025-03-01")
    assert early.exit_code == 1 and "before the file's last event (2025-04-02)" in early.stderr
    ahead = invoke("--data", str(path), "record", "checked", "gaza-test", "--on", "2099-01-01")
    assert ahead.exit_code == 2
    ok = invoke("--data", str(path), "record", "checked", "gaza-test", "--on", "2025-05-01")
    assert ok.exit_code == 0 and "checked: 2025-05-01" in path.read_text(encoding="utf-8")


def test_a_recorded_source_is_not_shown_before_the_news_it_reports(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    """README's own example: recording Kalbajar's completion with its report; on 12 Nov the
    report of 25 Nov does not exist yet."""
    path = write(tmp_path, before_kalbajar_news())
    result = invoke("--data", str(path), "record", "complete", "Karvachar", "--on",
                    "25 Nov 2020", "--source", "https://example.org/report-of-25-nov")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    early = invoke("--data", str(path), "show", "kalbajar", "--date", "2020-11-12")
    assert "report-of-25-nov" not in early.stdout
    late = invoke("--data", str(path), "show", "kalbajar", "--date", "2020-11-26")
    assert "report-of-25-nov" in late.stdout


def test_add_takes_rules_as_output_writes_them(invoke: Callable[..., Any], gaza: Path) -> None:
    result = invoke("--data", str(gaza), "record", "add", "kissufim", "--name", "Kissufim road",
                    "--from", "Israel", "--to", "Hamas", "--deadline", "in_force day 30",
                    "--begin-by", "in_force + 10 days")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        "    begin_by: {after: in_force, days: 10}\n    deadline: {after: in_force, day: 30}\n"
        in (gaza.read_text(encoding="utf-8"))
    )
    shown = invoke("--data", str(gaza), "status", "kissufim", "--date", "2025-02-01",
                   "--format", "json")  # fmt: skip
    (row,) = json.loads(shown.stdout)
    # day 30 from 19 Jan is 17 Feb; 10 days after 19 Jan is 29 Jan
    assert (row["deadline"], row["begin_by"], row["deadline_rule"]) == (
        "2025-02-17",
        "2025-01-29",
        "in_force day 30",
    )
    assert row["status"] == "late-start"  # 1 Feb is after 29 Jan, and nothing began


def test_add_refuses_what_an_older_schema_cannot_say(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    for deadline, said in (("signed day 3", "needs a schema 3 data file"),
                           ("signed + 3 days", "a rule needs schema: 2")):  # fmt: skip
        result = invoke("--data", str(path), "record", "add", "vale", "--name", "Vale",
                        "--from", "North", "--to", "South", "--deadline", deadline)  # fmt: skip
        assert result.exit_code == 2 and said in result.stderr, result.stderr


def test_bundled_adds_the_bundled_library_and_keeps_it_read_only(
    invoke: Callable[..., Any], gaza: Path
) -> None:
    listed = invoke("--data", str(gaza), "--bundled", "agreements", "--date", "2025-03-02",
                    "--format", "json")  # fmt: skip
    ids = {a["id"] for a in json.loads(listed.stdout)}
    assert ids == {"gaza-test", "nk-2020-trilateral", "egypt-israel-1979", "kumanovo-1999",
                   "israel-lebanon-2024", "gaza-2025-ceasefire"}  # fmt: skip
    without = invoke("--data", str(gaza), "agreements", "--date", "2025-03-02", "--format", "json")
    assert {a["id"] for a in json.loads(without.stdout)} == {"gaza-test"}
    before = SHIPPED.read_bytes()
    refused = invoke("--data", str(gaza), "--bundled", "record", "complete", "lachin",
                     "--on", "2020-12-01")  # fmt: skip
    assert refused.exit_code == 2 and "read-only" in refused.stderr
    assert SHIPPED.read_bytes() == before
    # philadelphi is in both the test file and the bundled Gaza file: named with its agreement
    mine = invoke("--data", str(gaza), "--bundled", "record", "held", "gaza-test/philadelphi",
                  "--on", "2025-03-03")  # fmt: skip
    assert mine.exit_code == 0, mine.stderr
