"""CSV for spreadsheets and programs: the fields of DESIGN section 3, in order."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@")


def cell(value: Any) -> str:
    """One CSV cell: empty for missing, true/false for booleans, and text that a spreadsheet
    would run as a formula prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)


def render(records: Iterable[Mapping[str, Any]], fields: Iterable[str]) -> str:
    names = list(fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([cell(record[name]) for name in names])
    return out.getvalue()
