"""Text from the data, made safe to show: control characters removed (newlines kept), and
bidirectional embeddings, overrides and isolates closed at the end of each line.

Validation refuses control characters in a data file; this is the second line, for every
renderer that writes text a terminal, spreadsheet or calendar would act on (an ANSI escape, a
bell, a bare carriage return). A right-to-left override (U+202E) that a name opens and never
closes would reverse everything after it on the line in any bidi-aware viewer (the rest of a
CSV row, a Markdown table row, a calendar line): each value closes what it opens.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OPENERS = {
    "\u202a": "\u202c",  # LRE, closed by PDF
    "\u202b": "\u202c",  # RLE
    "\u202d": "\u202c",  # LRO
    "\u202e": "\u202c",  # RLO
    "\u2066": "\u2069",  # LRI, closed by PDI
    "\u2067": "\u2069",  # RLI
    "\u2068": "\u2069",  # FSI
}


# Anything plain() changes: one search finds that nearly every value has none.
_SPECIAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    if _SPECIAL.search(text) is None:
        return text
    text = _CONTROL.sub("", text)
    if _BIDI.search(text) is None:
        return text
    return "\n".join(_closed(line) for line in text.split("\n"))


def _closed(line: str) -> str:
    """The line with every embedding, override and isolate it leaves open closed at its end
    (an isolate's closer also closes what was opened inside it, as the bidi algorithm does)."""
    still_open: list[str] = []
    for char in _BIDI.findall(line):
        if char in _OPENERS:
            still_open.append(char)
        elif char == "\u2069":  # PDI: closes the last isolate and all opened since
            while still_open and _OPENERS[still_open.pop()] != "\u2069":
                pass
        elif still_open and _OPENERS[still_open[-1]] == "\u202c":  # PDF closes one
            still_open.pop()
    return line + "".join(_OPENERS[c] for c in reversed(still_open))
