"""A Markdown table for reports: a pipe table that reads as plain text too."""

from __future__ import annotations

from collections.abc import Sequence

from handover.output.words import summary
from handover.timeline import Row

HEADERS = ("Handover", "From → to", "Status", "Deadline", "Original deadline", "Completed", "Notes")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render(rows: Sequence[Row], heading: str) -> str:
    lines = [f"**{_cell(heading)}**", "", "| " + " | ".join(HEADERS) + " |"]
    lines.append("|" + "|".join("---" for _ in HEADERS) + "|")
    for r in rows:
        h = r.handover
        cells = (
            h.name,
            f"{h.from_} → {h.to}",
            str(r.status),
            r.deadline.isoformat(),
            h.deadline.isoformat(),
            r.completed.isoformat() if r.completed else "-",
            summary(r) or "-",
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
