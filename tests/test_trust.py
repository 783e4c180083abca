"""Issue-by-issue defences: no lost update, no wrong handover, writes that go where they
should, and inputs that cannot hang or mislead. Each test failed before its fix."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml

from .conftest import MINIMAL, SHIPPED, installed_command, unmeasured, write

WRITERS = 20


def _ids(path: Path) -> set[str]:
    return {h["id"] for h in yaml.safe_load(path.read_text(encoding="utf-8"))["handovers"]}


@pytest.mark.slow
def test_parallel_writers_lose_no_update(tmp_path: Path) -> None:
    """Every writer that says "updated" has its handover in the file, round after round."""
    env = unmeasured({k: v for k, v in os.environ.items() if k != "HANDOVER_DATA"})
    for round_ in range(4):
        path = tmp_path / f"round-{round_}.yaml"
        path.write_text(MINIMAL, encoding="utf-8")
        writers = [
            subprocess.Popen(
                [
                    installed_command(),
                    "--data",
                    str(path),
                    "record",
                    "add",
                    f"area-{i}",
                    "--wait",
                    "300",
                    "--name",
                    f"Area {i}",
                    "--from",
                    "North",
                    "--to",
                    "South",
                    "--deadline",
                    "2021-03-20",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i in range(WRITERS)
        ]
        said_updated = set()
        for i, writer in enumerate(writers):
            _, err = writer.communicate(timeout=120)
            assert "Traceback" not in err
            if writer.returncode == 0:
                assert err.startswith("updated"), err
                said_updated.add(f"area-{i}")
            else:
                assert writer.returncode == 1 and err.count("\n") == 1, err
        in_file = _ids(path) - {"hill"}
        assert in_file == said_updated, f"round {round_}: lost {said_updated - in_file}"
        assert len(said_updated) == WRITERS  # serialised writers all succeed


@pytest.mark.slow
def test_racing_postponements_never_move_a_deadline_earlier(tmp_path: Path) -> None:
    """Writers postpone one handover to different dates at once. Each "later than the
    deadline in force" check is made under the lock, so what lands is strictly later each
    time, and every writer either says "updated" (its revision is in the file) or is refused
    with one line because the deadline in force had already passed its date."""
    env = unmeasured({k: v for k, v in os.environ.items() if k != "HANDOVER_DATA"})
    writers, rounds_ = 8, 3
    for round_ in range(rounds_):
        path = tmp_path / f"race-{round_}.yaml"
        path.write_text(MINIMAL, encoding="utf-8")
        targets = [date(2021, 3, 11 + (i * 7 + round_ * 3) % 19) for i in range(writers)]
        procs = [
            subprocess.Popen(
                [
                    *(installed_command(), "--data", str(path), "record", "postpone", "hill"),
                    *("--announced", "2021-03-05", "--to", day.isoformat(), "--wait", "300"),
                    *("--reason", f"writer {i}"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i, day in enumerate(targets)
        ]
        updated = set()
        for i, proc in enumerate(procs):
            _, err = proc.communicate(timeout=300)
            assert "Traceback" not in err
            if proc.returncode == 0:
                updated.add(f"writer {i}")
            else:
                assert proc.returncode == 1 and "not later than the deadline in force" in err
                assert err.count("\n") == 1, err
        revisions = yaml.safe_load(path.read_text(encoding="utf-8"))["handovers"][0]["revisions"]
        deadlines = [str(r["deadline"]) for r in revisions]
        assert deadlines == sorted(set(deadlines)), f"round {round_}: {deadlines}"
        assert deadlines[0] > "2021-03-10"
        assert {r["reason"] for r in revisions} == updated


ID_CLASH = """\
schema: 1
agreement:
  id: accord
  title: Accord
  signed: 2021-03-01
  parties: [North, South]
handovers:
  - id: vale
    name: Hill
    from: North
    to: South
    deadline: 2021-03-10
  - id: hill
    name: Other Place
    from: North
    to: South
    deadline: 2021-03-12
