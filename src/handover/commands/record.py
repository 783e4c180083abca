"""record: put news into the data file (README: record). On a schema 3 file each verb writes
one event; on a schema 1 or 2 file, what that schema can say is written in its own words,
and anything else asks for `handover migrate FILE` first."""

from __future__ import annotations

import os
import re
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
    NewEvent,
    NewHandover,
    SourceArgs,
    add,
    add_event,
    complete,
    locked,
    plan,
    postpone,
    set_checked,
)
from handover.errors import UsageError
from handover.library import installed_data, is_bundled
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
    if path is not None and (installed_data(path) or (app.bundled and is_bundled(path))):
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


SOURCES = "handover.sources"
_PERIOD = re.compile(r"[0-9]{4}(-[0-9]{2})?")


def _set_source(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    ctx.meta.setdefault(SOURCES, {})[param.name] = value


def _published(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """--published: a day (any way --date takes one), a month `2025-02` or a year `2025`."""
    if value is None:
        return _set_source(ctx, param, None)
    if _PERIOD.fullmatch(value):
        return _set_source(ctx, param, value)
    return _set_source(ctx, param, DateParam().convert(value, param, ctx))


def source_options(command: F) -> F:
    """SOURCE: --source URL (repeatable), and for a single source --publisher, --title and
    --published (a day, YYYY-MM or YYYY; default the day of the news)."""
    for option in (
        click.option("--published", metavar="DATE", expose_value=False, callback=_published,
                     help="When the source was published (default: the day of the news)."),
        click.option("--title", metavar="TEXT", expose_value=False, callback=_set_source,
                     help="The source's title."),
        click.option("--publisher", metavar="TEXT", expose_value=False, callback=_set_source,
                     help="Who reported it."),
        click.option("--source", "source", multiple=True, metavar="URL", expose_value=False,
                     callback=_set_source, help="Where it was reported (repeatable)."),
    ):  # fmt: skip
        command = option(command)
    return command


def _sources(app: App, today: date) -> SourceArgs:
    given = click.get_current_context().meta.get(SOURCES, {})
    urls = tuple(given.get("source") or ())
    described = {k: given.get(k) for k in ("publisher", "title", "published")}
    if len(urls) > 1 and any(v is not None for v in described.values()):
        raise UsageError(
            "--publisher, --title and --published describe a single --source; "
            "with several, give them one command each"
        )
    published = described["published"]
    if (described["title"] is not None or published is not None) and not (
        urls or described["publisher"]
    ):
        raise UsageError("--title and --published describe a source: give --source or --publisher")
    if isinstance(published, str):
        from handover.models import to_published

        try:
            to_published(published)
        except ValueError as exc:
            raise UsageError(f"--published: {exc}") from None
    if published is not None:
        spec = published if isinstance(published, str) else app.as_of(published)
        if isinstance(spec, date) and spec > today:
            raise UsageError(f"--published {spec} is in the future (today is {today})")
        published = spec
    return SourceArgs(urls, described["publisher"], described["title"], published)


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."
)
on_option = click.option(
    "--on", "on", type=DateParam(), required=True, metavar="DATE", help="The day it happened."
)
note_option = click.option("--note", metavar="TEXT", help="What the news says, in a sentence.")


def news_options(command: F) -> F:
    """What every verb that records news takes: SOURCE, --note, --dry-run, --wait, --data
    (and the run's App, passed first)."""
    for decorate in (pass_app, data_option, wait_option, dry_run_option, note_option):
        command = decorate(command)
    return source_options(command)


def _needs_three(dataset: Dataset, what: str) -> None:
    if dataset.schema_ != 3:
        raise UsageError(
            f"{what} needs a schema 3 data file (this one is schema {dataset.schema_}); "
            "run handover migrate FILE first"
        )


def _event(app: App, path: Path, dataset: Dataset, new: NewEvent, dry_run: bool) -> None:
    _needs_three(dataset, f"record {new.kind}")
    source = _sources(app, today_in(dataset.agreement.timezone))
    _apply(path, add_event(new, source, note), dry_run)


@record.command("complete")
@click.argument("name", shell_complete=complete_names)
@on_option
@news_options
def record_complete(app: App, name: str, on: DateSpec, note: str | None, dry_run: bool) -> None:
    """Record that the handover NAME was completed."""
    dataset, handover, path = _target(app, name)
    day = _not_future(dataset, "--on", app.as_of(on))
    if dataset.schema_ == 3:
        _event(app, path, dataset, NewEvent(handover.id, day, "completed", note=note), dry_run)
        return
    source = _sources(app, today_in(dataset.agreement.timezone))
    _apply(path, complete(handover.id, day, source, note), dry_run)


@record.command("postpone")
@click.argument("name", shell_complete=complete_names)
@click.option("--to", "to", type=DateParam(), metavar="DATE", help="New deadline.")
@click.option("--no-date", is_flag=True, help="Postponed with no new date.")
@click.option("--announced", type=DateParam(), required=True, metavar="DATE", help="Announced on.")
@click.option("--reason", required=True, metavar="TEXT", help="Why, as reported.")
@news_options
def record_postpone(
    app: App,
    name: str,
    to: DateSpec | None,
    no_date: bool,
    announced: DateSpec,
    reason: str,
    note: str | None,
    dry_run: bool,
) -> None:
    """Record that the deadline of NAME moved (or was postponed with no new date)."""
    if (to is None) == (not no_date):
        raise UsageError("record postpone needs one of --to DATE and --no-date")
    dataset, handover, path = _target(app, name)
    when = _not_future(dataset, "--announced", app.as_of(announced))
    deadline = None if to is None else app.as_of(to)
    if dataset.schema_ == 3:
        new = NewEvent(handover.id, when, "postponed", deadline, reason, note=note)
        _event(app, path, dataset, new, dry_run)
        return
    if deadline is None or note is not None:
        _needs_three(dataset, "a postponement with no new date or a note")
    assert deadline is not None
    # Whether the new deadline is later is checked under the lock, on the file as it is then.
    source = _sources(app, today_in(dataset.agreement.timezone))
    _apply(path, postpone(handover.id, deadline, when, reason, source), dry_run)


def _handover_verb(kind: str, doc: str) -> None:
    @record.command(kind, help=doc)
    @click.argument("name", shell_complete=complete_names)
    @on_option
    @news_options
    def verb(app: App, name: str, on: DateSpec, note: str | None, dry_run: bool) -> None:
        dataset, handover, path = _target(app, name)
        day = _not_future(dataset, "--on", app.as_of(on))
        written = {"begin": "began", "reverse": "reversed"}.get(kind, kind)
        _event(app, path, dataset, NewEvent(handover.id, day, written, note=note), dry_run)


_handover_verb("begin", "Record that the handover NAME began (schema 3).")
_handover_verb("reverse", "Record that NAME was taken back after its completion (schema 3).")
_handover_verb("held", "Record a report that NAME was not done on that day (schema 3).")
_handover_verb("unclear", "Record that, from that day, no source can tell about NAME (schema 3).")


def _agreement(app: App, agreement_id: str) -> tuple[Dataset, Path]:
    _users_own(app)
    entry = app.library().entry(agreement_id)
    _users_own(app, entry.path)
    return entry.dataset, entry.path


def _agreement_verb(kind: str, written: str, doc: str) -> None:
    @record.command(kind, help=doc)
    @click.argument("agreement_id", metavar="AGREEMENT")
    @on_option
    @news_options
    def verb(app: App, agreement_id: str, on: DateSpec, note: str | None, dry_run: bool) -> None:
        dataset, path = _agreement(app, agreement_id)
        day = _not_future(dataset, "--on", app.as_of(on))
        _event(app, path, dataset, NewEvent(None, day, written, note=note), dry_run)


_agreement_verb("suspend", "suspended", "Record that the AGREEMENT was suspended (schema 3).")
_agreement_verb("resume", "resumed", "Record that the AGREEMENT was resumed (schema 3).")


@record.command("end")
@click.argument("agreement_id", metavar="AGREEMENT")
@on_option
@click.option(
    "--how",
    type=click.Choice(["lapsed", "collapsed", "superseded", "terminated", "fulfilled"]),
    required=True,
    help="How it ended.",
)
@click.option("--by", "by", metavar="ID", help="The agreement that replaced it (superseded).")
@news_options
def record_end(
    app: App,
    agreement_id: str,
    on: DateSpec,
    how: str,
    by: str | None,
    note: str | None,
    dry_run: bool,
) -> None:
    """Record that the AGREEMENT ended (schema 3)."""
    if by is not None and how != "superseded":
        raise UsageError("--by names the agreement that replaced this one: --how superseded")
    dataset, path = _agreement(app, agreement_id)
    day = _not_future(dataset, "--on", app.as_of(on))
    new = NewEvent(None, day, "ended", how=how, by=by, note=note)
    _event(app, path, dataset, new, dry_run)


@record.command("checked")
@click.argument("agreement_id", metavar="AGREEMENT")
@on_option
@dry_run_option
@wait_option
@data_option
@pass_app
def record_checked(app: App, agreement_id: str, on: DateSpec, dry_run: bool) -> None:
    """Record that the news about AGREEMENT was checked up to a day (schemas 2 and 3)."""
    dataset, path = _agreement(app, agreement_id)
    if dataset.schema_ == 1:
        raise UsageError("checked needs schema 2 or 3 (this file says 1); set schema: 2")
    day = _not_future(dataset, "--on", app.as_of(on))
    _apply(path, set_checked(day), dry_run)


@record.command("add")
@click.argument("handover_id", metavar="ID")
@click.option(
    "--agreement", "agreement_id", metavar="ID", help="The agreement (when several are loaded)."
)
@click.option("--name", required=True, metavar="TEXT", help="Name of the area.")
@click.option("--from", "from_", required=True, metavar="PARTY", help="Party handing over.")
@click.option("--to", "to", required=True, metavar="PARTY", help="Party receiving.")
@click.option(
    "--deadline",
    required=True,
    metavar="DATE|RULE",
    help="A date, or a rule as output writes it: 'in_force + 60 days', 'in_force day 22'.",
)
@click.option("--begin-by", metavar="DATE|RULE", help="When it must have begun (schema 3).")
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
    deadline: str,
    begin_by: str | None,
    aliases: tuple[str, ...],
    provision: str | None,
    dry_run: bool,
) -> None:
    """Add a new handover with the id ID."""
    _users_own(app)
    library = app.library()
    if agreement_id is None and len(library) > 1:
        known = ", ".join(e.id for e in library.entries)
        raise UsageError(f"record add needs --agreement ID when several are loaded ({known})")
    entry = library.entry(agreement_id or library.entries[0].id)
    _users_own(app, entry.path)
    dataset = entry.dataset
    due = _date_or_rule(app, dataset, "--deadline", deadline)
    begin = None if begin_by is None else _date_or_rule(app, dataset, "--begin-by", begin_by)
    if begin is not None:
        _needs_three(dataset, "--begin-by")
    new = NewHandover(handover_id, name, from_, to, due, tuple(aliases), provision, begin)
    source = _sources(app, today_in(dataset.agreement.timezone))
    _apply(entry.path, add(new, source), dry_run)


_RULE = re.compile(
    r"(signed|in_force)\s*(?:\+\s*([0-9]+)\s*(days?|weeks?|months?|years?)|day\s+([0-9]+))"
)


def _date_or_rule(app: App, dataset: Dataset, option: str, text: str) -> Any:
    """A date (as --date takes one), or a rule as output writes it: `in_force + 60 days`,
    `signed + 3 years`, `in_force day 22` (a mapping for the file). A rule needs schema 2
    (and `day` schema 3): in an older file, what it cannot say asks for the schema."""
    found = _RULE.fullmatch(text.strip())
    if found is None:
        try:
            return app.as_of(DateParam().convert(text, None, None))
        except click.BadParameter as exc:
            raise UsageError(f"{option}: {exc.format_message()}") from None
    after, count, unit, day = found.groups()
    if day is not None:
        _needs_three(dataset, f"{option} {text!r} (an ordinal day)")
        return {"after": after, "day": int(day)}
    if dataset.schema_ == 1:
        raise UsageError(f"{option} {text!r}: a rule needs schema: 2 (this file says 1)")
    return {"after": after, unit if unit.endswith("s") else unit + "s": int(count)}
