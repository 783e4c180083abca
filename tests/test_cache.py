"""The cache of validated datasets: a second run is cheap, and a stale or corrupt entry never
answers."""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path

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
    assert len(entries(cache_dir)) == 2


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
    payload = entry.read_bytes().partition(b"\n")[2].replace(b'"schema":1', b'"schema":2')
    entry.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
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
