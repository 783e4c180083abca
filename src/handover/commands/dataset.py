"""validate and schema: keeping a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from handover.commands.app import App, pass_app
from handover.commands.options import data_option
from handover.commands.streams import emit_view, note, write_stdout
from handover.errors import DataFileError, UsageError
from handover.library import load_library
from handover.models import json_schema
from handover.output.views import Document
from handover.plural import plural

if TYPE_CHECKING:
    from handover.edit import Planned


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path())
@data_option
@pass_app
def validate(app: App, paths: tuple[str, ...]) -> None:
    """Check data files and folders (default: the data loaded); list every problem of every
    file, FILE:LINE:COL."""
    library = load_library(list(paths) or app.data_options)
    for entry in library.entries:
        dataset = entry.dataset
        agreement, handovers = dataset.agreement, dataset.handovers
        events = [e for h in handovers for e in h.events]
        revisions = [r for h in handovers for r in h.revisions]
        sources = [*agreement.sources, *(s for e in agreement.events for s in e.sources)]
        sources += [s for h in handovers for s in h.sources]
        sources += [s for e in events for s in e.sources]
        sources += [s for r in revisions for s in r.sources]
        # schema 3 tells events (postponements, completions, ...); 1 and 2 tell revisions
        happened = len(agreement.events) + len(events)
        told = (happened, "event") if dataset.schema_ == 3 else (len(revisions), "revision")
        counts = [(len(handovers), "handover"), told, (len(sources), "source")]
        summary = ", ".join(plural(n, noun) for n, noun in counts)
        write_stdout(f"{entry.path}: valid: agreement {entry.id}, {summary}\n")


@click.command()
def schema() -> None:
    """Print the JSON Schema of the data file (for editors that check YAML as you type)."""
    emit_view("json", Document(json_schema()))


@click.command()
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing.")
def migrate(path: str, dry_run: bool) -> None:
    """Rewrite a schema 1 or 2 data file as schema 3, keeping its comments."""
    from handover.edit import locked, plan, undated_sources
    from handover.edit import migrate as to_schema_three
    from handover.library import installed_data, parse
    from handover.reading import decode, read_bytes

    file = Path(path)
    if installed_data(file):
        raise UsageError(
            f"{file} is the data bundled with the program, which is read-only; copy it"
        )

    def planned() -> Planned | None:
        text = decode(read_bytes(file), str(file))
        if parse(text, str(file)).schema_ == 3:
            return None
        undated = undated_sources(file, text)
        if undated:
            raise DataFileError(*undated)
        return plan(file, to_schema_three)

    if dry_run:
        found = planned()
        write_stdout("" if found is None else found.diff())
        return
    with locked(file):  # from reading to renaming, as record
        found = planned()
        if found is not None:
            found.write()
    note(f"{file} is schema 3 already; nothing to do" if found is None else f"migrated {file}")
