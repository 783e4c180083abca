"""CSV for spreadsheets and programs: the fields of README's "Fields", in order."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from handover.output.plain import plain
from handover.output.views import AgreementList, ChangeLog, Export, Listing, Upcoming
from handover.timeline import AGREEMENT_FIELDS, CHANGE_FIELDS, FIELDS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: empty for missing, true/false for booleans; text without control
    characters (a line break is kept, and quoted), and text that a spreadsheet would run as
    a formula prefixed with a quote."""
    if isinstance(value, str):  # most cells: asked first
        text = plain(value)
        return "'" + text if text.startswith(_FORMULA_STARTS) else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    return str(value)


def table(records: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> str:
    return "".join(pieces(records, fields))


def pieces(
    records: Iterable[Mapping[str, Any]], fields: Sequence[str], rows_a_piece: int = 1000
) -> Iterator[str]:
    """The CSV text in pieces of `rows_a_piece` rows (the header first), made as the records
    come: a long listing is written while it is made, never held whole."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for count, record in enumerate(records, 1):
        writer.writerow([cell(record[name]) for name in fields])
        if count % rows_a_piece == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def chunks(view: Listing | Upcoming | Export | ChangeLog | AgreementList) -> Iterator[str]:
    if isinstance(view, AgreementList):
        return pieces(view.agreements, AGREEMENT_FIELDS)
    if isinstance(view, ChangeLog):
        # a change's sources: its URLs, space-separated (a URL holds no space)
        return pieces(
            ({**c.fields(), "sources": " ".join(c.links)} for c in view.changes), CHANGE_FIELDS
        )
    return pieces((r.fields() for r in view.rows), FIELDS)  # status and export alike


def render(view: Listing | Upcoming | Export | ChangeLog | AgreementList) -> str:
    return "".join(chunks(view))
