"""Where a command's output goes: a view rendered to stdout in pieces or atomically to a
file, notes to stderr, and stdout written byte for byte (or an error said, never dropped)."""

from __future__ import annotations

import codecs
import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from handover.errors import OutputError, one_line
from handover.output import FORMATS, chunks, render

if TYPE_CHECKING:
    from handover.output.views import View


def note(text: str) -> None:
    click.echo(one_line(text), err=True)


def write_stdout(data: str | bytes) -> None:
    """Every byte to stdout, or an OSError. Text is encoded as stdout asks (UTF-8 where it
    says ASCII, as click does; what cannot be encoded becomes an escape). The bytes are
    written in a loop: with PYTHONUNBUFFERED set, stdout is a raw file whose short write
    (a reader that went away) Python's text layer would drop without a word."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write the output: stdout is closed")
    if isinstance(data, str):
        encoding = codecs.lookup(stream.encoding or "utf-8").name
        data = data.encode("utf-8" if encoding == "ascii" else encoding, "backslashreplace")
    raw = getattr(stream, "buffer", None)
    if raw is None:  # a stream without bytes underneath: it writes text only
        click.echo(data, nl=False)
        return
    stream.flush()  # whatever was written before, first
    view = memoryview(data)
    while view:
        written = raw.write(view)
        if not written:
            raise OSError(errno.EAGAIN, "stdout took no more output")
        view = view[written:]
    raw.flush()


STDOUT_PIECE = 256 * 1024  # characters gathered before a write to stdout


def emit_view(fmt: str, view: View, output: str | None = None) -> None:
    """Render the view and write it to stdout, or atomically to `output`. Its notes are part
    of a format for people; beside data for programs they go to stderr. On stdout a view is
    written in pieces as it is made (a long CSV or JSON listing is never held whole)."""
    if output is None or output == "-":
        gathered: list[str | bytes] = []
        size = 0
        for piece in chunks(fmt, view):
            gathered.append(piece)
            size += len(piece)
            if size >= STDOUT_PIECE:
                write_stdout(_joined(gathered))
                gathered, size = [], 0
        if gathered:
            write_stdout(_joined(gathered))
    else:
        write_out(render(fmt, view), output)
    if not FORMATS[fmt].for_people:
        for line in view.notes:
            note(line)


def _joined(pieces: list[str | bytes]) -> str | bytes:
    """One renderer's pieces, all text or all bytes (a mix is a TypeError, never dropped)."""
    if isinstance(pieces[0], bytes):
        return b"".join(cast(list[bytes], pieces))
    return "".join(cast(list[str], pieces))


def write_out(data: str | bytes, output: str | None) -> None:
    """To stdout (None or -), or atomically to the file `output`."""
    if output is None or output == "-":
        write_stdout(data)
    else:
        from handover.atomic import write_atomic  # tempfile and shutil: only for --output

        write_atomic(Path(output), data.encode() if isinstance(data, str) else data)
        note(f"wrote {output}")
