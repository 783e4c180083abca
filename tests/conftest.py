"""Shared fixtures: the shipped data, a CliRunner, and the installed command as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from handover.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "handover.yaml"


def before_kalbajar_news() -> str:
    """The bundled NK file as it stood before Kalbajar's postponement and completion were
    recorded: its events cut out (README's record tour starts from this)."""
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("    events:\n      - date: 2020-11-15\n        kind: postponed")
    end = text.index("    notes:", start)
    return text[:start] + text[end:]


def installed_command() -> str:
    """The console script installed beside this Python (what a user runs)."""
    script = Path(sys.executable).parent / ("handover.exe" if os.name == "nt" else "handover")
    assert script.exists(), f"the handover command is not installed at {script}"
    return str(script)


def unmeasured(env: dict[str, str]) -> dict[str, str]:
    """The environment without coverage's variables: for a child that must not be measured,
    such as one whose file size is limited, where saving the measurement would itself fail."""
    return {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the dataset cache of every test run (in-process and subprocess) out of ~/.cache."""
    os.environ["HANDOVER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("HANDOVER_CACHE", None)


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """Run the CLI in-process through click's CliRunner; stdout and stderr kept apart."""

    def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
        runner = CliRunner()
        # The NK file by default (most tests are about it); HANDOVER_DATA "" is the bundled
        # library, as for a user who names no data.
        base: dict[str, str | None] = {
            "HANDOVER_DATA": str(SHIPPED),
            "NO_COLOR": "1",
            "COLUMNS": "100",
        }
        return runner.invoke(cli, list(args), env={**base, **(env or {})}, catch_exceptions=False)

    return run


@pytest.fixture
def run() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `handover` command as a real process."""

    def go(
        *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if k not in ("HANDOVER_DATA", "FORCE_COLOR")}
        environ.update({"COLUMNS": "100", "HANDOVER_DATA": str(SHIPPED), **(env or {})})
        return subprocess.run(
            [installed_command(), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environ,
            cwd=cwd,
            timeout=60,
        )

    return go


def wait_until_loading(proc: subprocess.Popen[Any], give_up: float = 30) -> None:
    """Wait until the program has begun loading its libraries (pydantic's compiled core is
    among its mapped files): from then on an interrupt is the program's to handle, where
    before it Python itself is starting (Linux: reads /proc)."""
    import time

    maps = Path(f"/proc/{proc.pid}/maps")
    until = time.monotonic() + give_up
    while time.monotonic() < until and proc.poll() is None:
        try:
            if "_pydantic_core" in maps.read_text():
                return
        except OSError:
            pass
        time.sleep(0.002)


def write(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
schema: 1
agreement:
  id: test-accord
  title: Test accord
  signed: 2021-03-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill District
    aliases: [Hügel]
    from: North
    to: South
    deadline: 2021-03-10
"""


def as_an_editor_reads(text: str) -> object:
    """YAML the way an editor's YAML 1.2 language server reads it: dates stay text, and
    whole numbers (schema, rule counts) are numbers."""
    import yaml

    def numbers(value: object) -> object:
        if isinstance(value, dict):
            return {k: numbers(v) for k, v in value.items()}
        if isinstance(value, list):
            return [numbers(v) for v in value]
        return int(value) if isinstance(value, str) and value.isdigit() else value

    return numbers(yaml.load(text, Loader=yaml.BaseLoader))
