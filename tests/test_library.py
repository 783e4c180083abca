"""Many agreements at once: a library of files and folders (README: Which data file)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import MINIMAL, write

NORTH = """\
schema: 1
agreement:
  id: north-accord
  title: North accord
  signed: 2021-03-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill District
    from: North
    to: South
    deadline: 2021-03-10
  - id: ford
    name: River Ford
    from: North
    to: South
    deadline: 2021-03-20
"""
EAST = """\
schema: 1
agreement:
  id: east-accord
  title: East accord
  signed: 2021-03-02
  parties: [East, West]
handovers:
  - id: hill
    name: Hill Post
    from: East
    to: West
    deadline: 2021-03-15
  - id: pass
    name: High Pass
    from: East
    to: West
    deadline: 2021-03-05
    completed: 2021-03-04
"""
OLD = """\
schema: 1
agreement:
  id: old-accord
  title: Old accord
  signed: 1999-06-09
  parties: [A, B]
handovers:
  - id: zone
    name: Zone
    from: A
    to: B
    deadline: 1999-06-15
    completed: 1999-06-15
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "library"
    (data / "more").mkdir(parents=True)
    write(data, NORTH, "north.yaml")
    write(data / "more", EAST, "east.yml")
    write(data, OLD, "old.yaml")
    (data / "README.txt").write_text("not data")
    return data


def _ids(result: Any) -> list[str]:
    assert result.exit_code == 0, result.output
    return [f"{r['agreement']}/{r['id']}" for r in json.loads(result.stdout)]


def test_upcoming_lists_every_agreement_soonest_first(
    invoke: Callable[..., Any], folder: Path
) -> None:
    result = invoke("--data", str(folder), "upcoming", "--date", "2021-03-03", "--format", "json")
    # 5 March (east, completed on the 4th? not yet: as of the 3rd it is pending), 10, 15, 20
    assert _ids(result) == [
        "east-accord/pass",
        "north-accord/hill",
        "east-accord/hill",
        "north-accord/ford",
    ]
    narrowed = invoke(
        "--data",
        str(folder),
        "upcoming",
        "--date",
        "2021-03-03",
        "--agreement",
        "east-accord",
        "--format",
        "json",
    )
    assert _ids(narrowed) == ["east-accord/pass", "east-accord/hill"]


def test_status_covers_what_is_in_play_and_says_how_many_more(
    invoke: Callable[..., Any], folder: Path
) -> None:
    result = invoke("--data", str(folder), "status", "--date", "2021-03-12")
    assert "old-accord" not in result.stdout and "Zone" not in result.stdout
    assert "Handovers as of 2021-03-12 (2 agreements)" in result.stdout
    assert "1 more agreement exists on 12 Mar 2021 but has nothing open (--all shows them)" in (
        result.stdout
    )
    everything = invoke(
        "--data", str(folder), "status", "--date", "2021-03-12", "--all", "--format", "json"
    )
    assert "old-accord/zone" in _ids(everything)
    assert "more agreement" not in everything.stderr  # --all hides nothing
    # a single file is always covered, whatever the date
    single = invoke("--data", str(folder / "old.yaml"), "status", "--date", "2021-03-12")
    assert "Zone" in single.stdout and "not in play" not in single.stdout


def test_in_play_until_thirty_days_after_the_last_completion(
    invoke: Callable[..., Any], folder: Path
) -> None:
    def shown(on: str) -> bool:
        out = invoke("--data", str(folder), "status", "--date", on, "--format", "json")
        return "old-accord/zone" in _ids(out)

    assert shown("1999-06-10")  # open
    assert shown("1999-07-15")  # completed 15 June: 30 days later, still in play
    assert not shown("1999-07-16")


def test_a_name_in_two_agreements_asks_which(invoke: Callable[..., Any], folder: Path) -> None:
    result = invoke("--data", str(folder), "show", "hill", "--date", "2021-03-12")
    assert result.exit_code == 2
    assert result.stderr == (
        "handover: error: 'hill' names handovers in more than one agreement: "
        "east-accord/hill, north-accord/hill\n"  # in name order: more/east.yml first
    )
    qualified = invoke("--data", str(folder), "show", "east-accord/hill", "--date", "2021-03-12")
    assert qualified.exit_code == 0 and "Hill Post (hill)" in qualified.stdout
    by_name = invoke("--data", str(folder), "show", "high pass", "--date", "2021-03-12")
    assert by_name.exit_code == 0 and "High Pass (pass)" in by_name.stdout


