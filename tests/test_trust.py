"""Issue-by-issue defences: no lost update, no wrong handover, writes that go where they
should, and inputs that cannot hang or mislead. Each test failed before its fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from .conftest import MINIMAL, installed_command, unmeasured

WRITERS = 20


def _ids(path: Path) -> set[str]:
    return {h["id"] for h in yaml.safe_load(path.read_text(encoding="utf-8"))["handovers"]}


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
