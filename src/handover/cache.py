"""Validated datasets kept between runs, so that a second run on an unchanged file is cheap.

Where: $HANDOVER_CACHE_DIR, else $XDG_CACHE_HOME/handover, else ~/.cache/handover;
HANDOVER_CACHE=off turns it off. pydantic is the one validator of a data file: an entry holds
what it built, pickled, and a run answered from the cache validates nothing again.

An entry is trusted the way CPython trusts a `__pycache__` file or mypy its cache: because it
is ours, not because it is checked again. It is believed only when all of this holds, and is
otherwise a miss (the file is parsed and validated, and the entry written again):
- private: a regular file of mode 0600 in a folder of mode 0700, both owned by this user
  (opened without following a link and without blocking, so a FIFO or a device at an entry's
  name is a miss, never a hang);
- whole: a SHA-256 of everything after it holds;
- bound: to the data file it was built from (its absolute path, size and SHA-256, kept inside
  the entry and compared with the bytes just read) and to this program's code and pydantic's
  version (also inside, and in the entry's name).
One entry per data file: an edited file's new entry replaces its old one, so editing never
grows the folder. Entries used within the last day are not touched again; others get their
time stamp renewed when used. At most once a process, after writing, entries unused for
MAX_AGE_DAYS are removed, and the least recently used go until the folder holds at most
MAX_TOTAL_BYTES.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import time
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pydantic

from handover.errors import HandoverError
from handover.models import Dataset, Summary

FORMAT = b"handover-cache 4\n"
SUFFIX = ".entry"
MAX_AGE_DAYS = 30
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_ENTRY_BYTES = 512 * 1024 * 1024  # a dataset of a 64 MiB file pickles to far less
_DAY = 24 * 60 * 60
_pruned = False


def directory() -> Path | None:
    if os.environ.get("HANDOVER_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    explicit = os.environ.get("HANDOVER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "handover"


@cache
def code_version() -> str:
    """A digest of every module at the package's top level (the code that reads, validates and
    models a dataset; commands/ and output/ only render it) and of pydantic's version."""
    digest = hashlib.sha256(FORMAT + pydantic.VERSION.encode() + b"\0")
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(module.read_bytes())
    return digest.hexdigest()


class Binding(NamedTuple):
    """What an entry was built from, kept inside it."""

    path: str  # the data file's absolute path, as named
    size: int
    digest: str  # SHA-256 of the data file's bytes
    code: str  # code_version()

    @classmethod
    def of(cls, data: bytes, source: Path) -> Binding:
        return cls(
            os.path.abspath(source), len(data), hashlib.sha256(data).hexdigest(), code_version()
        )


class Slot(NamedTuple):
    """Where a data file's entry lives, and what it must be bound to."""

    path: Path
    binding: Binding


def slot_for(data: bytes, source: Path) -> Slot | None:
    """The entry for these bytes, read from `source`; None when the cache is off (nothing is
    hashed then)."""
    folder = directory()
    if folder is None:
        return None
    binding = Binding.of(data, source)
    name = hashlib.sha256(f"{binding.code}\0{binding.path}".encode()).hexdigest()[:32]
    return Slot(folder / f"{name}{SUFFIX}", binding)


def _private(info: os.stat_result, kind: int) -> bool:
    """Of this kind, owned by this user, and nobody else's to read or write (0700 / 0600)."""
    if stat.S_IFMT(info.st_mode) != kind or info.st_mode & 0o077:
        return False
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


_PRIVATE_FOLDERS: set[Path] = set()


def _private_folder(folder: Path) -> bool:
    """Whether the folder is ours alone. A yes is remembered for the rest of the process (a
    library asks for every entry); a no is asked again (put() may make it so)."""
    if folder in _PRIVATE_FOLDERS:
        return True
    try:
        private = _private(os.stat(folder), stat.S_IFDIR)
    except OSError:
        return False
    if private:
        _PRIVATE_FOLDERS.add(folder)
    return private