def test_unknown_agreement_and_unknown_name(invoke: Callable[..., Any], folder: Path) -> None:
    result = invoke("--data", str(folder), "status", "--agreement", "nowhere")
    assert result.exit_code == 2
    assert (
        "unknown agreement 'nowhere'; known agreements: east-accord, north-accord, old-accord"
        in (result.stderr)
    )
    close = invoke("--data", str(folder), "show", "rivr ford")
    # 'ford' is an id in one agreement only: suggested as it is, unqualified
    assert close.exit_code == 2 and "did you mean River Ford (ford)?" in close.stderr
    twice = invoke("--data", str(folder), "show", "hil")
    assert "east-accord/hill" in twice.stderr and "north-accord/hill" in twice.stderr


def test_agreements_lists_those_that_exist(invoke: Callable[..., Any], folder: Path) -> None:
    result = invoke("--data", str(folder), "agreements", "--date", "2021-03-12", "--format", "json")
    listed = {a["id"]: a for a in json.loads(result.stdout)}
    assert listed["north-accord"] == {
        "id": "north-accord",
        "title": "North accord",
        "signed": "2021-03-01",
        "in_force": None,
        "parties": ["North", "South"],
        "handovers": 2,
        "completed": 0,
        "pending": 1,
        "overdue": 1,
        "checked": None,
        "in_play": True,
        "state": "in-force",  # signed, no entry into force of its own, no event
        "ended": None,
        "ended_how": None,
        "replaced_by": None,
        "notes": None,
    }
    assert listed["old-accord"]["in_play"] is False and listed["old-accord"]["completed"] == 1
    before = invoke("--data", str(folder), "agreements", "--date", "2000-01-01", "--format", "csv")
    assert [line.split(",")[0] for line in before.stdout.splitlines()] == ["id", "old-accord"]


def test_export_and_changes_cover_every_agreement_that_exists(
    invoke: Callable[..., Any], folder: Path
) -> None:
    result = invoke("--data", str(folder), "export", "--date", "2021-03-12", "--format", "json")
    assert sorted(_ids(result)) == sorted(
        [
            "north-accord/hill",
            "north-accord/ford",
            "east-accord/hill",
            "east-accord/pass",
            "old-accord/zone",
        ]
    )
    changes = invoke(
        "--data",
        str(folder),
        "changes",
        "--since",
        "2021-03-01",
        "--until",
        "2021-03-12",
        "--format",
        "csv",
    )
    kinds = [tuple(line.split(",")[:2]) for line in changes.stdout.splitlines()[1:]]
    assert kinds[:3] == [
        ("2021-03-01", "north-accord"),
        ("2021-03-02", "east-accord"),
        ("2021-03-04", "pass"),
    ]


def test_the_environment_may_name_several_paths(invoke: Callable[..., Any], folder: Path) -> None:
    both = os.pathsep.join([str(folder / "north.yaml"), str(folder / "more")])
    result = invoke(
        "agreements", "--date", "2021-03-12", "--format", "csv", env={"HANDOVER_DATA": both}
    )
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == [
        "north-accord",
        "east-accord",
    ]


# --- every problem of every file, in one run --------------------------------------------------


def test_two_files_with_one_agreement_id_name_both(
    invoke: Callable[..., Any], folder: Path
) -> None:
    write(folder, NORTH.replace("North accord", "Copy"), "zz-copy.yaml")
    result = invoke("--data", str(folder), "validate")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{folder / 'zz-copy.yaml'}:3:7: agreement id 'north-accord' is already the id of "
        f"{folder / 'north.yaml'}\n"
    )


def test_a_broken_file_among_good_ones_is_listed_with_all_its_problems(
    invoke: Callable[..., Any], folder: Path
) -> None:
    write(
        folder / "more",
        MINIMAL.replace("to: South", "to: Nowhere").replace("schema: 1", "schema: 7"),
        "broken.yaml",
    )
    result = invoke("--data", str(folder), "status")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(
        line.startswith(str(folder / "more" / "broken.yaml")) for line in lines
    )


def test_a_folder_with_no_data_files(invoke: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke("--data", str(tmp_path / "empty"), "status")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{tmp_path / 'empty'}: a folder with no data files (*.yaml, *.yml) in it\n"
    )


def test_a_symlink_loop_in_a_folder(invoke: Callable[..., Any], folder: Path) -> None:
    (folder / "more" / "back").symlink_to(folder, target_is_directory=True)
    result = invoke("--data", str(folder), "status")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{folder / 'more' / 'back'}: a loop of symbolic links")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder, whatever its mode")
