"""Dates typed by users, and "today" in an agreement's time zone.

Pure functions: no click, no I/O. dateutil is imported only for written dates.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMERIC = re.compile(r"(\d+)([-/. ])(\d+)\2(\d+)")
_ASK_ISO = "write it as YYYY-MM-DD"


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(day: date, with_year: bool = True) -> str:
    """A date in words for readers, the same in every locale: `20 Nov 2020` (`20 Nov`)."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def period_label(published: date | str) -> str:
    """A source's date in words, at its own precision: `9 Feb 2025`, `Feb 2025`, `2025`."""
    if isinstance(published, date):
        return day_label(published)
    year, _, month = published.partition("-")
    return f"{MONTHS[int(month) - 1]} {year}" if month else year


class DateInputError(ValueError):
    """A date the user typed that cannot be read without guessing."""


class DateSpec(NamedTuple):
    """A date as typed: either a calendar date, or an offset from today (not yet known)."""

    absolute: date | None = None
    offset: int = 0

    def resolve(self, today: date) -> date:
        return self.absolute if self.absolute is not None else today + timedelta(days=self.offset)


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateInputError(f"{text!r} is not a real date ({exc})") from None


def _numeric(match: re.Match[str], text: str) -> date:
    first, _, second, third = match.groups()
    if len(first) == 4:  # year first: 2020/11/20, 2020.11.20
        return _real_date(int(first), int(second), int(third), text)
    if len(third) != 4:
        raise DateInputError(f"{text!r} has no four-digit year; {_ASK_ISO}")
    a, b, year = int(first), int(second), int(third)
    if a <= 12 and b <= 12 and a != b:
        raise DateInputError(f"{text!r} is ambiguous (day and month could be swapped); {_ASK_ISO}")
    if a > 12:  # only the day can be above 12: 25/11/2020
        return _real_date(year, b, a, text)
    return _real_date(year, a, b, text)  # month first: 11/25/2020 (or 11/11/2020)


def _written(text: str) -> date:
    from dateutil import parser  # imported only when a written date is typed

    # Parse twice with different defaults: any part the text lacks shows up as a difference.
    results = []
    for default in (datetime(2000, 1, 1, 0, 0), datetime(2004, 3, 3, 1, 1)):
        try:
            results.append(parser.parse(text, default=default))
        except (parser.ParserError, ValueError, OverflowError) as exc:
            message = str(exc).split(":")[0]
            if "out of range" in message or "must be in" in message:
                raise DateInputError(f"{text!r} is not a real date ({message})") from None
            raise DateInputError(f"cannot read {text!r} as a date; {_ASK_ISO}") from None
    first, second = results
    if first.date() != second.date():
        raise DateInputError(f"{text!r} is not a complete date (day, month and year); {_ASK_ISO}")
    if first.hour == second.hour or first.minute == second.minute or first.tzinfo is not None:
        raise DateInputError(f"{text!r} has a time; give a date only, {_ASK_ISO}")
    # dateutil reads "12" as 2012 and "0012" as 2012 too: a written year must be four digits.
    years = [n for n in re.findall(r"[0-9]+", text) if len(n) == 4 and n[0] != "0"]
    if years != [str(first.year)]:
        raise DateInputError(f"{text!r} has no four-digit year; {_ASK_ISO}")
    return first.date()


_AGO = re.compile(r"([0-9]{1,5}) days? ago")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_user_date(text: str, month_is_first_day: bool = False) -> DateSpec:
    """Read a date typed by a person. Raises DateInputError with a message for them.
    `N days ago` counts back from today; with `month_is_first_day` (changes --since),
    `2025-02` is that month's first day."""
    cleaned = text.strip()
    lowered = cleaned.lower()
    if lowered in RELATIVE:
        return DateSpec(offset=RELATIVE[lowered])
    if not cleaned:
        raise DateInputError(f"empty date; {_ASK_ISO}")
    ago = _AGO.fullmatch(lowered)
    if ago:
        return DateSpec(offset=-int(ago.group(1)))
    first = _MONTH.fullmatch(cleaned) if month_is_first_day else None
    if first:
        year, month_number = map(int, first.groups())
        return DateSpec(_real_date(year, month_number, 1, cleaned))
    iso = _ISO.fullmatch(cleaned)
    if iso:
        year, month, day = map(int, iso.groups())
        return DateSpec(_real_date(year, month, day, cleaned))
    if not any(ch.isalpha() for ch in cleaned):
        numeric = _NUMERIC.fullmatch(cleaned)
        if numeric is None:
            raise DateInputError(f"cannot read {cleaned!r} as a date; {_ASK_ISO}")
        return DateSpec(_numeric(numeric, cleaned))
    return DateSpec(_written(cleaned))


def today_in(timezone: str, now: datetime | None = None) -> date:
    """Today's date in an IANA time zone (`now` is for tests; it must be aware)."""
    from zoneinfo import ZoneInfo  # only when "today" is asked for

    zone = ZoneInfo(timezone)
    return (now.astimezone(zone) if now is not None else datetime.now(zone)).date()
