"""The repository as a stranger gets it: only the files it should hold at its root, and a
changelog and licence that say what they must."""

from __future__ import annotations

import subprocess

import pytest

from .conftest import ROOT

# Written by hand: adding a file at the root is a decision, made here too.
EXPECTED_ROOT = {
    ".ci",
    ".gitignore",
    "CHANGELOG.md",
    "LICENSE",
    "README.md",
    "benchmarks",
    "data",
    "docs",
    "pyproject.toml",
    "src",
    "tests",
}


def _tracked() -> list[str]:
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=30
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (an unpacked sdist): nothing tracked to check")
    return [name for name in done.stdout.decode().split("\0") if name]


def test_the_repository_root_holds_only_what_it_should() -> None:
    assert {name.split("/")[0] for name in _tracked()} == EXPECTED_ROOT


def test_no_lock_or_stray_output_file_is_tracked() -> None:
    stray = [
        name
        for name in _tracked()
        if name.endswith(".lock") or name.split("/")[-1] in {"-", ".coverage"}
    ]
    assert stray == []


def test_the_changelog_names_this_version() -> None:
    from importlib.metadata import version

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    release = version("handover").split(".dev")[0]
    assert f"## {release} " in text
    assert "## 0.2.0 " in text and "## 0.1.0 " in text


def test_the_licence_is_mit_and_the_metadata_says_so() -> None:
    from importlib.metadata import metadata

    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    meta = metadata("handover")
    assert meta["License-Expression"] == "MIT"
    assert "Typing :: Typed" in (meta.get_all("Classifier") or [])