def test_an_unreadable_subfolder(invoke: Callable[..., Any], folder: Path) -> None:
    (folder / "more").chmod(0)
    try:
        result = invoke("--data", str(folder), "status")
    finally:
        (folder / "more").chmod(0o755)
    assert result.exit_code == 1 and "cannot read the folder" in result.stderr


def test_validate_takes_many_paths(invoke: Callable[..., Any], folder: Path) -> None:
    result = invoke("validate", str(folder / "north.yaml"), str(folder / "more"))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{folder / 'north.yaml'}: valid: agreement north-accord, 2 handovers, 0 revisions, "
        "0 sources",
        f"{folder / 'more' / 'east.yml'}: valid: agreement east-accord, 2 handovers, 0 revisions, "
        "0 sources",
    ]


# --- record in a library ----------------------------------------------------------------------


def test_record_edits_the_file_that_holds_the_handover(
    invoke: Callable[..., Any], folder: Path
) -> None:
    north_before = (folder / "north.yaml").read_text(encoding="utf-8")
    result = invoke(
        "--data", str(folder), "record", "complete", "east-accord/hill", "--on", "2021-03-14"
    )
    assert result.exit_code == 0, result.output
    east = yaml.safe_load((folder / "more" / "east.yml").read_text(encoding="utf-8"))
    assert str(east["handovers"][0]["completed"]) == "2021-03-14"
    assert (folder / "north.yaml").read_text(encoding="utf-8") == north_before


def test_record_add_needs_the_agreement_when_several_are_loaded(
    invoke: Callable[..., Any], folder: Path
) -> None:
    args = [
        "--data",
        str(folder),
        "record",
        "add",
        "gate",
        "--name",
        "Gate",
        "--from",
        "East",
        "--to",
        "West",
        "--deadline",
        "2021-03-30",
    ]
    refused = invoke(*args)
    assert refused.exit_code == 2
    assert "record add needs --agreement ID when several are loaded" in refused.stderr
    done = invoke(*args, "--agreement", "east-accord")
    assert done.exit_code == 0, done.output
    east = yaml.safe_load((folder / "more" / "east.yml").read_text(encoding="utf-8"))
    assert [h["id"] for h in east["handovers"]] == ["hill", "pass", "gate"]


def test_a_table_of_several_agreements_says_whose_each_row_is(
    run: Callable[..., Any], folder: Path
) -> None:
    result = run("--data", str(folder), "status", "--date", "2021-03-12", env={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:2] == ["Agreement", "Handover"]
    assert any(line.startswith("east-accord") and "Hill Post" in line for line in lines)
    assert any(line.startswith("north-accord") and "Hill District" in line for line in lines)


# --- a NAME is found from the summaries: only the agreement that holds it is built --------


@pytest.mark.parametrize(
    "args",
    [
        ["status", "Area 17-3", "--date", "1962-01-01", "--format", "csv"],
        ["status", "Area 17-3", "--date", "1962-01-01"],
        ["show", "Area 17-3", "--date", "1962-01-01"],
        ["status", "agreement-00017/area-3", "--date", "1962-01-01", "--format", "json"],
    ],
)
def test_a_name_builds_only_its_own_agreement(
    invoke: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    from handover import cache

    from .generate import write_library

    folder = tmp_path / "library"
    folder.mkdir()
    write_library(folder, 40)
    env = {"HANDOVER_DATA": str(folder), "HANDOVER_CACHE_DIR": str(tmp_path / "cache")}
    assert invoke("agreements", env=env).exit_code == 0  # fills the cache
    built: list[str] = []
    real_get = cache.get

    def counted(slot: Any) -> Any:
        found = real_get(slot)
        built.append(found.agreement.id if found else "miss")
        return found

    monkeypatch.setattr(cache, "get", counted)
    result = invoke(*args, env=env)
    assert result.exit_code == 0, result.stderr
    assert "Area 17-3" in result.stdout
    assert built == ["agreement-00017"]


def test_a_name_two_agreements_share_is_refused_from_the_summaries(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    from .generate import write_library

    folder = tmp_path / "library"
    folder.mkdir()
    write_library(folder, 3)
    result = invoke("status", "area-3", env={"HANDOVER_DATA": str(folder)})
    assert result.exit_code == 2
    assert "agreement-00000/area-3, agreement-00001/area-3, agreement-00002/area-3" in (
        result.stderr
    )