"""


def test_an_id_that_folds_like_another_handovers_name_is_refused(tmp_path: Path) -> None:
    from handover.errors import DataFileError
    from handover.library import parse

    try:
        parse(ID_CLASH, "clash.yaml")
    except DataFileError as exc:
        assert exc.lines == (
            "clash.yaml:13:9: id 'hill' is already used by another handover (first at line 9)",
        )
    else:
        raise AssertionError("validated a file where 'hill' names two handovers")


def test_a_handovers_own_id_and_name_may_fold_alike() -> None:
    from handover.library import parse

    own = ID_CLASH.replace("name: Other Place", "name: HILL").replace("name: Hill\n", "name: V\n")
    assert [h.id for h in parse(own, "own.yaml").handovers] == ["vale", "hill"]


# --- the writer writes through links, and refuses what it must not replace -----------------


RECORD = ["record", "complete", "hill", "--on", "2021-03-09"]


def test_a_symlinked_data_file_is_written_through(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    real = write(tmp_path, MINIMAL, "real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert invoke("--data", str(link), *RECORD).exit_code == 0
    assert link.is_symlink() and link.resolve() == real
    assert "completed: 2021-03-09" in real.read_text(encoding="utf-8")


def test_a_symlinked_output_is_written_through(invoke: Callable[..., Any], tmp_path: Path) -> None:
    real = tmp_path / "out.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = invoke("export", "--date", "2020-11-20", "--output", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text().startswith("id,name,from,to")


def test_a_read_only_data_file_is_refused(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    path.chmod(0o444)
    result = invoke("--data", str(path), *RECORD)
    assert result.exit_code == 1
    assert result.stderr == f"{path}: the file is read-only (mode 0444); nothing written\n"
    assert path.read_text(encoding="utf-8") == MINIMAL


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_an_edit_by_root_keeps_the_files_owner(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    os.chown(path, 4321, 4322)
    path.chmod(0o600)
    assert invoke("--data", str(path), *RECORD).exit_code == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 4322, 0o600)


def test_export_onto_the_data_file_itself_is_refused(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    result = invoke("--data", str(path), "export", "--output", str(path))
    assert result.exit_code == 2
    assert "is the data file" in result.stderr and result.stderr.count("\n") == 1
    assert path.read_text(encoding="utf-8") == MINIMAL


@pytest.mark.parametrize("option", ["--output", "--svg", "--html"])
def test_an_output_that_is_not_a_regular_file_is_refused(
    invoke: Callable[..., Any], tmp_path: Path, option: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    command = ["export"] if option == "--output" else ["timeline"]
    result = invoke(*command, "--date", "2020-11-20", option, str(fifo))
    assert result.exit_code == 1
    assert result.stderr == f"{fifo}: is not a regular file; nothing written\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the pipe, not replaced


def test_output_dash_is_stdout(invoke: Callable[..., Any]) -> None:
    result = invoke("export", "--date", "2020-11-20", "--output", "-")
    assert result.exit_code == 0
    assert result.stdout == invoke("export", "--date", "2020-11-20").stdout
    assert result.stderr == ""


@pytest.mark.parametrize("option", ["--output", "--svg"])
def test_an_empty_output_name_is_a_usage_error(invoke: Callable[..., Any], option: str) -> None:
    command = ["export"] if option == "--output" else ["timeline"]
    result = invoke(*command, option, "")
    assert result.exit_code == 2
    assert "needs a file name" in result.stderr


def test_data_naming_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [installed_command(), "--data", str(fifo), "status"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode == 1
    assert done.stderr == f"{fifo}: is not a regular file, so not a data file\n"


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_empty_data_option_is_a_usage_error(invoke: Callable[..., Any], where: str) -> None:
    args = ["--data", "", "status"] if where == "before" else ["status", "--data", ""]
    result = invoke(*args)
    assert result.exit_code == 2
    assert "--data needs a file name" in result.stderr
    assert result.stdout == ""


def test_an_output_that_is_a_folder_exits_1(invoke: Callable[..., Any], tmp_path: Path) -> None:
    result = invoke("export", "--output", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}: is not a regular file; nothing written\n"


# --- nothing after the as-of date: sources and notes too ---------------------------------


def _shipped_sources(hid: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    (handover,) = [h for h in data["handovers"] if h["id"] == hid]
    return list(handover["sources"])


def test_show_hides_sources_published_after_the_date(invoke: Callable[..., Any]) -> None:
    on = date(2020, 11, 20)
    sources = _shipped_sources("lachin")
    later = [s for s in sources if s["published"] > on]
    assert later  # the data has some: 1 December 2020 and 26 August 2022
    table = invoke("show", "lachin", "--date", on.isoformat())
    shown = json.loads(
        invoke("show", "lachin", "--date", on.isoformat(), "--format", "json").stdout
    )
    for source in later:
        assert source["url"] not in table.stdout
    assert [s["url"] for s in shown["sources"]] == [
        s["url"] for s in sources if s["published"] <= on
    ]


def test_notes_shown_before_the_last_event_are_labelled_as_written_later(
    invoke: Callable[..., Any],
) -> None:
    before = invoke("show", "lachin", "--date", "2020-11-20")
    assert "About (written later; it may tell of events after 2020-11-20)" in before.stdout
    after = invoke("show", "lachin", "--date", "2022-09-01")
    assert "written later" not in after.stdout and "\nAbout\n" in after.stdout
    as_json = json.loads(
        invoke("show", "lachin", "--date", "2020-11-20", "--format", "json").stdout
    )
    assert as_json["notes_written_later"] is True


def test_a_calendar_exported_on_a_date_cites_nothing_published_later(
    invoke: Callable[..., Any],
) -> None:
    result = invoke("export", "--format", "ics", "--date", "2020-11-12")
    text = "".join(
        str(e.get("DESCRIPTION"))
        for e in icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    ).replace("\n", "")
    for hid in ("kalbajar", "aghdam", "lachin"):
        for source in _shipped_sources(hid):
            if source.get("url") and source["published"] > date(2020, 11, 12):
                assert source["url"] not in text, source["url"]


# --- text from the data is text: no markup, no escapes, never cut ---------------------------

BRACKETS = MINIMAL.replace("name: Hill District", 'name: "Hill [east] [/] [bold]x[/bold]"')


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--date", "2021-03-12"],
        ["delays", "--date", "2021-03-12"],
        ["changes", "--since", "2021-03-01", "--until", "2021-03-12"],
        ["show", "hill", "--date", "2021-03-12"],
        ["upcoming", "--date", "2021-03-02"],
        ["timeline", "--date", "2021-03-12"],
    ],
)
def test_brackets_in_names_are_shown_as_written(
    invoke: Callable[..., Any], tmp_path: Path, args: list[str]
) -> None:
    path = write(tmp_path, BRACKETS)
    result = invoke("--data", str(path), *args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Hill [east] [/] [bold]x[/bold]" in result.stdout


def test_control_characters_in_text_are_refused_at_their_line(tmp_path: Path) -> None:
    from handover.errors import DataFileError
    from handover.library import parse

    text = MINIMAL.replace("name: Hill District", 'name: "Hill \\e[31mred"')
    with pytest.raises(DataFileError) as caught:
        parse(text, "ctl.yaml")
    assert caught.value.lines == (
        "ctl.yaml:9:11: name: control character U+001B is not allowed in text",
    )


def _unchecked(name: str, title: str = "A") -> tuple[list[Any], Any]:
    """A row of a handover named `name` that no validation has seen (built in code), and its
    agreement titled `title`."""
    from handover.models import Agreement, Handover
    from handover.timeline import row

    agreement = Agreement.model_construct(
        id="a",
        title=title,
        signed=date(2021, 1, 1),
        timezone="UTC",
        parties=["X", "Y"],
        sources=[],
        notes=None,
    )
    handover = Handover.model_construct(
        id="h",
        name=name,
        aliases=[],
        from_="X",
        to="Y",
        provision=None,
        agreed=None,
        deadline=date(2021, 2, 1),
        revisions=[],
        completed=None,
        notes=None,
        sources=[],
    )
    return [row(handover, agreement, date(2021, 1, 10))], agreement


def test_control_characters_never_reach_the_terminal_or_a_file() -> None:
    """Data that got past validation (a dataset built in code) is still shown as text."""
    from handover.output import render
    from handover.output.views import Export, Listing, View

    rows, agreement = _unchecked("Red\x1b[31m Zone\r", "A\x1b]0;pwned\x07")
    cases: list[tuple[str, View]] = [
        ("table", Listing("heading", rows)),
        ("csv", Export("heading", rows, [agreement])),
        ("md", Export("heading", rows, [agreement])),
        ("ics", Export("heading", rows, [agreement])),
    ]
    for fmt, view in cases:
        out = render(fmt, view)
        text = out.decode() if isinstance(out, bytes) else out
        assert "\x1b" not in text and "\x07" not in text, fmt
        unfolded = text.replace("\r\n ", "").replace("\\[", "[")  # ics folding, md escape
        assert "Red[31m Zone" in unfolded, fmt


@pytest.mark.parametrize("width", ["18", "12", "1", "0"])
@pytest.mark.parametrize(
    "args,whole",
    [
        (["status", "--date", "2020-11-20"], ["(nk-2020-trilateral)", "Kalbajar District"]),
        (["show", "kalbajar", "--date", "2020-11-20"], ["Original deadline: 2020-11-15"]),
    ],
)
def test_narrow_terminals_cut_nothing(
    invoke: Callable[..., Any], width: str, args: list[str], whole: list[str]
) -> None:
    result = invoke(*args, env={"COLUMNS": width})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    if width == "0":  # ignored, as Python's shutil.get_terminal_size does: the default width
        assert result.stdout == invoke(*args, env={"COLUMNS": "80"}).stdout
        return
    lines = result.stdout.splitlines()
    assert "Deadline: 2020-11-25" in lines
    for text in whole:
        assert any(text in line for line in lines), (text, result.stdout)


@pytest.mark.parametrize(
    "name,cell",
    [
        ("Hill\rDistrict", "HillDistrict"),  # a bare CR used to end the row early in readers
        ("\t=HYPERLINK(1)", "'=HYPERLINK(1)"),  # a tab in front no longer hides a formula
        ("\r+1", "'+1"),
        ("Line one\nline two", "Line one\nline two"),  # a line break is kept, and quoted
    ],
)
def test_csv_cells_read_back_as_one_row_each(name: str, cell: str) -> None:
    import csv
    import io

    from handover.output import render
    from handover.output.views import Listing

    rows, _ = _unchecked(name)
    text = render("csv", Listing("h", rows))
    assert isinstance(text, str)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2 and rows[1][1] == cell


# --- no traceback, whatever stdout is -------------------------------------------------------


def _handover(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HANDOVER_DATA"}
    env.update({"HANDOVER_DATA": str(SHIPPED), **kwargs.pop("env", {})})
    return subprocess.run([installed_command(), *args], text=True, env=env, timeout=60, **kwargs)


@pytest.mark.parametrize("args", [["status", "--date", "2020-11-20"], ["schema"], ["--help"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _handover(*args, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr == "handover: error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}],
)
@pytest.mark.parametrize(
    "args",
    [
        ["show", "kelbecer", "--date", "2020-11-20"],
        ["timeline", "--date", "2020-11-20"],
        ["status", "--date", "2020-11-20", "--format", "json"],
    ],
)
def test_an_ascii_terminal_gets_no_traceback(env: dict[str, str], args: list[str]) -> None:
    done = _handover(*args, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    if args[0] == "show":  # click writes UTF-8 to a stream it finds misconfigured as ASCII
        assert "Kəlbəcər" in done.stdout
    if args[-1] == "json":
        assert json.loads(done.stdout)[0]["id"] == "kalbajar"  # escapes keep JSON valid


def test_a_closed_pipe_ends_quietly_with_141(tmp_path: Path) -> None:
    from .generate import dataset_text

    big = tmp_path / "big.yaml"
    big.write_text(dataset_text(3000), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "HANDOVER_DATA"}
    writer = subprocess.Popen(
        [
            installed_command(),
            "--data",
            str(big),
            "status",
            "--date",
            "2022-01-01",
            "--format",
            "csv",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.readline()
    writer.stdout.close()  # what `| head -1` does
    err = writer.stderr.read().decode()
    assert writer.wait(timeout=60) == 141
    assert err == ""


def test_a_closed_stdout_is_an_error_not_silence() -> None:
    done = _handover(
        "status",
        "--date",
        "2020-11-20",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(),
        close_fds=True,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1
    assert done.stderr == "handover: error: cannot write the output: stdout is closed\n"


@pytest.mark.parametrize("args", [[], ["record"]])
def test_bare_commands_print_their_help_as_help(args: list[str]) -> None:
    done = _handover(*args, capture_output=True)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith("Usage: handover")
    assert len(lines) > 5 and "error" not in lines[0]
    assert any(
        line.strip().startswith("complete") or line.strip().startswith("status") for line in lines
    )


def test_an_integer_of_5000_digits_is_a_clean_error(tmp_path: Path) -> None:
    from handover.errors import DataFileError
    from handover.library import parse

    text = MINIMAL.replace(
        "parties: [North, South]", "parties: [North, South]\n  notes: " + "7" * 5000
    )
    with pytest.raises(DataFileError) as caught:
        parse(text, "long.yaml")
    assert caught.value.lines == (
        "long.yaml:7:10: a number with more than 4300 digits; quote it if it is text",
    )


# --- huge text is refused by its length, before anything walks it ---------------------------


def test_a_huge_name_is_refused_by_its_length() -> None:
    from handover.errors import DataFileError
    from handover.library import parse

    huge = "A" * 2_000_000
    text = MINIMAL.replace("name: Hill District", f"name: {huge}")
    with pytest.raises(DataFileError) as caught:
        parse(text, "huge.yaml")
    assert caught.value.lines == (
        "huge.yaml:9:11: name: 2000000 characters long; the limit is 200",
    )


def test_long_notes_are_refused_past_their_limit() -> None:
    from handover.errors import DataFileError
    from handover.library import parse

    text = MINIMAL + "    notes: " + "word " * 5000 + "\n"
    # 'word ' x 5000 is 25,000 characters; YAML drops the plain scalar's trailing space
    with pytest.raises(DataFileError, match="notes: 24999 characters long; the limit is 20000"):
        parse(text, "notes.yaml")
    assert parse(MINIMAL + "    notes: " + "word " * 3000 + "\n", "ok.yaml").handovers[0].notes


def test_fold_is_not_asked_to_walk_a_refused_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from handover import names
    from handover.errors import DataFileError
    from handover.library import parse

    seen: list[int] = []
    real = names.fold

    def spy(text: str) -> str:
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr("handover.models.fold", spy)
    with pytest.raises(DataFileError):
        parse(MINIMAL.replace("name: Hill District", "name: " + "B" * 100_000), "big.yaml")
    assert max(seen) <= 200


# --- shell completion ----------------------------------------------------------------------


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    done = _handover(
        env={
            "_HANDOVER_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            **(env or {}),
        },
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_handover_names_complete_from_the_data() -> None:
    # kalbajar's id and its alias Karvachar, each as typed: a shell inserts the candidates'
    # common prefix, so every candidate starts with exactly what was typed
    assert _complete("handover show ka") == ["plain,kalbajar", "plain,karvachar"]
    assert "plain,aghdam" in _complete("handover status ")
    # Kelbajar, Kelbadjar and Kəlbəcər, matched ignoring case and accents
    assert _complete("handover show KƏL") == [
        "plain,KƏLbajar",
        "plain,KƏLbadjar",
        "plain,KƏLbecer",
    ]


@pytest.mark.parametrize("typed", ["kel", "KEL", "kəl", "Kel"])
def test_what_was_typed_is_never_replaced(typed: str) -> None:
    """bash replaced `kel` by `K` (the common prefix of Kelbajar and kelbecer): every
    candidate starts with the text as typed, and each still finds Kalbajar."""
    found = [line.split(",", 1)[1] for line in _complete(f"handover show {typed}")]
    assert found and all(candidate.startswith(typed) for candidate in found)
    for candidate in found:
        shown = _handover("show", candidate, "--format", "json", capture_output=True)
        assert json.loads(shown.stdout)["id"] == "kalbajar", candidate


def test_agreement_slash_name_and_agreement_ids_complete() -> None:
    bundled = {"HANDOVER_DATA": ""}
    assert _complete("handover show kumanovo-1999/zone-1", env=bundled) == [
        "plain,kumanovo-1999/zone-1"
    ]
    assert _complete("handover status --agreement kum", env=bundled) == ["plain,kumanovo-1999"]
    assert _complete("handover report --agreement e", env=bundled) == ["plain,egypt-israel-1979"]


def test_names_complete_from_the_file_data_names(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    assert _complete(f"handover --data {path} show h") == ["plain,hill", "plain,hugel"]
    assert _complete("handover show h", env={"HANDOVER_DATA": str(path)}) == [
        "plain,hill",
        "plain,hugel",
    ]


def test_file_options_complete_file_names() -> None:
    assert _complete("handover --data ") == ["file,"]
    assert _complete("handover export --output ") == ["file,"]
    assert _complete("handover validate ") == ["file,"]


def test_a_broken_data_file_completes_nothing_and_says_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "not: [valid")
    assert [line for line in _complete(f"handover --data {path} show h") if line] == []


# --- record writes what reads back the same, and keeps the file's own form ------------------


@pytest.mark.parametrize("alias", ["No", "yes", "on", "2:30", "null", "1e3", "~", "0x1F"])
def test_record_quotes_what_yaml_would_read_as_something_else(
    invoke: Callable[..., Any], tmp_path: Path, alias: str
) -> None:
    path = write(tmp_path, MINIMAL)
    args = ["--data", str(path), "record", "add", "ridge", "--name", "Ridge", "--from", "North"]
    result = invoke(*args, "--to", "South", "--deadline", "2021-03-20", "--alias", alias)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # a YAML 1.1 reader, as PyYAML
    assert data["handovers"][1]["aliases"] == [alias]


def test_record_keeps_crlf_bom_and_the_document_end(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "data.yaml"
    original = "\ufeff" + MINIMAL.replace("\n", "\r\n") + "...\r\n"
    path.write_bytes(original.encode("utf-8"))
    assert invoke("--data", str(path), *RECORD).exit_code == 0
    after = path.read_bytes()
    assert after.startswith("\ufeff".encode())
    assert after.count(b"\n") == after.count(b"\r\n")  # every line ends in CRLF
    assert after.endswith(b"...\r\n")
    assert b"completed: 2021-03-09\r\n" in after


def test_record_note_keeps_a_folded_note_folded(invoke: Callable[..., Any], tmp_path: Path) -> None:
    long_note = " ".join(["Handed over after a long negotiation on the ridge road"] * 4)
    text = (
        MINIMAL
        + "    notes: >-\n"
        + "".join(f"      {line}\n" for line in textwrap.wrap(long_note, 70))  # 70 wide
    )
    path = write(tmp_path, text)
    result = invoke("--data", str(path), *RECORD, "--note", "The last unit left at dawn.")
    assert result.exit_code == 0, result.output
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("    notes: >-")
    body = lines[start + 1 :]
    assert len(body) >= 4 and all(len(line) <= 6 + 70 for line in body)
    assert yaml.safe_load(path.read_text())["handovers"][0]["notes"] == (
        long_note + " The last unit left at dawn."
    )


NOT_LATER = "not later than the deadline in force (2021-03-10)"


def _postpone(to: str, announced: str) -> list[str]:
    return ["record", "postpone", "hill", "--to", to, "--announced", announced, "--reason", "r"]


@pytest.mark.parametrize(
    "args,words",
    [
        (
            _postpone("2021-03-10", "2021-03-05"),
            "not later than the deadline in force (2021-03-10)",
        ),
        (
            _postpone("2021-03-08", "2021-03-05"),
            "not later than the deadline in force (2021-03-10)",
        ),
        (_postpone("2031-03-08", "2030-01-01"), "--announced 2030-01-01 is in the future"),
        (["record", "complete", "hill", "--on", "2030-01-01"], "--on 2030-01-01 is in the future"),
    ],
)
def test_record_refuses_what_cannot_have_happened(
    invoke: Callable[..., Any], tmp_path: Path, args: list[str], words: str
) -> None:
    path = write(tmp_path, MINIMAL)
    result = invoke("--data", str(path), *args)
    assert result.exit_code in (1, 2)
    assert words in result.stderr and result.stderr.count("\n") == 1
    assert path.read_text(encoding="utf-8") == MINIMAL


# --- validation gaps and misleading messages -------------------------------------------------


@pytest.mark.parametrize(
    "change,message",
    [
        (
            ("schema: 1", "schema: true"),
            "1:9: schema: expected the whole number 1, 2 or 3, got the boolean true",
        ),
        (
            ("schema: 1", "schema: 1.0"),
            "1:9: schema: expected the whole number 1, 2 or 3, got the number 1.0",
        ),
        (
            ("parties: [North, South]", "parties: [North, South, North]"),
            "6:27: party 'North' is listed twice",
        ),
        (
            ("    to: South\n", "    to: South\n    agreed: 2021-02-01\n"),
            "13:13: agreed 2021-02-01 is before the agreement was signed (2021-03-01)",
        ),
        (
            ("agreement:", "? {a: 1}\n: x\nagreement:"),
            "2:3: a mapping or a list cannot be a key; write the key as text",
        ),
        (("schema: 1", "schema: 1\ntrue: 1"), "2:1: the key true is not text; write it in quotes"),
    ],
)
def test_validation_says_what_is_wrong(change: tuple[str, str], message: str) -> None:
    from handover.errors import DataFileError
    from handover.library import parse

    with pytest.raises(DataFileError) as caught:
        parse(MINIMAL.replace(*change, 1), "v.yaml")
    assert f"v.yaml:{message}" in caught.value.lines, caught.value.lines
