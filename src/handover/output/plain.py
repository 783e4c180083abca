"""Text from the data, made safe to show: control characters removed (newlines kept).

Validation refuses them in a data file; this is the second line, for every renderer that
writes text a terminal, spreadsheet or calendar would act on (an ANSI escape, a bell, a bare
carriage return).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    return _CONTROL.sub("", text)
