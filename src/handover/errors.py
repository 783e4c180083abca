"""Errors the user can act on. Each carries its exit code (DESIGN section 3)."""

from __future__ import annotations


class HandoverError(Exception):
    """Base class: a problem reported as message lines on stderr, then exit with `exit_code`."""

    exit_code = 1

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines: tuple[str, ...] = lines


class DataFileError(HandoverError):
    """The data file cannot be read, or is not a valid dataset (exit 1)."""

    exit_code = 1


class UsageProblem(HandoverError):
    """The user asked for something that cannot be answered: bad date, unknown name (exit 2)."""

    exit_code = 2
