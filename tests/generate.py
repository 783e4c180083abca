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


# --- a library: one file per agreement --------------------------------------------------------

FIRST_SIGNING = date(1960, 1, 1)


def agreement_text(index: int, handovers: int = 10) -> str:
    """One schema-2 agreement of `handovers` handovers, signed on a day that depends on
    `index`: agreement i is signed 9 days after agreement i-1, so 2,000 of them span about
    five decades and only a few are in play on any date. Every third agreement counts its
    deadlines from entry into force (rule deadlines); every 250th leaves its last handover
    open (never completed), and those stay in play."""
    signed = FIRST_SIGNING + timedelta(days=9 * index)
    in_force = signed + timedelta(days=index % 4)
    lines = [
        "schema: 2",
        "agreement:",
        f"  id: agreement-{index:05d}",
        f"  title: Generated agreement number {index} on the withdrawal of forces",
        f"  signed: {signed.isoformat()}",
        f"  in_force: {in_force.isoformat()}",
        "  timezone: UTC",
        f"  parties: [Party {index % 50} North, Party {index % 50} South]",
        "  sources:",
        f"    - publisher: Archive {index % 7}",
        f"      url: https://example.org/agreements/{index}",
        "handovers:",
    ]
    for i in range(handovers):
        days = 5 + 3 * i
        deadline = in_force + timedelta(days=days)
        lines += [
            f"  - id: area-{i}",
            f"    name: Area {index}-{i}",
            f"    aliases: [Zone {index}-{i}]",
            f"    from: Party {index % 50} North",
            f"    to: Party {index % 50} South",
            f"    provision: Article {i % 9 + 1}",
        ]
        if index % 3 == 0:
            lines += ["    deadline:", "      after: in_force", f"      days: {days}"]
        else:
            lines.append(f"    deadline: {deadline.isoformat()}")
        if i % 4 == 1:
            lines += [
                "    revisions:",
                f"      - announced: {(deadline - timedelta(days=2)).isoformat()}",
                f"        deadline: {(deadline + timedelta(days=6)).isoformat()}",
                "        reason: Postponed for the weather",
            ]
        last_open = index % 250 == 0 and i == handovers - 1
        if not last_open:
            lines.append(f"    completed: {(deadline + timedelta(days=i % 3)).isoformat()}")
        lines += [
            "    sources:",
            f"      - publisher: Wire {i % 17}",
            f"        url: https://example.org/news/{index}/{i}",
            f"        published: {deadline.isoformat()}",
        ]
    return "\n".join(lines) + "\n"


def write_library(folder: Path, files: int, handovers: int = 10) -> list[Path]:
    """`files` agreement files in `folder` (made if missing), 100 to a subfolder."""
    written = []
    for index in range(files):
        sub = folder / f"{index // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"agreement-{index:05d}.yaml"
        path.write_text(agreement_text(index, handovers), encoding="utf-8")
        written.append(path)
    return written