def _read(slot: Slot, whole: bool) -> tuple[Summary, bytes | None] | None:
    """The summary an entry keeps and, if `whole`, its dataset's pickle; None unless the
    entry is believed (see the module's text). An entry is a format line, a line with the
    SHA-256 of its head and of its body and the head's length, the head (the binding and
    the summary, pickled) and the body (the dataset, pickled): the summary is read, checked
    and unpickled without reading the dataset."""
    if not _private_folder(slot.path.parent):
        return None
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        handle = os.open(slot.path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not _private(info, stat.S_IFREG) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with open(handle, "rb", closefd=False) as opened:
            if opened.readline(len(FORMAT) + 1) != FORMAT:
                return None  # of another format
            head_digest, body_digest, size = opened.readline(200).split()
            head = opened.read(int(size))
            body = opened.read(MAX_ENTRY_BYTES) if whole else None
        if time.time() - info.st_mtime > _DAY:  # used: renewed at most once a day
            with contextlib.suppress(OSError):
                os.utime(handle)
    except (OSError, ValueError):  # unreadable, or a second line that is not three words
        return None
    finally:
        os.close(handle)
    if hashlib.sha256(head).hexdigest().encode() != head_digest:
        return None  # truncated or altered
    if body is not None and hashlib.sha256(body).hexdigest().encode() != body_digest:
        return None
    try:
        bound, summary = pickle.loads(head)
    except Exception:  # whole but unreadable (any unpickling error): a miss like any other
        return None
    if bound != tuple(slot.binding) or not isinstance(summary, Summary):
        return None
    return summary, body


def peek(slot: Slot) -> Summary | None:
    """The summary an entry keeps (what a library needs to choose the agreements a command
    shows), without reading the dataset; None on a miss."""
    found = _read(slot, whole=False)
    return None if found is None else found[0]


def get(slot: Slot) -> Dataset | None:
    """The dataset of an entry, or None on a miss."""
    found = _read(slot, whole=True)
    if found is None or found[1] is None:
        return None
    try:
        dataset = pickle.loads(found[1])
    except Exception:  # as in _read
        return None
    return dataset if isinstance(dataset, Dataset) else None


def dump(dataset: Dataset) -> bytes:
    """The dataset as an entry holds it."""
    return pickle.dumps(dataset, protocol=pickle.HIGHEST_PROTOCOL)


def put(slot: Slot, dataset: Dataset) -> None:
    """Keep a dataset pydantic has validated, for the file the slot is bound to."""
    from handover.atomic import write_atomic  # tempfile and shutil: only when writing

    head = pickle.dumps((tuple(slot.binding), Summary.of(dataset)), pickle.HIGHEST_PROTOCOL)
    body = dump(dataset)
    digests = b"%s %s %d\n" % (
        hashlib.sha256(head).hexdigest().encode(),
        hashlib.sha256(body).hexdigest().encode(),
        len(head),
    )
    blob = FORMAT + digests + head + body
    folder = slot.path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
        if stat.S_ISDIR(info.st_mode) and info.st_mode & 0o077 and _owned(info):
            os.chmod(folder, 0o700)  # ours, from an older release: made private
            info = os.stat(folder)
        if not _private(info, stat.S_IFDIR):
            return  # not ours alone: _read would not believe what we wrote
        if os.path.lexists(slot.path) and not os.path.isfile(slot.path):
            return  # never rename over a FIFO, a device or a link someone left there
        write_atomic(slot.path, blob, durable=False, new_mode=0o600)
        os.chmod(slot.path, 0o600)  # an old entry's mode is kept by write_atomic: not wanted
    except (OSError, HandoverError):
        return  # a cache we cannot write is no cache; the answer is the same
    prune(folder)


def _owned(info: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def _listing(folder: Path) -> list[tuple[float, int, str]]:
    """(time stamp, size, name) of every entry in the folder; none if it cannot be read."""
    entries = []
    try:
        for item in os.scandir(folder):
            # .json: the entries of earlier releases, which age out like any other
            if item.name.endswith((SUFFIX, ".json")) and item.is_file(follow_symlinks=False):
                info = item.stat(follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, item.name))
    except OSError:
        return []
    return entries


def prune(folder: Path) -> None:
    """Remove entries unused for MAX_AGE_DAYS, then the least recently used until the folder
    holds at most MAX_TOTAL_BYTES. Runs at most once a process."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    now = time.time()
    entries = sorted(_listing(folder), reverse=True)  # most recently used first
    total = 0
    for mtime, size, name in entries:
        total += size
        if now - mtime > MAX_AGE_DAYS * _DAY or total > MAX_TOTAL_BYTES:
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
