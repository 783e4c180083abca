"""site: a static site a newsroom can host as it is (README: site).

Every file is made in memory first, then written atomically, one by one, and only where its
bytes changed; nothing else in the folder is touched. The pages, the feed and the calendar
depend only on the data and the date, so a second run writes byte-identical files."""

from __future__ import annotations

import contextlib
import os
from datetime import date, timedelta
from pathlib import Path

import click

from handover.commands.app import App, pass_app
from handover.commands.options import (
    agreement_option,
    base_url_option,
    data_option,
    date_option,
)
from handover.commands.streams import note
from handover.dates import DateSpec
from handover.errors import OutputError, UsageError

FEED_DAYS = 90  # the feed covers D-89 to D
DOWNLOADS = (
    ("handovers.csv", "every handover (CSV)"),
    ("handovers.json", "every handover (JSON)"),
    ("changes.csv", "the changes behind the feed (CSV)"),
    ("feed.xml", "feed (Atom)"),
    ("calendar.ics", "calendar of deadlines (iCalendar)"),
)


@click.command()
@date_option
@agreement_option
@click.option(
    "--output",
    "output",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=True, dir_okay=True),
    help="The folder to write the site into (made if missing; other files are left alone).",
)
@base_url_option(
    "Where the site will be published: the feed then links itself and its pages there."
)
@click.option("--title", metavar="TEXT", help="The site's title (default: Handovers).")
@data_option
@pass_app
def site(
    app: App,
    when: DateSpec | None,
    picked: tuple[str, ...],
    output: str,
    base_url: str | None,
    title: str | None,
) -> None:
    """A static site to host: an index, a page per agreement, a feed, a calendar and the data."""
    as_of = app.as_of(when)
    files = build(app, as_of, picked, base_url, title or "Handovers")
    folder = _folder(app, output)  # made only once there is a site to put in it
    from handover.atomic import write_atomic

    written = 0
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):  # unreadable: written anew
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                continue  # unchanged: left as it is, so a sync publishes only what changed
        write_atomic(target, data)
        written += 1
    note(f"wrote {written} of {len(files)} files to {output} ({len(files) - written} unchanged)")


def _folder(app: App, output: str) -> Path:
    """DIR, made if missing; a file, the data file or a folder that cannot be written is
    refused with one line."""
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        app.check_output(output)  # the data file: refused as every --output refuses it
        raise UsageError(f"--output {output} is a file; the site needs a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot make the folder {output}: {error.strerror}") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {output}: permission denied")
    return folder


def build(
    app: App, as_of: date, picked: tuple[str, ...], base: str | None, title: str
) -> dict[str, bytes]:
    """Every file of the site, by its path in the folder."""
    from handover.commands.publish import RECENT_DAYS
    from handover.output import render as render_view
    from handover.output.figure import chart
    from handover.output.report import Section, long_date, render
    from handover.output.views import ChangeLog, Export, Upcoming
    from handover.timeline import change_order, changes, in_play, rows_of, upcoming

    # by id: the site is the same however the library's files are arranged or named
    datasets = sorted(app.existing(as_of, picked), key=lambda d: d.agreement.id)
    all_rows = rows_of(datasets, as_of)
    files: dict[str, bytes] = {}
    first = max(as_of - timedelta(days=FEED_DAYS - 1), date.min)  # the feed's window
    playing, others, found = [], [], []
    for d in datasets:
        rows = rows_of([d], as_of)
        figure = chart([d], rows, as_of, ids=f"chart-{d.agreement.id}")
        if in_play(d, as_of):  # the index shows its state of play, not its section
            playing.append(Section(d.agreement, rows, [], ""))
        else:
            others.append(d.agreement)
        everything = changes(d, date.min, as_of)
        found += [c for c in everything if c.date >= first]
        page = render(
            as_of,
            [Section(d.agreement, rows, everything, figure.html())],
            (),
            RECENT_DAYS,
            link=lambda agreement: "index.html",
            downloads=tuple((f"../{name}", words) for name, words in DOWNLOADS),
            home="../index.html",
            site_title=title,
            all_changes=True,
        )
        files[f"{d.agreement.id}/index.html"] = page.encode()
    files["index.html"] = render(
        as_of,
        playing,
        (),
        RECENT_DAYS,
        link=lambda agreement: f"{agreement}/index.html",
        downloads=DOWNLOADS,
        heading=f"{title}: as of {long_date(as_of)}",
        site_title=title,
        index_only=True,
        others=others,
    ).encode()
    found.sort(key=change_order)
    ids = tuple(d.agreement.id for d in datasets)
    heading = f"Changes from {first.isoformat()} to {as_of.isoformat()}"
    log = ChangeLog(heading, found, (), ids, as_of, title=title, base_url=base, linked=True)
    files["feed.xml"] = _bytes(render_view("atom", log))
    files["changes.csv"] = _bytes(render_view("csv", log))
    export = Export(
        f"Handovers as of {as_of.isoformat()}", all_rows, [d.agreement for d in datasets]
    )
    files["handovers.csv"] = _bytes(render_view("csv", export))
    files["handovers.json"] = _bytes(render_view("json", export))
    ahead, _ = upcoming(all_rows)
    files["calendar.ics"] = _bytes(render_view("ics", Upcoming("Upcoming deadlines", ahead)))
    return files


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data
