"""Every example in README.md runs, as written, against the installed command, and prints
what README says it prints. Edit an example's output and this fails.

An example is a fenced block whose first line starts with `$ `. Each `$ ` line is a command
(a trailing backslash continues it); the lines up to the next command are its output,
stdout then stderr. In the expected output, a line that is just `...` stands for any number
of lines, and `...` inside a line for any text: README marks where it shortens output so.
`export NAME=VALUE` sets a variable for the commands after it in the same block.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, SHIPPED, before_kalbajar_news

README = ROOT / "README.md"


@dataclass
class Step:
    command: str
    line: int
    expected: list[str] = field(default_factory=list)


def examples(text: str) -> list[tuple[int, list[Step]]]:
    """(line of the block, its steps) for every block of commands in the text."""
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith("$ "):
            start, steps = i + 1, []
            i += 1
            while not lines[i].startswith("```"):
                if lines[i].startswith("$ "):
                    command, first = lines[i][2:], i + 1
                    while command.endswith("\\"):
                        i += 1
                        command = command[:-1] + " " + lines[i].strip()
                    steps.append(Step(command, first))
                else:
                    steps[-1].expected.append(lines[i])
                i += 1
            found.append((start, steps))
        i += 1
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a `...` line is any number of lines, `...` in a line is any text."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.rstrip().split("..."))
    return re.fullmatch(pattern, actual[0].rstrip()) is not None and matches(rest, actual[1:])


def my_dataset(folder: Path) -> None:
    """README's my-dataset.yaml: the bundled file before Kalbajar's postponement and
    completion were recorded (README says so where it uses it)."""
    (folder / "my-dataset.yaml").write_text(before_kalbajar_news(), encoding="utf-8")


# The six mistakes README's validate example reports, at the lines and columns it gives.
REPORT = """\
schema: 1
agreement:
  id: test-accord
  title: Test accord
  signed: 2021-01-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill District
    from: Nort
    to: South
    deadlne: 2021-03-10
  - id: hill
    name: Hill district
    from: North
    to: South
    deadline: 2021-02-30
"""

BLOCKS = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples_to_run() -> None:
    commands = [step.command for _, steps in BLOCKS for step in steps]
    assert len(BLOCKS) >= 12
    for name in ("status", "upcoming", "delays", "show", "export", "timeline", "changes"):
        assert any(c.startswith(f"handover {name}") for c in commands), name
    assert any(c.startswith("handover record") for c in commands)


def test_the_matcher_is_strict_where_readme_is() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "d"], ["a", "d"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert matches(["x, ...y"], ["x, anything y"])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "b"])


@pytest.mark.parametrize("start,steps", BLOCKS, ids=[f"README.md:{s}" for s, _ in BLOCKS])
def test_readme_example(
    start: int, steps: list[Step], tmp_path: Path, run: Callable[..., Any]
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "handover.yaml").write_bytes(SHIPPED.read_bytes())
    (tmp_path / "report.yaml").write_text(REPORT, encoding="utf-8")
    shutil.copyfile(ROOT / "tests" / "schema3" / "gaza.yaml", tmp_path / "gaza-example.yaml")
    my_dataset(tmp_path)
    env = {"COLUMNS": "80", "NO_COLOR": "1", "HANDOVER_DATA": ""}  # as a user: the bundled library
    for step in steps:
        words = shlex.split(step.command)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            env[name] = value
            continue
        assert words[0] == "handover", f"README.md:{step.line}: not a handover command"
        done = run(*words[1:], env=env, cwd=tmp_path)
        actual = (done.stdout + done.stderr).splitlines()
        assert matches(step.expected, actual), (
            f"README.md:{step.line}: $ {step.command}\n--- README says:\n"
            + "\n".join(step.expected)
            + "\n--- the command printed:\n"
            + "\n".join(actual)
        )
