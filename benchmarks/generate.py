"""Generate a valid dataset of N handovers, shaped like the shipped one (used by bench.py
and by the large-dataset test)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

SIGNED = date(2021, 1, 1)


def dataset_text(count: int) -> str:
    lines = [
        "schema: 1",
        "agreement:",
        "  id: generated",
        "  title: A generated agreement",
        f"  signed: {SIGNED.isoformat()}",
        "  timezone: UTC",
        "  parties: [North, South]",
        "handovers:",
    ]
    for i in range(count):
        deadline = SIGNED + timedelta(days=10 + i % 300)
        lines += [
            f"  - id: area-{i}",
            f"    name: Area {i}",
            f"    aliases: [Zone {i}]",
            "    from: North",
            "    to: South",
            f"    provision: Point {i % 9 + 1}",
            f"    deadline: {deadline.isoformat()}",
        ]
        if i % 3 == 0:
            lines += [
                "    revisions:",
                f"      - announced: {(deadline - timedelta(days=2)).isoformat()}",
                f"        deadline: {(deadline + timedelta(days=7)).isoformat()}",
                "        reason: Postponed for the weather",
            ]
        if i % 2 == 0:
            lines.append(f"    completed: {(deadline + timedelta(days=i % 5)).isoformat()}")
        lines += [
            "    sources:",
            f"      - publisher: Wire {i % 17}",
            f"        url: https://example.org/news/{i}",
            f"        published: {deadline.isoformat()}",
        ]
    return "\n".join(lines) + "\n"


def write_dataset(path: Path, count: int) -> None:
    path.write_text(dataset_text(count), encoding="utf-8")
