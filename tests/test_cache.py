"""The cache of validated datasets: a second run is cheap, and a stale or corrupt entry never
answers."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from handover import cache, library
from handover.errors import DataFileError
from handover.library import load
from handover.models import Dataset
from handover.timeline import Status, rows

from .conftest import MINIMAL, write

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import dataset_text  # type: ignore[import-not-found]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOVER_CACHE_DIR", str(folder))
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


def refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str, filename: str) -> Dataset:
        raise AssertionError("parsed although the cache should have answered")

    monkeypatch.setattr(library, "_parse", fail)


def test_second_load_comes_from_the_cache(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, MINIMAL)
    first = load(path)
    assert len(entries(cache_dir)) == 1
    refuse_parsing(monkeypatch)
    assert load(path) == first


def test_an_edited_file_is_never_answered_from_the_old_entry(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    assert load(path).handovers[0].deadline == date(2021, 3, 10)
    path.write_text(MINIMAL.replace("2021-03-10", "2021-03-12"), encoding="utf-8")
    assert load(path).handovers[0].deadline == date(2021, 3, 12)
    (entry,) = entries(cache_dir)  # the new content's entry replaced the old one
    assert b'"deadline":"2021-03-12"' in entry.read_bytes()


def test_an_edit_that_breaks_the_file_is_reported_not_answered_from_cache(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    path.write_text(MINIMAL.replace("to: South", "to: North"), encoding="utf-8")
    with pytest.raises(DataFileError, match="'from' and 'to' are the same party"):
        load(path)


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: blob.replace(b"2021-03-10", b"2021-03-11"),  # one digit changed
        lambda blob: b"",  # empty
        lambda blob: b"\xff\xfe garbage",  # not even text
    ],
)
def test_a_corrupt_entry_is_ignored_and_replaced(
    tmp_path: Path, cache_dir: Path, damage: object
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert load(path).handovers[0].deadline == date(2021, 3, 10)
    header, _, payload = entry.read_bytes().partition(b"\n")
    assert header == hashlib.sha256(payload).hexdigest().encode()  # written again, whole


def test_an_entry_with_a_valid_checksum_but_invalid_content_is_ignored(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    rest = entry.read_bytes().partition(b"\n")[2].replace(b'"schema":1', b'"schema":3')
    entry.write_bytes(hashlib.sha256(rest).hexdigest().encode() + b"\n" + rest)
    assert load(path).schema_ == 1


def test_an_unusable_cache_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("HANDOVER_CACHE_DIR", str(blocker / "cache"))
    path = write(tmp_path, MINIMAL)
    assert load(path).handovers[0].id == "hill"
    assert load(path).handovers[0].id == "hill"


def test_cache_off_writes_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOVER_CACHE", "off")
    load(write(tmp_path, MINIMAL))
    assert entries(cache_dir) == []


def test_the_key_depends_on_every_byte() -> None:
    assert cache.key(b"abc") == cache.key(b"abc")
    assert cache.key(b"abc") != cache.key(b"abd")


# --- a large generated dataset loads and answers correctly (not timed) --------------------


def test_a_large_dataset_loads_and_answers(tmp_path: Path, cache_dir: Path) -> None:
    count = 10_000
    path = tmp_path / "large.yaml"
    path.write_text(dataset_text(count), encoding="utf-8")
    for attempt in ("parsed", "cached"):
        dataset = load(path)
        assert len(dataset.handovers) == count, attempt
        as_of = date(2022, 1, 1)  # after every deadline and completion of the generated data
        by_id = {r.handover.id: r for r in rows(dataset, as_of)}
        # Even-numbered areas were completed, odd ones are overdue; every third was postponed.
        assert sum(r.status is Status.COMPLETED for r in by_id.values()) == count // 2
        assert sum(r.status is Status.OVERDUE for r in by_id.values()) == count - count // 2
        area = by_id["area-3"]
        assert (area.revision_count, area.slip_days, area.status) == (1, 7, Status.OVERDUE)
        assert area.deadline == date(2021, 1, 1 + 10 + 3 + 7)
        assert by_id["area-4"].completed == date(2021, 1, 1 + 10 + 4 + 4)
    assert len(entries(cache_dir)) == 1


def test_the_cached_shipped_dataset_equals_the_parsed_one(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import SHIPPED

    parsed = load(SHIPPED)
    refuse_parsing(monkeypatch)
    cached = load(SHIPPED)
    assert cached == parsed
    assert cached.model_dump() == parsed.model_dump()
    assert [type(s).__name__ for s in cached.handovers[0].revisions[0].sources] == ["Source"] * 4


# --- the folder stays bounded ---------------------------------------------------------------

DAY = 24 * 60 * 60


def _age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def test_entries_unused_for_a_month_are_pruned_on_the_next_write(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_pruned", False)
    cache_dir.mkdir()
    stale, recent = cache_dir / ("a" * 64 + ".json"), cache_dir / ("b" * 64 + ".json")
    for entry, days in ((stale, 31), (recent, 29)):
        entry.write_bytes(b"x")
        _age(entry, days)
    load(write(tmp_path, MINIMAL))  # a miss: writes its entry, then prunes
    names = {p.name for p in entries(cache_dir)}
    assert stale.name not in names
    assert recent.name in names
    assert len(names) == 2  # the recent one and the new one


def test_the_least_recently_used_go_first_when_the_folder_is_too_big(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_pruned", False)
    monkeypatch.setattr(cache, "MAX_TOTAL_BYTES", 10_000)
    cache_dir.mkdir()
    for i in range(6):  # 6 x 4,000 bytes, the oldest first
        entry = cache_dir / (f"{i}" * 64 + ".json")
        entry.write_bytes(b"x" * 4000)
        _age(entry, 6 - i)
    path = write(tmp_path, MINIMAL)
    load(path)
    left = entries(cache_dir)
    new = [p for p in left if p.stat().st_size != 4000]
    assert len(new) == 1 and new[0].stat().st_size < 2000
    assert sum(p.stat().st_size for p in left) <= 10_000
    # Beside the new entry (under 2,000 bytes), two old ones fit in 10,000 and a third would
    # not: the two most recently used stay.
    kept_old = sorted(p.name[0] for p in left if p.stat().st_size == 4000)
    assert kept_old == ["4", "5"]
    refuse_parsing(monkeypatch)
    assert load(path).handovers[0].id == "hill"  # the new entry is still there and answers


def test_pruning_runs_once_a_process(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_pruned", False)
    load(write(tmp_path, MINIMAL))
    stale = cache_dir / ("c" * 64 + ".json")
    stale.write_bytes(b"x")
    _age(stale, 40)
    load(write(tmp_path, MINIMAL.replace("2021-03-10", "2021-03-11"), "other.yaml"))
    assert stale.exists()  # a second write in the same process does not scan the folder again


def test_an_entry_used_again_is_touched_so_it_is_not_pruned(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    _age(entry, 20)
    load(path)  # a hit
    assert time.time() - entry.stat().st_mtime < 60
    _age(entry, 0.5)
    before = entry.stat().st_mtime
    load(path)  # used within the last day: not written again
    assert entry.stat().st_mtime == before


# --- an entry is checked as strictly as a file, and trusted only from a private folder ------


def _rewrite(entry: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change an entry's dataset JSON and recompute its checksum, as a forger would (an
    entry is a checksum line, a summary line, then the dataset)."""
    summary, _, payload = entry.read_bytes().partition(b"\n")[2].partition(b"\n")
    data = json.loads(payload)
    change(data)
    rest = summary + b"\n" + json.dumps(data).encode()
    entry.write_bytes(hashlib.sha256(rest).hexdigest().encode() + b"\n" + rest)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["handovers"][0].update(name=5),  # a number for text
        lambda d: d["handovers"][0].update(name=""),  # empty text
        lambda d: d["handovers"][0].update(id="Not A Slug"),
        lambda d: d["handovers"][0].update(name="Red\u001b[31m"),  # a control character
        lambda d: d["agreement"].update(timezone="Mars/Olympus"),
        lambda d: d["agreement"].update(parties=["North"]),  # fewer than two parties
        lambda d: d["handovers"][0].update(to="North"),  # from == to: a cross-field rule
        lambda d: d["handovers"][0].update(deadline="2021-02-01"),  # before it was agreed
        lambda d: d["handovers"][0].update(sources=[{"title": "no publisher, no url"}]),
        lambda d: d["handovers"][0].update(sources=[{"url": "javascript:alert(1)"}]),
        lambda d: d["handovers"][0].update(name="N" * 201),  # over the limit for names
        lambda d: (
            d.update(schema=2)
            or d["handovers"][0].update(
                deadline={"after": "signed", "days": -3}  # a negative count
            )
        ),
    ],
)
def test_a_tampered_entry_with_a_fresh_checksum_is_not_believed(
    tmp_path: Path, cache_dir: Path, tamper: Callable[[dict[str, Any]], None]
) -> None:
    path = write(tmp_path, MINIMAL)
    expected = load(path)
    (entry,) = entries(cache_dir)
    _rewrite(entry, tamper)
    assert load(path) == expected  # the file was parsed again


def test_an_entry_others_can_write_is_not_believed(tmp_path: Path, cache_dir: Path) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    _rewrite(entry, lambda d: d["handovers"][0].update(deadline="2021-03-30"))  # wrong, valid
    entry.chmod(0o666)
    assert load(path).handovers[0].deadline == date(2021, 3, 10)


def test_a_cache_folder_others_can_write_is_not_used(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700  # made private
    (entry,) = entries(cache_dir)
    _rewrite(entry, lambda d: d["handovers"][0].update(deadline="2021-03-30"))
    entry.chmod(0o600)
    cache_dir.chmod(0o777)
    assert load(path).handovers[0].deadline == date(2021, 3, 10)


def test_entries_are_private_whatever_the_umask(tmp_path: Path, cache_dir: Path) -> None:
    old = os.umask(0o002)
    try:
        path = write(tmp_path, MINIMAL)
        load(path)
    finally:
        os.umask(old)
    (entry,) = entries(cache_dir)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_an_entry_is_answered_under_a_group_friendly_umask(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o002)
    try:
        path = write(tmp_path, MINIMAL)
        first = load(path)
        refuse_parsing(monkeypatch)
        assert load(path) == first
    finally:
        os.umask(old)
