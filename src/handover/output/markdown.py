"""A Markdown table for reports: a pipe table that reads as plain text too."""

from __future__ import annotations

import html
import re

from handover.output.plain import plain
from handover.output.views import Export
from handover.output.words import summary

HEADERS = ("Handover", "From → to", "Status", "Deadline", "Original deadline", "Completed", "Notes")


# Inside a pipe-table cell only inline syntax can act: emphasis, code, links, strike-through,
# the cell divider. Those characters are escaped with a backslash; & < > become HTML
# entities, so that no tag or entity in the data is ever rendered as HTML.
_INLINE = re.compile(r"([\\`*_\[\]~|])")


def _cell(text: str) -> str:
    text = html.escape(plain(text).replace("\n", " "), quote=False)
    return _INLINE.sub(r"\\\1", text)


def render(view: Export) -> str:
    several = len({r.agreement.id for r in view.rows}) > 1  # then say whose each row is
    headers = ("Agreement", *HEADERS) if several else HEADERS
    lines = [f"**{_cell(view.heading)}**", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    for r in view.rows:
        h = r.handover
        cells = (
            h.name,
            f"{h.from_} → {h.to}",
            str(r.status),
            *(d.isoformat() if d else "-" for d in (r.shown_deadline, r.shown_original)),
            r.completed.isoformat() if r.completed else "-",
            summary(r) or "-",
        )
        shown = (r.agreement.id, *cells) if several else cells
        lines.append("| " + " | ".join(_cell(c) for c in shown) + " |")
    return "\n".join(lines) + "\n"
