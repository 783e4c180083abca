"""validate and schema: keeping a dataset."""

from __future__ import annotations

import click

from handover.commands.common import App, data_option, emit_view, pass_app, write_stdout
from handover.library import data_path, load
from handover.models import json_schema
from handover.output.views import Document
from handover.plural import plural


@click.command()
@click.argument("file", required=False, metavar="[FILE]", type=click.Path())
@data_option
@pass_app
def validate(app: App, file: str | None) -> None:
    """Check a data file (default: the one --data names); list every problem, FILE:LINE:COL."""
    path = data_path(file or app.data_option)
    dataset = load(path)
    revisions = sum(len(h.revisions) for h in dataset.handovers)
    sources = len(dataset.agreement.sources) + sum(
        len(h.sources) + sum(len(r.sources) for r in h.revisions) for h in dataset.handovers
    )
    counts = [(len(dataset.handovers), "handover"), (revisions, "revision"), (sources, "source")]
    summary = ", ".join(plural(n, noun) for n, noun in counts)
    write_stdout(f"{path}: valid: agreement {dataset.agreement.id}, {summary}\n")


@click.command()
def schema() -> None:
    """Print the JSON Schema of the data file (for editors that check YAML as you type)."""
    emit_view("json", Document(json_schema()))
