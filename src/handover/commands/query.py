"""status, upcoming, delays, show: the state of play as of a date."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from handover.commands.common import (
    App,
    data_option,
    date_option,
    emit,
    emit_rows,
    format_option,
    headline,
    note,
    pass_app,
)

if TYPE_CHECKING:
    from handover.dates import DateSpec

EXIT_OVERDUE = 3


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@date_option
@format_option("table", "csv", "json")
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
    from handover.timeline import Status, rows

    as_of = app.as_of(when)
    chosen = rows(app.dataset(), as_of, app.resolve(names) if names else None)
    emit_rows(chosen, fmt, "status_table", headline(app, "Handovers", as_of))
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
@format_option("table", "csv", "json")
@data_option
@pass_app
def upcoming(app: App, when: DateSpec | None, within: int | None, fmt: str) -> None:
    """Handovers pending or due as of a date, soonest deadline first."""
    from handover.timeline import rows
    from handover.timeline import upcoming as upcoming_rows

    as_of = app.as_of(when)
    chosen, overdue = upcoming_rows(rows(app.dataset(), as_of), within)
    emit_rows(chosen, fmt, "status_table", headline(app, "Upcoming deadlines", as_of))
    if overdue:
        noun = "handover is" if overdue == 1 else "handovers are"
        message = f"{overdue} {noun} overdue and not listed here (see: handover delays)"
        if fmt == "table":
            click.echo(message)
        else:
            note(message)


@click.command()
@date_option
@format_option("table", "csv", "json")
@data_option
@pass_app
def delays(app: App, when: DateSpec | None, fmt: str) -> None:
    """Deadlines that moved, overdue handovers and late completions, largest slip first."""
    from handover.timeline import delays as delayed
    from handover.timeline import rows

    as_of = app.as_of(when)
    delayed_rows = delayed(rows(app.dataset(), as_of))
    emit_rows(delayed_rows, fmt, "delays_table", headline(app, "Delays", as_of))


@click.command()
@click.argument("name")
@date_option
@format_option("table", "json")
@data_option
@pass_app
def show(app: App, name: str, when: DateSpec | None, fmt: str) -> None:
    """Everything about one handover as of a date, with its sources."""
    from handover.timeline import rows

    as_of = app.as_of(when)
    (found,) = rows(app.dataset(), as_of, app.resolve([name]))
    if fmt == "json":
        from handover.output.json import render as render_json

        h = found.handover
        visible = [r.model_dump(mode="json") for r in found.revisions]
        detail = {
            **found.record(),
            "aliases": list(h.aliases),
            "notes": h.notes,
            "revisions": visible,
            "sources": [s.model_dump(mode="json") for s in h.sources],
        }
        emit(render_json(detail))
    else:
        from handover.output.table import print_all
        from handover.output.table import show as show_renderables

        print_all(sys.stdout, show_renderables(found, app.dataset()))
