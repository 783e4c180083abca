"""Write a file so that readers see the old content or the new, never half of it.

A symlink is written through: its target is replaced and the link stays. Anything that is
not a regular file (a device, a pipe, a socket, a folder) is refused rather than renamed
over, and so is a file whose mode says read-only, for root too, as editors refuse such a file
without a force flag. The new file keeps the old one's mode, and its owner and group where
the process may set them (root editing another user's file).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from handover.errors import DataFileError


def target_of(path: Path) -> Path:
    """The file a write to `path` lands in: the end of its chain of symlinks."""
    return Path(os.path.realpath(path))


def check_writable(path: Path) -> os.stat_result | None:
    """The stat of the file that `path` names, or None if there is none yet. Raises
    DataFileError for what must not be replaced: not a regular file, or read-only."""
    try:
        info = os.stat(path)  # follows links
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(f"{path}: is not a regular file; nothing written")
    if not info.st_mode & 0o222:
        mode = stat.S_IMODE(info.st_mode)
        raise DataFileError(f"{path}: the file is read-only (mode {mode:04o}); nothing written")
    return info


def write_atomic(
    path: Path,
    data: bytes,
    before_replace: Callable[[], None] | None = None,
    durable: bool = True,
    new_mode: int | None = None,
) -> None:
    """Temporary file in the target's folder, write, flush, fsync, keep the old file's mode
    and owner, rename over the target, fsync the folder. On any error the temporary file is
    removed, the target is untouched, and DataFileError (exit 1) says what went wrong.

    `before_replace` runs just before the rename and may raise to call the write off.
    `durable=False` skips the fsyncs, for files whose loss in a crash costs nothing (the
    cache, which checks its entries). `new_mode` is the mode of a file that did not exist
    (default: 0666 less the umask)."""
    old = check_writable(path)
    target = target_of(path)
    folder = target.parent
    if old is not None:
        mode = stat.S_IMODE(old.st_mode)
    elif new_mode is not None:
        mode = new_mode
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(PermissionError):  # only root may give a file away
                os.chown(tmp_name, old.st_uid, old.st_gid)
        if before_replace is not None:
            before_replace()
        os.replace(tmp_name, target)
        tmp_name = None
        if not durable:
            return
        with contextlib.suppress(OSError):  # not every platform can fsync a folder
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
