"""Case- and accent-insensitive lookup of handovers by id, name or alias."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from handover.errors import UsageError

# Letters that Unicode decomposition (NFKD) leaves alone: map them by hand first.
_SPECIAL = str.maketrans(
    {
        "ə": "e",
        "Ə": "e",
        "ı": "i",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ħ": "h",
        "Ħ": "h",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ʻ": "",
        "ʼ": "",
        "’": "'",
    }
)


def fold(text: str) -> str:
    """Fold case, accents and spacing: `Kəlbəcər`, `KELBECER` and ` kelbecer ` fold alike."""
    if text.isascii():  # no accents to strip and nothing to translate: case and spacing only
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


class Match(NamedTuple):
    """A handover id with the spelling that matched."""

    id: str
    spelling: str


class NameIndex:
    """Index of every id, name and alias, folded. Built from (id, spellings) pairs."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._by_key: dict[str, Match] = {}
        for hid, spellings in entries:
            for spelling in (hid, *spellings):
                self._by_key.setdefault(fold(spelling), Match(hid, spelling))

    @property
    def keys(self) -> Mapping[str, Match]:
        return self._by_key

    def find(self, query: str) -> str | None:
        """The id of the handover that `query` names, or None."""
        match = self._by_key.get(fold(query))
        return match.id if match else None

    def suggest(self, query: str, limit: int = 3) -> list[Match]:
        """The closest spellings to `query`, at most one per handover, best first."""
        import difflib  # only when a name is not found

        close = difflib.get_close_matches(fold(query), list(self._by_key), n=limit * 4, cutoff=0.6)
        seen: set[str] = set()
        out: list[Match] = []
        for key in close:
            match = self._by_key[key]
            if match.id not in seen:
                seen.add(match.id)
                out.append(match)
        return out[:limit]


def lookup(index: NameIndex, query: str) -> str:
    """The id that `query` names. Raises UsageError (exit 2) suggesting the closest names."""
    found = index.find(query)
    if found is not None:
        return found
    close = index.suggest(query)
    if close:
        hint = (
            "did you mean "
            + " or ".join(
                m.id if fold(m.spelling) == m.id else f"{m.spelling} ({m.id})" for m in close
            )
            + "?"
        )
    else:
        ids = sorted({m.id for m in index.keys.values()})
        hint = "known handovers: " + ", ".join(ids[:20]) + (", ..." if len(ids) > 20 else "")
    raise UsageError(f"unknown handover {query!r}; {hint}")
