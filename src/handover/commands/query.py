"""status, upcoming, delays, show: the state of play as of a date."""

from __future__ import annotations

from collections.abc import Iterator

import click

from handover.commands.app import App, pass_app
from handover.commands.options import (
    agreement_option,
    all_option,
    complete_names,
    data_option,
    date_option,
    format_option,
    status_option,
)
from handover.commands.streams import emit_view, note
from handover.dates import DateSpec
from handover.errors import EXIT_OVERDUE
from handover.output.views import AgreementDetail, AgreementList, Detail, Listing, Upcoming
from handover.plural import plural
from handover.timeline import Row, Status, agreement_fields, row, rows, rows_of
from handover.timeline import delays as delayed
from handover.timeline import upcoming as upcoming_rows


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=complete_names)
@date_option
@agreement_option
@all_option
@status_option
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
    picked: tuple[str, ...],
    show_all: bool,
    statuses: frozenset[str] | None,
    fmt: str,
    fail_if_overdue: bool,
) -> None:
    """The state of every handover (or the NAMEd ones) as of a date."""
    as_of = app.as_of(when)
    wanted: dict[str, set[str]] | None = None
    more: tuple[str, ...] = ()
    if names:  # NAMEs pick handovers anywhere; listed in file order, as without them
        named: dict[str, set[str]] = {}
        for entry, hid in app.resolve(names):
            named.setdefault(entry.id, set()).add(hid)
        entries = [e for e in app.library().entries if e.id in named]
        wanted = named
    else:
        # with --status, every agreement that exists on the date (as --all), unless picked
        entries, more = app.covered_entries(as_of, picked, show_all or statuses is not None)
    overdue: list[str] = []

    def made() -> Iterator[Row]:
        """The rows, one agreement at a time (a format that streams holds one agreement's
        models in memory, not the library's), noting what is overdue as they go."""
        for dataset in app.library().stream(entries):
            only = None if wanted is None else wanted[dataset.agreement.id]
            for found in rows(dataset, as_of, only):
                if statuses is not None and str(found.status) not in statuses:
                    continue
                if found.status is Status.OVERDUE:
                    overdue.append(found.handover.id)
                yield found

    notes = (*more, *app.staleness(as_of, entries))
    emit_view(fmt, Listing(app.headline("Handovers", as_of, entries), made(), notes=notes))
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
@agreement_option
@all_option
@format_option(Upcoming)
@data_option
@pass_app
def upcoming(
    app: App,
    when: DateSpec | None,
    within: int | None,
    picked: tuple[str, ...],
    show_all: bool,
    fmt: str,
) -> None:
    """Handovers pending or due as of a date, soonest deadline first, in every agreement."""
    as_of = app.as_of(when)
    datasets, more = app.covered(as_of, picked, show_all)
    chosen, overdue = upcoming_rows(rows_of(datasets, as_of), within)
    notes = (*more, *app.staleness(as_of, datasets))
    if overdue:
        count = plural(overdue, "handover is", "handovers are")
        notes = (f"{count} overdue and not listed here (see: handover delays)", *notes)
    heading = app.headline("Upcoming deadlines", as_of, datasets)
    emit_view(fmt, Upcoming(heading, chosen, notes=notes))


@click.command()
@date_option
@agreement_option
@all_option
@format_option(Listing)
@data_option
@pass_app
def delays(
    app: App, when: DateSpec | None, picked: tuple[str, ...], show_all: bool, fmt: str
) -> None:
    """Deadlines that moved, overdue handovers and late completions, largest slip first."""
    as_of = app.as_of(when)
    datasets, more = app.covered(as_of, picked, show_all)
    delayed_rows = delayed(rows_of(datasets, as_of))
    notes = (*more, *app.staleness(as_of, datasets))
    heading = app.headline("Delays", as_of, datasets)
    emit_view(fmt, Listing(heading, delayed_rows, "delays", notes))


@click.command()
@click.argument("name", shell_complete=complete_names)
@date_option
@format_option(Detail)  # (an AGREEMENT: the same formats)
@data_option
@pass_app
def show(app: App, name: str, when: DateSpec | None, fmt: str) -> None:
    """Everything about one handover (or one AGREEMENT) as of a date, with its sources."""
    as_of = app.as_of(when)
    library = app.library()
    if name in {e.id for e in library.entries}:  # an agreement id wins over a handover name
        dataset = library.entry(name).dataset
        view = AgreementDetail(
            agreement_fields(dataset, as_of),
            dataset.agreement,
            rows(dataset, as_of),
            as_of,
            app.staleness(as_of, [dataset]),
        )
        emit_view(fmt, view)
        return
    ((entry, hid),) = app.resolve([name])
    dataset = entry.dataset
    handover = next(h for h in dataset.handovers if h.id == hid)
    found = row(handover, dataset.agreement, as_of)
    emit_view(fmt, Detail(found, dataset.agreement, app.staleness(as_of, [dataset])))


@click.command()
@date_option
@all_option
@format_option(AgreementList)
@data_option
@pass_app
def agreements(app: App, when: DateSpec | None, show_all: bool, fmt: str) -> None:
    """Every agreement that exists on a date: its handovers, and whether it is in play."""
    as_of = app.as_of(when)
    datasets = app.existing(as_of, show_all=show_all)
    listed = [agreement_fields(d, as_of) for d in datasets]
    notes = app.staleness(as_of, datasets)
    emit_view(fmt, AgreementList(app.headline("Agreements", as_of, datasets), listed, notes))
