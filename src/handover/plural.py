"""Counting words: the one place that says "1 handover" but "2 handovers"."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """`count` and the noun that goes with it: plural(1, "day") is "1 day", plural(-3, "day")
    "-3 days"; `many` for nouns that do not just add an s ("handover is", "handovers are")."""
    noun = one if abs(count) == 1 else (many if many is not None else one + "s")
    return f"{count} {noun}"
