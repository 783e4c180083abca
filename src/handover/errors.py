"""Errors the user can act on, each with its exit code (README: Exit codes and errors),
caught in one place (cli.HandoverGroup.main) and printed as lines on stderr."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1  # invalid data file, or an I/O failure
EXIT_USAGE = 2  # bad option, bad date, unknown name
EXIT_OVERDUE = 3  # status --fail-if-overdue found something overdue


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
