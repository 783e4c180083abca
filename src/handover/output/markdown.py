"""A Markdown table for reports: a pipe table that reads as plain text too."""

from __future__ import annotations

from handover.output.views import Export
from handover.output.words import summary

HEADERS = ("Handover", "From → to", "Status", "Deadline", "Original deadline", "Completed", "Notes")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render(view: Export) -> str:
    lines = [f"**{_cell(view.heading)}**", "", "| " + " | ".join(HEADERS) + " |"]
    lines.append("|" + "|".join("---" for _ in HEADERS) + "|")
    for r in view.rows:
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
