"""The command line's entry point: the group, lazy loading of commands, and the one place where
errors become messages and exit codes.

Start-up matters: `handover --help` imports click and this module only. Each command lives in
handover/commands/ and is imported when it runs; its one-line help is listed here so that
--help need not import anything (a test keeps the two in step).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any, NoReturn

import click

from handover.errors import (
    EXIT_CLOSED_PIPE,
    EXIT_INTERRUPTED,
    DataFileError,
    HandoverError,
    one_line,
)

# name -> (module, one-line help), in the order README tours them.
COMMANDS: dict[str, tuple[str, str]] = {
    "status": ("query", "The state of every handover (or the NAMEd ones) as of a date."),
    "upcoming": (
        "query",
        "Handovers pending or due as of a date, soonest deadline first, in every agreement.",
    ),
    "delays": (
        "query",
        "Deadlines that moved, overdue handovers and late completions, largest slip first.",
    ),
    "show": (
        "query",
        "Everything about one handover (or one AGREEMENT) as of a date, with its sources.",
    ),
    "agreements": (
        "query",
        "Every agreement that exists on a date: its handovers, and whether it is in play.",
    ),
    "export": ("publish", "Every handover as of a date: CSV, JSON, iCalendar or Markdown."),
    "timeline": ("publish", "A chart of every handover on one date axis, as known on a date."),
    "report": (
        "publish",
        "A page to publish: each agreement's state, chart, recent changes and sources.",
    ),
    "changes": (
        "publish",
        "What happened in a window: signed, revised, due, missed, completed; oldest first.",
    ),
    "site": (
        "site",
        "A static site to host: an index, a page per agreement, a feed, a calendar and the data.",
    ),
    "validate": (
        "dataset",
        "Check data files and folders (default: the data loaded); list every problem of every "
        "file, FILE:LINE:COL.",
    ),
    "schema": (
        "dataset",
        "Print the JSON Schema of the data file (for editors that check YAML as you type).",
    ),
    "migrate": ("dataset", "Rewrite a schema 1 or 2 data file as schema 3, keeping its comments."),
    "record": ("record", "Record news into the data file named by --data or HANDOVER_DATA."),
}


def _one_line(message: str) -> str:
    return " ".join(message.split())


class HandoverGroup(click.Group):
    """Loads commands on demand, and turns every error into lines on stderr and its exit
    code; never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = import_module(f"handover.commands.{COMMANDS[cmd_name][0]}")
        command: click.Command = getattr(module, cmd_name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:  # carried past click's own EPIPE handling, to main below
            raise _WriteFailed(exc) from None

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:  # `handover --help` and `--version` write while the options are parsed
            return super().make_context(info_name, args, parent, **extra)
        except OSError as exc:
            raise _WriteFailed(exc) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        _tolerant(sys.stdout)
        _tolerant(sys.stderr)
        try:
            try:
                code = super().main(*args, **kwargs)
                if sys.stdout is not None:
                    sys.stdout.flush()  # here, where a failure can still be reported
            except _WriteFailed as failed:
                raise failed.error from None
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `handover`, `handover record`
            click.echo(exc.ctx.get_help(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "handover"
            click.echo(one_line(f"{where}: error: {_one_line(exc.format_message())}"), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(one_line(f"handover: error: {_one_line(exc.format_message())}"), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:  # click's word for an interrupt (it has printed a line break)
            sys.exit(EXIT_INTERRUPTED)
        except HandoverError as exc:
            # Data-file messages start with the file's name; the others get the program's.
            prefix = "" if isinstance(exc, DataFileError) else "handover: error: "
            for line in exc.lines:
                click.echo(one_line(prefix + line), err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:  # writing the answer failed (file errors are HandoverErrors)
            _stdout_to_null()  # so that Python's own flush at exit has nothing to fail on
            if exc.errno == errno.EPIPE:
                sys.exit(EXIT_CLOSED_PIPE)  # `| head`: quiet, as other tools end
            click.echo(f"handover: error: cannot write the output: {exc.strerror}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class _WriteFailed(Exception):
    """Writing the answer failed; carries the OSError past click's handling."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _tolerant(stream: Any) -> None:
    """On a stream that cannot encode every character (an ASCII locale), write the others as
    escapes (K\\u0259lb\\u0259c\\u0259r) instead of failing; JSON stays valid."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
        with contextlib.suppress(ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")


def _stdout_to_null() -> None:
    with contextlib.suppress(AttributeError, ValueError, OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())


def _help_width() -> int:
    """The width click gives --help (terminal columns, at most 80, less 2, at least 50),
    worked out without importing shutil (and with it bz2, lzma and more) just to draw it."""
    columns = 80
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        stdout = sys.__stdout__
        if stdout is not None:
            with contextlib.suppress(AttributeError, ValueError, OSError):
                columns = os.get_terminal_size(stdout.fileno()).columns
    return max(min(columns, 80) - 2, 50)


@click.group(
    cls=HandoverGroup,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": _help_width()},
)
@click.option(
    "--data",
    metavar="PATH",
    type=click.Path(),
    multiple=True,
    help="A data file or a folder of them; repeat for more (default: $HANDOVER_DATA, "
    "several paths separated by ':', else the bundled library).",
)
@click.option(
    "--bundled",
    is_flag=True,
    help="Add the bundled library to the data that --data or $HANDOVER_DATA names.",
)
@click.version_option(package_name="handover", prog_name="handover")
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...], bundled: bool) -> None:
    """Track territorial handovers agreed in ceasefires and peace agreements.

    Every answer is as of a date (--date, default today in the agreement's time zone):
    nothing announced or completed after that date is visible.
    """
    from handover.commands.app import App
    from handover.commands.options import check_data

    for one in data:
        check_data(one)
    if data:
        ctx.ensure_object(App).data_options = list(data)
    if bundled:
        ctx.ensure_object(App).bundled = True


def main(args: Sequence[str] | None = None, prog_name: str = "handover") -> NoReturn:
    cli.main(args=args, prog_name=prog_name)
