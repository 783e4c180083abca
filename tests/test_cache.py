"""The cache of validated datasets: a second run is cheap, and a stale or corrupt entry never
answers."""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
import pytest

from handover import cache, library
from handover.errors import DataFileError
from handover.library import load
from handover.models import Dataset
from handover.timeline import Status, rows

from .conftest import MINIMAL, write
from .generate import dataset_text


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOVER_CACHE_DIR", str(folder))
    # A process asks once whether a folder is private; each test here is a new "process".
    cache._PRIVATE_FOLDERS.clear()
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.entry")) if folder.exists() else []


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


def test_a_warm_load_validates_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trusted entry is not checked again: pydantic is not even asked."""
    path = write(tmp_path, MINIMAL)
    first = load(path)

    def fail(*args: object, **kwargs: object) -> Dataset:
        raise AssertionError("validated although the cache should have answered")

    monkeypatch.setattr(Dataset, "model_validate", fail)
    assert load(path) == first


def test_an_edited_file_is_never_answered_from_the_old_entry(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = write(tmp_path, MINIMAL)
    assert load(path).handovers[0].deadline == date(2021, 3, 10)
    path.write_text(MINIMAL.replace("2021-03-10", "2021-03-12"), encoding="utf-8")
    assert load(path).handovers[0].deadline == date(2021, 3, 12)
    assert len(entries(cache_dir)) == 1  # the new content's entry replaced the old one


def test_an_edit_of_the_same_size_is_not_answered_from_the_old_entry(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Bound to the content, not the size or time: one digit changed, time stamp kept."""
    path = write(tmp_path, MINIMAL)
    load(path)
    before = path.stat()
    path.write_text(MINIMAL.replace("2021-03-10", "2021-03-19"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load(path).handovers[0].deadline == date(2021, 3, 19)


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
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),  # one bit changed
        lambda blob: b"",  # empty
        lambda blob: b"\xff\xfe garbage",  # not even text
        lambda blob: blob.replace(b"handover-cache 4", b"handover-cache 9"),  # another format
        lambda blob: blob[:17] + b"x" + blob[18:],  # the digests' line broken
    ],
)
def test_a_corrupt_entry_is_ignored_and_replaced(
    tmp_path: Path, cache_dir: Path, damage: object
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    whole = entry.read_bytes()
    entry.write_bytes(damage(whole))  # type: ignore[operator]
    assert load(path).handovers[0].deadline == date(2021, 3, 10)
    assert entry.read_bytes() == whole  # written again, whole


def _parts(entry: Path) -> tuple[tuple[object, ...], object, object]:
    """An entry's binding, summary and dataset (the layout: format line, a line with the
    head's and body's SHA-256 and the head's length, then the head and body pickles)."""
    _, digests, rest = entry.read_bytes().split(b"\n", 2)
    size = int(digests.split()[2])
    binding, summary = pickle.loads(rest[:size])
    return binding, summary, pickle.loads(rest[size:])


def _forge(entry: Path, binding: tuple[object, ...] | None = None, dataset: object = None) -> None:
    """Rewrite an entry as put() would, with another binding or dataset, and fresh
    checksums."""
    old_binding, summary, old_dataset = _parts(entry)
    head = pickle.dumps((binding or old_binding, summary))
    body = pickle.dumps(old_dataset if dataset is None else dataset)
    sums = [hashlib.sha256(part).hexdigest().encode() for part in (head, body)]
    line = b" ".join([*sums, str(len(head)).encode()]) + b"\n"
    entry.write_bytes(b"handover-cache 4\n" + line + head + body)


def _other_dataset(tmp_path: Path) -> Dataset:
    other = write(tmp_path, MINIMAL.replace("Hill District", "Vale District"), "other.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HANDOVER_CACHE", "off")
        return load(other)


def test_the_forger_writes_what_is_believed(tmp_path: Path, cache_dir: Path) -> None:
    """The tests below change one thing of an entry; unchanged, the rewrite is believed (so
    what they see is the change, not a broken rewrite)."""
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    _forge(entry, dataset=_other_dataset(tmp_path))
    assert load(path).handovers[0].name == "Vale District"  # ours, so trusted


@pytest.mark.parametrize(
    "change",
    [
        lambda b: (str(b[0]) + ".other", *b[1:]),  # built from another file
        lambda b: (b[0], b[1] + 1, *b[2:]),  # of another size
        lambda b: (b[0], b[1], "0" * 64, b[3]),  # of other content
        lambda b: (*b[:3], "0" * 64),  # by other code, or another pydantic
    ],
    ids=["path", "size", "content", "code"],
)
def test_an_entry_bound_to_anything_else_is_a_miss(
    tmp_path: Path, cache_dir: Path, change: Any
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    binding = _parts(entry)[0]
    _forge(entry, binding=change(binding), dataset=_other_dataset(tmp_path))
    assert load(path).handovers[0].name == "Hill District"  # the file, parsed again


def test_an_entry_copied_over_another_files_entry_is_a_miss(
    tmp_path: Path, cache_dir: Path
) -> None:
    first = write(tmp_path, MINIMAL)
    second = write(tmp_path, MINIMAL.replace("Hill District", "Vale District"), "second.yaml")
    load(first)
    (first_entry,) = entries(cache_dir)
    load(second)
    (second_entry,) = [e for e in entries(cache_dir) if e != first_entry]
    second_entry.write_bytes(first_entry.read_bytes())
    assert load(second).handovers[0].name == "Vale District"


def test_the_code_version_includes_pydantics(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.code_version()
    cache.code_version.cache_clear()
    monkeypatch.setattr(pydantic, "VERSION", "0.0.1")
    try:
        assert cache.code_version() != before
    finally:
        cache.code_version.cache_clear()


@pytest.mark.parametrize("kind", ["fifo", "symlink", "folder"])
def test_something_else_at_an_entrys_name_is_a_miss_never_a_hang(
    tmp_path: Path, cache_dir: Path, kind: str
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    good = tmp_path / "good.entry"
    good.write_bytes(entry.read_bytes())
    good.chmod(0o600)
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry, 0o600)
    elif kind == "symlink":
        entry.symlink_to(good)  # a link to a sound entry is still not believed
    else:
        entry.mkdir(mode=0o700)
    started = time.monotonic()
    assert load(path).handovers[0].id == "hill"
    assert time.monotonic() - started < 10
    assert not entry.is_file() or entry.is_symlink()  # not renamed over


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
    # Kalbajar's postponement cites four reports, rebuilt as the model's own objects
    assert [type(s).__name__ for s in cached.handovers[0].events[0].sources] == ["Source"] * 4


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
    stale, recent = cache_dir / ("a" * 32 + ".entry"), cache_dir / ("b" * 32 + ".entry")
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
        entry = cache_dir / (f"{i}" * 32 + ".entry")
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
    stale = cache_dir / ("c" * 32 + ".entry")
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


# --- trusted only when private -----------------------------------------------------------


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o666])
def test_an_entry_others_can_read_or_write_is_not_believed(
    tmp_path: Path, cache_dir: Path, mode: int
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    (entry,) = entries(cache_dir)
    _forge(entry, dataset=_other_dataset(tmp_path))
    entry.chmod(mode)
    assert load(path).handovers[0].name == "Hill District"


@pytest.mark.parametrize("mode", [0o750, 0o705, 0o777])
def test_a_cache_folder_others_can_enter_is_not_believed(
    tmp_path: Path, cache_dir: Path, mode: int
) -> None:
    path = write(tmp_path, MINIMAL)
    load(path)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700  # made private
    (entry,) = entries(cache_dir)
    _forge(entry, dataset=_other_dataset(tmp_path))
    cache_dir.chmod(mode)
    cache._PRIVATE_FOLDERS.clear()  # as a new process would find it
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "put", lambda slot, dataset: None)  # read only, no repair
        assert load(path).handovers[0].name == "Hill District"


def test_an_old_open_folder_of_ours_is_made_private_when_written(
    tmp_path: Path, cache_dir: Path
) -> None:
    cache_dir.mkdir(mode=0o755)
    cache_dir.chmod(0o755)
    load(write(tmp_path, MINIMAL))
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert len(entries(cache_dir)) == 1


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
