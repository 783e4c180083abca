"""Errors the user can act on, each with its exit code (README: Exit codes and errors),
caught in one place (cli.HandoverGroup.main) and printed as lines on stderr."""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_DATA = 1  # invalid data file, or an I/O failure
EXIT_USAGE = 2  # bad option, bad date, unknown name
EXIT_OVERDUE = 3  # status --fail-if-overdue found something overdue
EXIT_INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C, as shells report it
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool ended by a closed pipe


class HandoverError(Exception):
    """Base class: a problem reported as message lines on stderr, then exit with `exit_code`."""

    exit_code = EXIT_DATA

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines: tuple[str, ...] = lines


class DataFileError(HandoverError):
    """The data file cannot be read or written, or is not a valid dataset (exit 1)."""

    exit_code = EXIT_DATA


class EditError(HandoverError):
    """A `record` edit does not fit the data (already completed, say): nothing is written
    (exit 1)."""

    exit_code = EXIT_DATA


class OutputError(HandoverError):
    """The answer cannot be written where it should go (stdout closed, disk full): exit 1."""

    exit_code = EXIT_DATA


class UsageError(HandoverError):
    """The user asked for something that cannot be answered: bad date, unknown name, a
    `record` without a data file of theirs (exit 2)."""

    exit_code = EXIT_USAGE


# Control characters, and the bidirectional controls that reorder what follows them.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    r"""A message as one line a terminal shows as written: control characters (a newline or
    an escape sequence in a file's name, say) and bidirectional controls written as escapes
    (`\x1b`, `\n`, `\u202e`), so that a name can neither retitle the terminal, colour the
    line, split it in two, nor reverse the rest of it."""
    return _UNSHOWABLE.sub(lambda found: ascii(found.group())[1:-1], text)
