"""Dates typed by users (README: Dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handover.dates import DateInputError, DateSpec, parse_user_date, today_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-11-20", date(2020, 11, 20)),
        ("2020/11/20", date(2020, 11, 20)),
        ("20 Nov 2020", date(2020, 11, 20)),
        ("November 20, 2020", date(2020, 11, 20)),
        ("Friday 20 November 2020", date(2020, 11, 20)),
        ("11/25/2020", date(2020, 11, 25)),
        ("25/11/2020", date(2020, 11, 25)),
        ("25.11.2020", date(2020, 11, 25)),
        ("11/11/2020", date(2020, 11, 11)),
    ],
)
def test_reads_unambiguous_dates(text: str, expected: date) -> None:
    assert parse_user_date(text) == DateSpec(expected)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("11/12/2020", "ambiguous"),
        ("03.04.2021", "ambiguous"),
        ("2020-02-30", "not a real date"),
        ("30 Feb 2020", "not a real date"),
        ("31/04/2021", "not a real date"),
        ("13/13/2020", "not a real date"),
        ("Nov 2020", "not a complete date"),
        ("20 November", "not a complete date"),
        ("20 Nov 2020 10:30", "has a time"),
        ("11/25/20", "four-digit year"),
        ("20201120", "YYYY-MM-DD"),
        ("next week", "cannot read"),
        ("", "empty"),
    ],
)
def test_refuses_what_it_would_have_to_guess(text: str, words: str) -> None:
    with pytest.raises(DateInputError, match=words):
        parse_user_date(text)


def test_relative_words_resolve_against_the_given_today() -> None:
    today = date(2020, 11, 20)
    assert parse_user_date("today").resolve(today) == today
    assert parse_user_date("Yesterday").resolve(today) == date(2020, 11, 19)
    assert parse_user_date(" TOMORROW ").resolve(today) == date(2020, 11, 21)


def test_today_is_taken_in_the_agreements_time_zone() -> None:
    # 21:30 UTC on 9 Nov is already 10 Nov in Baku (UTC+4), still 9 Nov in UTC.
    now = datetime(2020, 11, 9, 21, 30, tzinfo=UTC)
    assert today_in("Asia/Baku", now) == date(2020, 11, 10)
    assert today_in("UTC", now) == date(2020, 11, 9)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_every_iso_date_round_trips(day: date) -> None:
    assert parse_user_date(day.isoformat()).resolve(date(2000, 1, 1)) == day


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_numeric_dates_are_read_only_when_day_and_month_cannot_swap(day: date) -> None:
    text = f"{day.month:02d}/{day.day:02d}/{day.year}"
    if day.day <= 12 and day.day != day.month:
        with pytest.raises(DateInputError, match="ambiguous"):
            parse_user_date(text)
    else:
        assert parse_user_date(text).absolute == day


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_written_dates_match_iso(day: date) -> None:
    assert parse_user_date(day.strftime("%d %B %Y")).absolute == day
    assert parse_user_date(day.strftime("%b %d, %Y")).absolute == day
    assert parse_user_date("today").resolve(day) == day
    assert parse_user_date("tomorrow").resolve(day) == day + timedelta(days=1)


@pytest.mark.parametrize("text", ["5 Nov 0012", "1 Jan 1", "Nov 5 12", "5 November 20"])
def test_a_written_year_needs_four_digits(text: str) -> None:
    with pytest.raises(DateInputError, match="four-digit year"):
        parse_user_date(text)


@pytest.mark.parametrize(
    "text,expected", [("5 Nov 2012", date(2012, 11, 5)), ("November 20, 2020", date(2020, 11, 20))]
)
def test_four_digit_years_still_read(text: str, expected: date) -> None:
    assert parse_user_date(text).absolute == expected
