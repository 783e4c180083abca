"""`record`: comment-keeping, validated, atomic edits of the data file."""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handover.edit import NewHandover, SourceArgs, add, complete, plan, postpone
from handover.errors import DataFileError
from handover.library import load

from .conftest import SHIPPED, before_kalbajar_news, installed_command, unmeasured

EDITS = Path(__file__).parent / "edits"
COMMENTED = EDITS / "commented.yaml"

GOLDEN_EDITS = {
    "complete-hill.yaml": [
        "complete",
        "hill",
        "--on",
        "2021-03-09",
        "--source",
        "https://example.org/hill",
        "--publisher",
        "Wire",
        "--note",
        "Completed a day early.",
    ],
    "postpone-vale.yaml": [
        "postpone",
        "VALE",
        "--to",
        "2021-04-01",
        "--announced",
        "20 March 2021",
        "--reason",
        "More snow",
    ],
    "add-ridge.yaml": [
        "add",
        "ridge",
        "--name",
        "Ridge",
        "--from",
        "North",
        "--to",
        "South",
        "--deadline",
        "2021-04-15",
        "--alias",
        "Crest",
        "--provision",
        "Point 3",
        "--source",
        "https://example.org/r",
    ],
}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "data.yaml"
    shutil.copyfile(COMMENTED, target)
    return target


@pytest.mark.parametrize("golden", sorted(GOLDEN_EDITS))
def test_edit_keeps_every_comment_and_matches_the_golden_file(
    invoke: Callable[..., Any], copy: Path, golden: str
) -> None:
    result = invoke("--data", str(copy), "record", *GOLDEN_EDITS[golden])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"updated {copy}\n"
    after = copy.read_text(encoding="utf-8")
    assert after == (EDITS / golden).read_text(encoding="utf-8")
    before = COMMENTED.read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in before.splitlines() if "#" in line]
    assert all(comment in after for comment in comments)


