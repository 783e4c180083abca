"""validate and schema: keeping a dataset."""

from __future__ import annotations

import click

from handover.commands.app import App, pass_app
from handover.commands.options import data_option
from handover.commands.streams import emit_view, write_stdout
from handover.library import load_library
from handover.models import json_schema
from handover.output.views import Document
from handover.plural import plural


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
        revisions = sum(len(h.revisions) for h in dataset.handovers)
        sources = len(dataset.agreement.sources) + sum(
            len(h.sources) + sum(len(r.sources) for r in h.revisions) for h in dataset.handovers
        )
        counts = [
            (len(dataset.handovers), "handover"),
            (revisions, "revision"),
            (sources, "source"),
        ]
        summary = ", ".join(plural(n, noun) for n, noun in counts)
        write_stdout(f"{entry.path}: valid: agreement {entry.id}, {summary}\n")


@click.command()
def schema() -> None:
    """Print the JSON Schema of the data file (for editors that check YAML as you type)."""
    emit_view("json", Document(json_schema()))
