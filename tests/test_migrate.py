"""handover migrate: a schema 1 or 2 file rewritten as schema 3 means what it meant, keeps
every other byte, and invents no date."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from handover.library import load
from handover.timeline import rows

from .conftest import ROOT, write

# The bundled library as it stood in schemas 1 and 2, before it moved to schema 3: real files
# people have (tests/before-schema3/README.md).
BEFORE = ROOT / "tests" / "before-schema3"
OLD_NK = BEFORE / "handover.yaml"
BUNDLED = sorted(BEFORE.glob("*.yaml"))
UNDATED = re.compile(r"^(\s*)- (publisher|url|title): .*$")


def _date_undated_sources(text: str) -> tuple[str, bool]:
    """The test copy's own dates for sources with none (migrate invents none): every source
    mapping without `published` gets `published: 1000-01-01`, as visible on every date as an
    undated source is. Returns the text and whether any was dated."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    dated = False
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        found = UNDATED.match(line)
        if found:  # a source: its keys run while the indentation is deeper than the dash
            indent = len(found.group(1)) + 2
            j = i + 1
            keys = [line]
            while j < len(lines) and lines[j].startswith(" " * indent) and lines[j].strip():
                keys.append(lines[j])
                j += 1
            block = "".join(keys)
            out.extend(lines[i + 1 : j])
            if "published:" not in block and "sources:" not in block:
                out.append(" " * indent + "published: 1000-01-01\n")
                dated = True
            i = j
            continue
        i += 1
    return "".join(out), dated


def _days(first: date, last: date) -> list[date]:
    """Every day around the agreement's life, and the first of every month elsewhere."""
    every = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    months = [date(y, m, 1) for y in range(1970, 2027) for m in range(1, 13)]
    return sorted(set(every) | set(months))


@pytest.mark.slow
@pytest.mark.parametrize("original", BUNDLED, ids=lambda p: p.stem)
def test_a_migrated_copy_answers_every_date_as_the_original(
    invoke: Callable[..., Any], tmp_path: Path, original: Path
) -> None:
    text, dated = _date_undated_sources(original.read_text(encoding="utf-8"))
    before = write(tmp_path, text, "before.yaml")
    after = write(tmp_path, text, "after.yaml")
    result = invoke("migrate", str(after))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"migrated {after}\n"
    assert after.read_text(encoding="utf-8").count("schema: 3") == 1
    old, new = load(before), load(after)
    assert new.schema_ == 3 and all(not h.revisions and h.completed is None for h in new.handovers)
    dates = [old.agreement.signed]
    for h in old.handovers:
        dates += [r.announced for r in h.revisions] + [r.deadline for r in h.revisions]
        dates += [h.completed] if h.completed else []
    first, last = min(dates) - timedelta(days=30), max(dates) + timedelta(days=400)
    for day in _days(first, last):
        was = [r.fields() for r in rows(old, day)]
        now = [r.fields() for r in rows(new, day)]
        if dated:  # the test copy's dates for undated sources are news where they were not
            for fields in (*was, *now):
                fields.pop("last_news")  # type: ignore[misc]
        assert now == was, day


def test_migrate_keeps_every_other_byte_and_its_comments(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    copy = tmp_path / "nk.yaml"
    shutil.copyfile(OLD_NK, copy)
    before = OLD_NK.read_text(encoding="utf-8").splitlines()
    assert invoke("migrate", str(copy)).exit_code == 0
    after = copy.read_text(encoding="utf-8").splitlines()
    # Every comment line is kept; lines differ only where schema 3 words them differently.
    assert [c for c in before if c.lstrip().startswith("#")] == [
        c for c in after if c.lstrip().startswith("#")
    ]
    gone = [line for line in before if line not in after]
    assert sorted(line.strip() for line in gone) == sorted(
        [
            "schema: 1",
            "revisions:",
            "- announced: 2020-11-15",
            "completed: 2020-11-25",
            "completed: 2020-11-20",
            "completed: 2020-12-01",
        ]
    )
    again = invoke("migrate", str(copy))  # schema 3 already: left alone
    assert again.exit_code == 0 and "schema 3 already" in again.stderr
    assert copy.read_text(encoding="utf-8").splitlines() == after


def test_migrate_invents_no_date(invoke: Callable[..., Any], tmp_path: Path) -> None:
    """Kumanovo's agreement-level source has no published date: listed at its line, and
    nothing is written (exit 1)."""
    original = BEFORE / "kumanovo-1999.yaml"
    copy = tmp_path / "k.yaml"
    shutil.copyfile(original, copy)
    result = invoke("migrate", str(copy))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines and all("has no published date, which schema 3 needs" in line for line in lines)
    first = int(lines[0].split(":")[1])
    assert "publisher" in original.read_text(encoding="utf-8").splitlines()[first - 1]
    assert copy.read_bytes() == original.read_bytes()


def test_migrate_dry_run_shows_the_diff_and_writes_nothing(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    copy = tmp_path / "nk.yaml"
    shutil.copyfile(OLD_NK, copy)
    result = invoke("migrate", str(copy), "--dry-run")
    assert result.exit_code == 0
    assert "-schema: 1\n+schema: 3\n" in result.stdout
    assert "+      - date: 2020-11-15\n+        kind: postponed\n" in result.stdout
    assert copy.read_bytes() == OLD_NK.read_bytes()