def test_dry_run_prints_a_diff_and_writes_nothing(invoke: Callable[..., Any], copy: Path) -> None:
    before = copy.read_bytes()
    result = invoke(
        "record", "complete", "hill", "--on", "2021-03-09", "--dry-run", "--data", str(copy)
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [f"--- {copy}", f"+++ {copy} (edited)"]
    assert "+    completed: 2021-03-09" in result.stdout.splitlines()
    assert copy.read_bytes() == before


def test_edit_keeps_the_files_permissions(invoke: Callable[..., Any], copy: Path) -> None:
    copy.chmod(0o640)
    assert (
        invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-03-09").exit_code
        == 0
    )
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    assert left_beside(copy) == ["data.yaml"]


def left_beside(path: Path) -> list[str]:
    """The files in the data file's folder: no temporary file and no lock file may be left."""
    return sorted(p.name for p in path.parent.iterdir())


# --- every failure leaves the file byte-identical ----------------------------------------

FAILURES = [
    (["record", "complete", "hill", "--on", "2021-02-01"], 1, "before the handover was agreed"),
    (
        ["record", "complete", "vale", "--on", "2021-03-21", "--source", "ftp://x"],
        1,
        "expected an http(s) URL",
    ),
    (
        [
            "record",
            "postpone",
            "vale",
            "--to",
            "2021-04-01",
            "--announced",
            "2021-03-01",
            "--reason",
            "x",
        ],
        1,
        "revisions are out of order",
    ),
    (
        [
            "record",
            "add",
            "hill",
            "--name",
            "Again",
            "--from",
            "North",
            "--to",
            "South",
            "--deadline",
            "2021-04-01",
        ],
        1,
        "duplicate id 'hill'",
    ),
    (
        [
            "record",
            "add",
            "ridge",
            "--name",
            "Colline",
            "--from",
            "North",
            "--to",
            "East",
            "--deadline",
            "2021-04-01",
        ],
        1,
        "'East' is not one of the agreement's parties",
    ),
    (["record", "complete", "nowhere", "--on", "2021-03-09"], 2, "unknown handover 'nowhere'"),
    (["record", "complete", "hill", "--on", "11/12/2021"], 2, "ambiguous"),
    (["record", "postpone", "hill", "--to", "2021-04-01"], 2, "Missing option"),
]


@pytest.mark.parametrize(("args", "code", "words"), FAILURES)
def test_failed_edit_leaves_the_file_untouched(
    invoke: Callable[..., Any], copy: Path, args: list[str], code: int, words: str
) -> None:
    before = copy.read_bytes()
    result = invoke("--data", str(copy), *args)
    assert result.exit_code == code
    assert words in result.stderr
    assert copy.read_bytes() == before
    assert left_beside(copy) == ["data.yaml"]


def test_invalid_edit_lists_the_problems(invoke: Callable[..., Any], copy: Path) -> None:
    result = invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-02-01")
    assert result.stderr.splitlines() == [
        f"{copy}: the edit would make the file invalid; nothing written:",
        f"  {copy}:19:16: completed 2021-02-01 is before the handover was agreed (2021-03-01)",
    ]


def test_completing_twice_is_refused(invoke: Callable[..., Any], copy: Path) -> None:
    assert (
        invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-03-09").exit_code
        == 0
    )
    before = copy.read_bytes()
    again = invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-03-10")
    assert again.exit_code == 1
    assert "hill is already recorded as completed on 2021-03-09" in again.stderr
    assert copy.read_bytes() == before


def test_record_never_edits_the_bundled_copy(invoke: Callable[..., Any]) -> None:
    before = SHIPPED.read_bytes()
    result = invoke(
        "record", "complete", "lachin", "--on", "2020-12-01", env={"HANDOVER_DATA": None}
    )
    assert result.exit_code == 2
    assert "the dataset bundled with the program is read-only" in result.stderr
    assert SHIPPED.read_bytes() == before


def test_a_broken_file_is_not_edited(invoke: Callable[..., Any], copy: Path) -> None:
    copy.write_text(copy.read_text().replace("deadline: 2021-03-10", "deadlne: 2021-03-10"))
    before = copy.read_bytes()
    result = invoke("--data", str(copy), "record", "complete", "vale", "--on", "2021-03-21")
    assert result.exit_code == 1
    assert "unknown key 'deadlne'" in result.stderr
    assert copy.read_bytes() == before


def test_a_file_changed_by_someone_else_is_not_overwritten(copy: Path) -> None:
    planned = plan(copy, complete("hill", date(2021, 3, 9), SourceArgs(), None))
    copy.write_text(copy.read_text() + "# someone else's line\n")
    theirs = copy.read_bytes()
    with pytest.raises(DataFileError, match="changed by someone else since it was read"):
        planned.write()
    assert copy.read_bytes() == theirs
    assert left_beside(copy) == ["data.yaml"]


def test_a_failing_write_leaves_the_original(copy: Path) -> None:
    before = copy.read_bytes()

    def tiny_files() -> None:  # any write past 64 bytes fails with EFBIG, even as root
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    result = subprocess.run(
        [
            installed_command(),
            "--data",
            str(copy),
            "record",
            "complete",
            "hill",
            "--on",
            "2021-03-09",
        ],
        capture_output=True,
        text=True,
        preexec_fn=tiny_files,
        check=False,
        env=unmeasured({k: v for k, v in os.environ.items() if k != "HANDOVER_DATA"}),
    )
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert copy.read_bytes() == before
    assert left_beside(copy) == ["data.yaml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_leaves_the_original(invoke: Callable[..., Any], copy: Path) -> None:
    before = copy.read_bytes()
    copy.parent.chmod(0o500)
    try:
        result = invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-03-09")
    finally:
        copy.parent.chmod(0o700)
    assert result.exit_code == 1 and "cannot write" in result.stderr
    assert copy.read_bytes() == before


# --- recording the Kalbajar news from scratch reproduces the shipped answers -------------


def test_recording_kalbajar_from_scratch_reproduces_the_shipped_file(
    run: Callable[..., Any], invoke: Callable[..., Any], tmp_path: Path
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    scratch = tmp_path / "scratch.yaml"
    scratch.write_text(before_kalbajar_news(), encoding="utf-8")
    env = {"HANDOVER_DATA": str(scratch)}
    postponed = run(
        "record",
        "postpone",
        "Kəlbəcər",
        "--to",
        "2020-11-25",
        "--announced",
        "2020-11-15",
        "--reason",
        "Postponed at Armenia's request, for humanitarian reasons",
        "--source",
        "https://jam-news.net/trilateral-agreement-kelbajar-region-postponement-of-november-25-azerbaijan-news/",
        "--publisher",
        "JAMnews",
        env=env,
    )
    assert postponed.returncode == 0, postponed.stderr
    completed = run("record", "complete", "KARVACHAR", "--on", "25 Nov 2020", env=env)
    assert completed.returncode == 0, completed.stderr
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in scratch.read_text(encoding="utf-8").splitlines() for c in comments)
    # Day by day, the recorded file answers as the shipped one (in-process: the edits above
    # were the real command's; 72 more processes would only add start-up time).
    day = date(2020, 11, 1)
    while day <= date(2020, 12, 5):
        ours = invoke("status", "--date", day.isoformat(), "--format", "csv", env=env)
        shipped = invoke("status", "--date", day.isoformat(), "--format", "csv")
        assert ours.exit_code == shipped.exit_code == 0, day
        assert ours.stdout == shipped.stdout, day
        day += timedelta(days=1)


# --- any sequence of valid edits leaves a valid file with the expected content -----------

BASE = """\
schema: 1
# a comment at the top
agreement:
  id: accord
  title: Accord
  signed: 2021-01-01
  parties: [North, South]
handovers: []
"""

START = date(2021, 1, 1)


@st.composite
def edit_sequences(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """Edits that are valid in order, with the state they should leave."""
    ops: list[tuple[str, Any]] = []
    state: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(1, 8))):
        choices = ["add"]
        open_ids = [h for h, s in state.items() if s["completed"] is None]
        if open_ids:
            choices += ["postpone", "complete"]
        kind = draw(st.sampled_from(choices))
        if kind == "add":
            hid = f"h{len(state)}"
            deadline = START + timedelta(days=draw(st.integers(0, 60)))
            state[hid] = {"deadline": deadline, "revisions": [], "completed": None}
            ops.append(("add", (hid, deadline)))
        elif kind == "postpone":
            hid = draw(st.sampled_from(open_ids))
            last = max([START, *(a for a, _ in state[hid]["revisions"])])
            announced = last + timedelta(days=draw(st.integers(0, 20)))
            in_force = ([state[hid]["deadline"]] + [d for _, d in state[hid]["revisions"]])[-1]
            to = in_force + timedelta(days=draw(st.integers(1, 60)))  # a postponement: later
            state[hid]["revisions"].append((announced, to))
            ops.append(("postpone", (hid, announced, to)))
        else:
            hid = draw(st.sampled_from(open_ids))
            on = START + timedelta(days=draw(st.integers(0, 90)))
            state[hid]["completed"] = on
            ops.append(("complete", (hid, on)))
    ops.append(("expect", state))
    return ops


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edit_sequences())
def test_valid_edit_sequences_leave_a_valid_file(
    tmp_path: Path, ops: list[tuple[str, Any]]
) -> None:
    path = tmp_path / "seq.yaml"
    path.write_text(BASE, encoding="utf-8")
    *edits, (_, expected) = ops
    for kind, args in edits:
        if kind == "add":
            hid, deadline = args
            change = add(NewHandover(hid, f"Area {hid}", "North", "South", deadline), SourceArgs())
        elif kind == "postpone":
            hid, announced, to = args
            change = postpone(hid, to, announced, f"reason {announced}", SourceArgs())
        else:
            hid, on = args
            change = complete(hid, on, SourceArgs((f"https://example.org/{hid}",)), None)
        plan(path, change).write()
    dataset = load(path)
    assert "# a comment at the top" in path.read_text(encoding="utf-8")
    assert "&" not in path.read_text(encoding="utf-8")  # no anchors from shared objects
    got = {
        h.id: {
            "deadline": h.deadline,
            "revisions": [(r.announced, r.deadline) for r in h.revisions],
            "completed": h.completed,
        }
        for h in dataset.handovers
    }
    assert got == expected


