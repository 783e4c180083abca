"""record complete|postpone|add: put news into the data file."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from handover.commands.app import App, pass_app
from handover.commands.options import DateParam, complete_names, data_option
from handover.commands.streams import note, write_stdout
from handover.dates import DateSpec, today_in
from handover.edit import (
    LOCK_WAIT,
    Change,
    NewHandover,
    SourceArgs,
    add,
    complete,
    locked,
    plan,
    postpone,
)
from handover.errors import UsageError
from handover.library import installed_data
from handover.models import Dataset, Handover

F = Callable[..., Any]


@click.group()
@data_option
def record() -> None:
    """Record news into the data file named by --data or HANDOVER_DATA.

    Comments and formatting of everything else are kept; the result is validated before it
    is written, atomically. --dry-run shows the change as a diff and writes nothing.
    """


def _not_future(dataset: Dataset, option: str, day: date) -> date:
    """News is recorded after it happened: a date after today (in the agreement's time
    zone) is a mistake."""
    today = today_in(dataset.agreement.timezone)
    if day > today:
        raise UsageError(f"{option} {day} is in the future (today is {today})")
    return day


def _users_own(app: App, path: Path | None = None) -> None:
    """record edits data the user named, never the copy bundled with the program, whatever
    names it (HANDOVER_DATA, --data naming the package's folder outright)."""
    if not app.data_options and not os.environ.get("HANDOVER_DATA"):
        raise UsageError(
            "record edits the file named by --data FILE or HANDOVER_DATA; "
            "the dataset bundled with the program is read-only"
        )
    if path is not None and installed_data(path):
        raise UsageError(
            f"{path} is the data bundled with the program, which is read-only; "
            "copy it and name the copy with --data"
        )


def _target(app: App, name: str) -> tuple[Dataset, Handover, Path]:
    """The handover NAME, its agreement, and the file that holds them."""
    _users_own(app)
    ((entry, hid),) = app.resolve([name])
    _users_own(app, entry.path)
    dataset = entry.dataset
    handover = next(h for h in dataset.handovers if h.id == hid)
    return dataset, handover, entry.path


def _apply(path: Path, change: Change, dry_run: bool) -> None:
    if dry_run:
        write_stdout(plan(path, change).diff())
        return
    with locked(path, click.get_current_context().meta.get(WAIT, LOCK_WAIT)):
        # from reading to renaming: every "updated" is true, every check made on what is there
        plan(path, change).write()
    note(f"updated {path}")


WAIT = "handover.wait"


def _set_wait(ctx: click.Context, _param: click.Parameter, value: float | None) -> None:
    if value is not None:
        ctx.meta[WAIT] = value


def wait_option(command: F) -> F:
    """--wait SECONDS on every verb: how long to wait for another edit of the file."""
    return click.option(
        "--wait",
        type=click.FloatRange(min=0, max=24 * 60 * 60),
        metavar="SECONDS",
        expose_value=False,
        callback=_set_wait,
        help=f"How long to wait for another edit of the file (default {LOCK_WAIT:g}).",
    )(command)


def source_options(command: F) -> F:
    command = click.option("--publisher", metavar="TEXT", help="Who reported it.")(command)
    return click.option("--source", metavar="URL", help="Where it was reported.")(command)


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."
)


@record.command("complete")
@click.argument("name", shell_complete=complete_names)
@click.option("--on", "on", type=DateParam(), required=True, metavar="DATE", help="Completed on.")
@source_options
@click.option("--note", metavar="TEXT", help="A sentence to add to the notes.")
@dry_run_option
@wait_option
@data_option
@pass_app
def record_complete(
    app: App,
    name: str,
    on: DateSpec,
    source: str | None,
    publisher: str | None,
    note: str | None,
    dry_run: bool,
) -> None:
    """Record that the handover NAME was completed."""

    dataset, handover, path = _target(app, name)
    day = _not_future(dataset, "--on", app.as_of(on))
    _apply(path, complete(handover.id, day, SourceArgs(source, publisher), note), dry_run)


@record.command("postpone")
@click.argument("name", shell_complete=complete_names)
@click.option("--to", "to", type=DateParam(), required=True, metavar="DATE", help="New deadline.")
@click.option("--announced", type=DateParam(), required=True, metavar="DATE", help="Announced on.")
@click.option("--reason", required=True, metavar="TEXT", help="Why, as reported.")
@source_options
@dry_run_option
@wait_option
@data_option
@pass_app
def record_postpone(
    app: App,
    name: str,
    to: DateSpec,
    announced: DateSpec,
    reason: str,
    source: str | None,
    publisher: str | None,
    dry_run: bool,
) -> None:
    """Record that the deadline of NAME moved."""

    dataset, handover, path = _target(app, name)
    when = _not_future(dataset, "--announced", app.as_of(announced))
    # Whether the new deadline is later is checked under the lock, on the file as it is then.
    change = postpone(handover.id, app.as_of(to), when, reason, SourceArgs(source, publisher))
    _apply(path, change, dry_run)


@record.command("add")
@click.argument("handover_id", metavar="ID")
@click.option(
    "--agreement", "agreement_id", metavar="ID", help="The agreement (when several are loaded)."
)
@click.option("--name", required=True, metavar="TEXT", help="Name of the area.")
@click.option("--from", "from_", required=True, metavar="PARTY", help="Party handing over.")
@click.option("--to", "to", required=True, metavar="PARTY", help="Party receiving.")
@click.option("--deadline", type=DateParam(), required=True, metavar="DATE", help="Deadline.")
@click.option("--alias", "aliases", multiple=True, metavar="TEXT", help="Another name (repeat).")
@click.option("--provision", metavar="TEXT", help="Where the agreement says it.")
@source_options
@dry_run_option
@wait_option
@data_option
@pass_app
def record_add(
    app: App,
    handover_id: str,
    agreement_id: str | None,
    name: str,
    from_: str,
    to: str,
    deadline: DateSpec,
    aliases: tuple[str, ...],
    provision: str | None,
    source: str | None,
    publisher: str | None,
    dry_run: bool,
) -> None:
    """Add a new handover with the id ID."""
    _users_own(app)
    library = app.library()
    if agreement_id is None and len(library) > 1:
        known = ", ".join(e.id for e in library.entries)
        raise UsageError(f"record add needs --agreement ID when several are loaded ({known})")
    path = library.entry(agreement_id or library.entries[0].id).path
    _users_own(app, path)
    new = NewHandover(handover_id, name, from_, to, app.as_of(deadline), tuple(aliases), provision)
    _apply(path, add(new, SourceArgs(source, publisher)), dry_run)
