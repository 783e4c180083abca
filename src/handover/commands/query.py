"""status, upcoming, delays, show: the state of play as of a date."""

from __future__ import annotations

import click

from handover.commands.common import (
    App,
    complete_names,
    data_option,
    date_option,
    emit_view,
    format_option,
    note,
    pass_app,
)
from handover.dates import DateSpec
from handover.errors import EXIT_OVERDUE
from handover.output.views import Detail, Listing
from handover.plural import plural
from handover.timeline import Status, rows
from handover.timeline import delays as delayed
from handover.timeline import upcoming as upcoming_rows


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=complete_names)
@date_option
@format_option(Listing)
@click.option("--fail-if-overdue", is_flag=True, help="Exit with code 3 if any is overdue.")
@data_option
@pass_app
@click.pass_context
def status(
    ctx: click.Context,
    app: App,
    names: tuple[str, ...],
    when: DateSpec | None,
    fmt: str,
    fail_if_overdue: bool,
) -> None:
    """The state of every handover (or the NAMEd ones) as of a date."""

    as_of = app.as_of(when)
    chosen = rows(app.dataset(), as_of, app.resolve(names) if names else None)
    emit_view(fmt, Listing(app.headline("Handovers", as_of), chosen, notes=app.staleness(as_of)))
    overdue = [r.handover.id for r in chosen if r.status is Status.OVERDUE]
    if fail_if_overdue and overdue:
        note(f"overdue as of {as_of.isoformat()}: {', '.join(overdue)}")
        ctx.exit(EXIT_OVERDUE)


@click.command()
@date_option
@click.option(
    "--within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only deadlines at most DAYS days after the date.",
)
@format_option(Listing)
@data_option
@pass_app
def upcoming(app: App, when: DateSpec | None, within: int | None, fmt: str) -> None:
    """Handovers pending or due as of a date, soonest deadline first."""

    as_of = app.as_of(when)
    chosen, overdue = upcoming_rows(rows(app.dataset(), as_of), within)
    notes = app.staleness(as_of)
    if overdue:
        count = plural(overdue, "handover is", "handovers are")
        notes = (f"{count} overdue and not listed here (see: handover delays)", *notes)
    emit_view(fmt, Listing(app.headline("Upcoming deadlines", as_of), chosen, notes=notes))


@click.command()
@date_option
@format_option(Listing)
@data_option
@pass_app
def delays(app: App, when: DateSpec | None, fmt: str) -> None:
    """Deadlines that moved, overdue handovers and late completions, largest slip first."""

    as_of = app.as_of(when)
    delayed_rows = delayed(rows(app.dataset(), as_of))
    heading = app.headline("Delays", as_of)
    emit_view(fmt, Listing(heading, delayed_rows, "delays", app.staleness(as_of)))


@click.command()
@click.argument("name", shell_complete=complete_names)
@date_option
@format_option(Detail)
@data_option
@pass_app
def show(app: App, name: str, when: DateSpec | None, fmt: str) -> None:
    """Everything about one handover as of a date, with its sources."""

    as_of = app.as_of(when)
    (found,) = rows(app.dataset(), as_of, app.resolve([name]))
    emit_view(fmt, Detail(found, app.dataset().agreement, app.staleness(as_of)))