# --- the lock: nothing left behind, no link followed, never a silent wait -----------------


RECORD_HILL = [installed_command(), "record", "complete", "hill", "--on", "2021-03-09", "--data"]


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    """Another process holding an edit's lock on the file, as `flock FILE sleep` would."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_held_lock_gives_up_after_wait_with_one_line(copy: Path) -> None:
    before = copy.read_bytes()
    holder = _hold_lock(copy)
    try:
        started = time.monotonic()
        done = subprocess.run(
            [*RECORD_HILL, str(copy), "--wait", "1.5"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "another edit holds the file" in done.stderr
    assert "1.5 seconds" in done.stderr and "Traceback" not in done.stderr
    assert 1.5 <= waited < 15
    assert copy.read_bytes() == before
    assert left_beside(copy) == ["data.yaml"]


def test_a_writer_waits_for_a_lock_that_is_let_go(copy: Path) -> None:
    holder = _hold_lock(copy)
    writer = subprocess.Popen(
        [*RECORD_HILL, str(copy), "--wait", "30"],
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    assert writer.poll() is None  # still waiting
    holder.kill()
    holder.wait()
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert "completed: 2021-03-09" in copy.read_text(encoding="utf-8")


def test_a_dangling_lock_link_beside_the_file_is_not_followed(
    invoke: Callable[..., Any], copy: Path, tmp_path: Path
) -> None:
    """The old lock's name, left as a link to a file that does not exist: nothing creates it."""
    elsewhere = tmp_path / "elsewhere" / "created-by-record"
    elsewhere.parent.mkdir()
    (copy.parent / ".data.yaml.lock").symlink_to(elsewhere)
    result = invoke("--data", str(copy), "record", "complete", "hill", "--on", "2021-03-09")
    assert result.exit_code == 0, result.stderr
    assert not elsewhere.exists()
