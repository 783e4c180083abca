"""Write a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from handover.errors import DataFileError


def write_atomic(
    path: Path,
    data: bytes,
    before_replace: Callable[[], None] | None = None,
    durable: bool = True,
) -> None:
    """Temporary file in the same folder, write, flush, fsync, keep the old file's mode,
    rename over the target, fsync the folder. On any error the temporary file is removed,
    the target is untouched, and DataFileError (exit 1) says what went wrong.

    `before_replace` runs just before the rename and may raise to call the write off (for
    example when the target changed since it was read). `durable=False` skips the fsyncs,
    for files whose loss in a crash costs nothing (the cache, which checks its entries)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise DataFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp_name, path)
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
