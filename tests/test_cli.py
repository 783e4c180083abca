"""The command line, in-process (CliRunner) and as the installed command (subprocess)."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import MINIMAL, SHIPPED, write

# The documented fields, in their order, copied from README's "Fields" (not from the code).
FIELDS = [
    "id",
    "name",
    "from",
    "to",
    "provision",
    "agreed",
    "original_deadline",
    "deadline",
    "revision_count",
    "slip_days",
    "completed",
    "status",
    "days_to_deadline",
    "delay_days",
    "on_time",
    "as_of",
    "agreement",
    "deadline_rule",
    "begin_by",
    "began",
    "reversed",
    "last_news",
]

ESC = "\x1b"


def records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- the main job, through the installed command ------------------------------------------


def test_status_on_20_november_through_the_installed_command(run: Callable[..., Any]) -> None:
    result = run("status", "--date", "2020-11-20", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    by_id = {r["id"]: r for r in json.loads(result.stdout)}
    assert by_id["aghdam"]["status"] == "completed"
    assert by_id["kalbajar"]["status"] == "pending"
    assert by_id["kalbajar"]["deadline"] == "2020-11-25"
    assert by_id["kalbajar"]["days_to_deadline"] == 5
    assert by_id["kalbajar"]["revision_count"] == 1
    assert (by_id["lachin"]["status"], by_id["lachin"]["days_to_deadline"]) == ("pending", 11)


def test_status_table_reads_like_the_readme(run: Callable[..., Any]) -> None:
    result = run("status", "--date", "20 Nov 2020")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    kalbajar = next(line for line in lines if line.startswith("Kalbajar District"))
    assert re.search(r"pending\s+2020-11-25\s+-\s+5 days left", kalbajar)
    assert re.search(r"Aghdam District\s+completed\s+2020-11-20\s+2020-11-20", result.stdout)
    assert re.search(r"Lachin District\s+pending\s+2020-12-01\s+-\s+11 days left", result.stdout)
    assert ESC not in result.stdout  # piped: plain text


# The documented worked example on the shipped data, as of six dates.
WORKED = {
    "2020-11-01": {
        "kalbajar": ("not-agreed", "2020-11-15", "", "0"),
        "lachin": ("not-agreed", "2020-12-01", "", "0"),
    },
    "2020-11-14": {
        "kalbajar": ("pending", "2020-11-15", "1", "0"),
        "aghdam": ("pending", "2020-11-20", "6", "0"),
    },
    "2020-11-15": {
        "kalbajar": ("pending", "2020-11-25", "10", "1"),
        "aghdam": ("pending", "2020-11-20", "5", "0"),
    },
    "2020-11-20": {
        "kalbajar": ("pending", "2020-11-25", "5", "1"),
        "aghdam": ("completed", "2020-11-20", "", "0"),
    },
    "2020-11-26": {
        "kalbajar": ("completed", "2020-11-25", "", "1"),
        "lachin": ("pending", "2020-12-01", "5", "0"),
    },
    "2020-12-02": {
        "kalbajar": ("completed", "2020-11-25", "", "1"),
        "lachin": ("completed", "2020-12-01", "", "0"),
    },
}


@pytest.mark.parametrize("on", sorted(WORKED))
def test_worked_example_through_the_installed_command(run: Callable[..., Any], on: str) -> None:
    result = run("export", "--date", on)
    assert result.returncode == 0, result.stderr
    by_id = {r["id"]: r for r in records(result.stdout)}
    for hid, (status, deadline, days, revisions) in WORKED[on].items():
        got = by_id[hid]
        assert (got["status"], got["deadline"], got["days_to_deadline"], got["revision_count"]) == (
            status,
            deadline,
            days,
            revisions,
        )
        assert got["as_of"] == on
    if on >= "2020-11-25":
        assert (by_id["kalbajar"]["delay_days"], by_id["kalbajar"]["on_time"]) == ("10", "true")
        assert by_id["kalbajar"]["slip_days"] == "10"


def test_python_dash_m_is_the_same_command() -> None:
    import subprocess

    args = ["status", "--date", "2020-11-20", "--format", "csv"]
    module = subprocess.run(
        [sys.executable, "-m", "handover", *args], capture_output=True, text=True, check=True
    )
    assert records(module.stdout)[0]["id"] == "kalbajar"
    assert len(records(module.stdout)) == 3


def test_works_from_any_folder(run: Callable[..., Any], tmp_path: Path) -> None:
    result = run("status", "--date", "2020-11-20", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in records(result.stdout)] == ["kalbajar", "aghdam", "lachin"]


# --- output contract ----------------------------------------------------------------------


def test_csv_and_json_have_exactly_the_fields_in_order(invoke: Callable[..., Any]) -> None:
    as_csv = invoke("status", "--date", "2020-11-26", "--format", "csv")
    assert as_csv.stdout.splitlines()[0] == ",".join(FIELDS)
    as_json = json.loads(invoke("status", "--date", "2020-11-26", "--format", "json").stdout)
    for obj in as_json:
        assert list(obj) == list(FIELDS)
    kalbajar = as_json[0]
    assert kalbajar["on_time"] is True and kalbajar["delay_days"] == 10
    assert as_json[2]["completed"] is None and as_json[2]["days_to_deadline"] == 5


def test_status_csv_is_identical_to_export_csv(invoke: Callable[..., Any]) -> None:
    for on in ("2020-11-10", "2020-11-20", "2020-12-24"):
        status = invoke("status", "--date", on, "--format", "csv")
        export = invoke("export", "--date", on)
        assert status.stdout == export.stdout and status.exit_code == export.exit_code == 0


def test_csv_cells_that_look_like_formulas_are_quoted(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL.replace("name: Hill District", "name: =HYPERLINK(1)"))
    result = invoke("--data", str(path), "export", "--date", "2021-03-02")
    assert records(result.stdout)[0]["name"] == "'=HYPERLINK(1)"
    assert records(result.stdout)[0]["days_to_deadline"] == "8"


@pytest.mark.parametrize("width", ["70", "50"])
def test_table_cuts_nothing_at_narrow_widths(invoke: Callable[..., Any], width: str) -> None:
    result = invoke("status", "--date", "2020-11-26", env={"COLUMNS": width})
    assert result.exit_code == 0
    words = set(result.stdout.split())
    for expected in (
        "Kalbajar",
        "District",
        "completed",
        "2020-11-25",
        "pending",
        "2020-12-01",
        "revision)",
        "left",
        "Aghdam",
        "Lachin",
    ):
        assert expected in words, (expected, result.stdout)
    assert "…" not in result.stdout
    delayed = invoke("delays", "--date", "2020-11-26", env={"COLUMNS": width}).stdout.split()
    for header in ("Handover", "Status", "Original", "Deadline", "Slip", "Completed", "Delay"):
        assert header in delayed, (header, delayed)


def test_no_escape_codes_when_piped_or_with_no_color(run: Callable[..., Any]) -> None:
    piped = run("status", "--date", "2020-11-20")
    assert ESC not in piped.stdout
    forced = run("status", "--date", "2020-11-20", env={"FORCE_COLOR": "1"})
    assert ESC in forced.stdout  # colour can be asked for...
    no_color = run("status", "--date", "2020-11-20", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[3" not in no_color.stdout  # ...and NO_COLOR removes it


def test_upcoming_within_and_the_overdue_note(invoke: Callable[..., Any], tmp_path: Path) -> None:
    result = invoke("upcoming", "--date", "2020-11-16", "--within", "5", "--format", "csv")
    assert [r["id"] for r in records(result.stdout)] == ["aghdam"]
    path = write(tmp_path, MINIMAL)
    late = invoke("--data", str(path), "upcoming", "--date", "2021-03-11", "--format", "json")
    assert json.loads(late.stdout) == []
    assert late.stderr.strip() == "1 handover is overdue and not listed here (see: handover delays)"


def test_delays_lists_the_postponement(invoke: Callable[..., Any]) -> None:
    early = invoke("delays", "--date", "2020-11-14", "--format", "json")
    assert json.loads(early.stdout) == []
    later = json.loads(invoke("delays", "--date", "2020-11-15", "--format", "json").stdout)
    assert [(r["id"], r["slip_days"]) for r in later] == [("kalbajar", 10)]


def test_show_by_alias_with_sources(invoke: Callable[..., Any]) -> None:
    table = invoke("show", "KARVACHAR", "--date", "2020-11-20")
    assert table.exit_code == 0
    assert "Kalbajar District (kalbajar) as of 2020-11-20" in table.stdout
    assert (
        "https://jam-news.net/trilateral-agreement-kelbajar-region-postponement-of-november-25-azerbaijan-news/"
        in table.stdout
    )
    before = json.loads(
        invoke("show", "kelbecer", "--date", "2020-11-14", "--format", "json").stdout
    )
    assert before["revisions"] == [] and before["deadline"] == "2020-11-15"
    after = json.loads(
        invoke("show", "Kəlbəcər", "--date", "2020-11-15", "--format", "json").stdout
    )
    assert [r["deadline"] for r in after["revisions"]] == ["2020-11-25"]


def test_status_name_filters(invoke: Callable[..., Any]) -> None:
    result = invoke("status", "lacin", "AGDAM", "--date", "2020-11-20", "--format", "csv")
    assert [r["id"] for r in records(result.stdout)] == ["aghdam", "lachin"]


def test_fail_if_overdue_exits_3(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    ok = invoke("--data", str(path), "status", "--date", "2021-03-10", "--fail-if-overdue")
    assert ok.exit_code == 0
    late = invoke("--data", str(path), "status", "--date", "2021-03-11", "--fail-if-overdue")
    assert late.exit_code == 3
    assert "overdue as of 2021-03-11: hill" in late.stderr
    assert "Hill District" in late.stdout


def test_data_before_or_after_the_command_and_from_the_environment(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = str(write(tmp_path, MINIMAL))
    for args, env in (
        (["--data", path, "export"], None),
        (["export", "--data", path], None),
        (["export"], {"HANDOVER_DATA": path}),
    ):
        result = invoke(*args, "--date", "2021-03-02", env=env)
        assert [r["id"] for r in records(result.stdout)] == ["hill"], args
    assert invoke("validate", "--data", path).stdout.startswith(f"{path}: valid")
    dry = invoke("record", "--data", path, "complete", "hill", "--on", "2021-03-09", "--dry-run")
    assert "+    completed: 2021-03-09" in dry.stdout.splitlines()


# --- errors: one clear line on stderr, the documented exit code, no traceback -------------

ERRORS = [
    (["status", "--date", "11/12/2020"], 2, "ambiguous"),
    (["status", "--date", "2020-02-30"], 2, "not a real date"),
    (["upcoming", "--date", "someday"], 2, "cannot read 'someday' as a date"),
    (["show", "kalbajr"], 2, "unknown handover 'kalbajr'; did you mean kalbajar"),
    (["status", "nowhere"], 2, "unknown handover 'nowhere'"),
    (["--data", "/no/such/file.yaml", "status"], 1, "/no/such/file.yaml: no such data file"),
    (["status", "--format", "xml"], 2, "'xml' is not one of"),
    (["upcoming", "--within", "-1"], 2, "--within"),
    (["bogus"], 2, "No such command 'bogus'"),
]


@pytest.mark.parametrize(("args", "code", "words"), ERRORS)
def test_errors_in_process(
    invoke: Callable[..., Any], args: list[str], code: int, words: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == code
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "code", "words"), ERRORS)
def test_errors_as_a_process(
    run: Callable[..., Any], args: list[str], code: int, words: str
) -> None:
    result = run(*args)
    assert result.returncode == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_broken_data_file_lists_problems_and_exits_1(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL.replace("deadline:", "deadlne:"))
    result = run("--data", str(path), "status")
    assert result.returncode == 1
    assert f"{path}:13:5: unknown key 'deadlne'; did you mean 'deadline'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_help(run: Callable[..., Any]) -> None:
    from importlib.metadata import version

    assert run("--version").stdout.strip() == f"handover, version {version('handover')}"
    helped = run("--help")
    assert helped.returncode == 0
    for command in ("status", "upcoming", "delays", "show", "export"):
        assert command in helped.stdout


def test_shipped_file_is_what_the_command_reads_by_default(invoke: Callable[..., Any]) -> None:
    default = invoke("export", "--date", "2020-11-20").stdout
    explicit = invoke("--data", str(SHIPPED), "export", "--date", "2020-11-20").stdout
    assert default == explicit


def test_help_lists_every_command_with_its_own_one_line_help() -> None:
    import click

    from handover.cli import COMMANDS, cli

    ctx = click.Context(cli)
    for name, (_, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None, name
        assert command.get_short_help_str(limit=200) == short, name


def test_help_imports_no_command_and_no_heavy_library() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from handover.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'yaml', 'rich', 'dateutil', 'handover.commands.query',"
        " 'handover.models', 'importlib.metadata', 'shutil', 'handover.commands.app')"
        " if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip() == "[]"


def test_only_report_loads_the_template_engine(tmp_path: Path) -> None:
    """Jinja2 is paid for by `report` alone: status and timeline --html never import it."""
    import subprocess

    code = (
        "import sys\n"
        "from handover.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'markupsafe') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "HANDOVER_DATA": str(SHIPPED), "HANDOVER_CACHE_DIR": str(tmp_path)}

    def loaded(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
        )
        return done.stderr.strip().splitlines()[-1]

    page = str(tmp_path / "p.html")
    assert loaded("status", "--date", "2020-11-20") == "[]"
    assert loaded("timeline", "--date", "2020-11-20", "--html", page) == "[]"
    assert loaded("report", "--date", "2020-11-20", "--output", page) == "['jinja2', 'markupsafe']"


PUBLISHING = (
    "jinja2",
    "markupsafe",
    "feedparser",
    "playwright",
    "icalendar",
    "ruamel.yaml",
    "xml.etree.ElementTree",
    "rich",
    "handover.output.report",
    "handover.output.svgchart",
    "handover.output.chart",
    "handover.output.atom",
    "handover.output.ics",
    "handover.output.markdown",
    "handover.output.table",
    "handover.edit",
)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_status_imports_only_what_it_uses(tmp_path: Path, fmt: str) -> None:
    """status pays for no template engine, chart, feed, calendar or editor, cold or warm;
    answered from the cache, it does not even import the YAML parser or dateutil."""
    import subprocess

    watched = (*PUBLISHING, "yaml", "dateutil", "tempfile", "shutil")
    code = (
        "import sys\n"
        "from handover.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {watched!r} if m in sys.modules], file=sys.stderr)\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("HANDOVER")}
    argv = [sys.executable, "-c", code, "status", "--date", "2020-11-20", "--format", fmt]

    def loaded(env: dict[str, str]) -> list[str]:
        done = subprocess.run(argv, capture_output=True, text=True, env={**base, **env})
        assert done.returncode == 0, done.stderr
        names: list[str] = ast.literal_eval(done.stderr.strip().splitlines()[-1])
        return names

    cold = loaded({"HANDOVER_CACHE": "off"})
    assert not set(cold) & set(PUBLISHING), cold
    cache = {"HANDOVER_CACHE_DIR": str(tmp_path)}
    loaded(cache)  # fills the cache
    assert loaded(cache) == []
