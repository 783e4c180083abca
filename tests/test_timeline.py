"""The as-of logic (README: What is known as of a date): the worked example and its invariants."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handover.library import load
from handover.models import Agreement, Dataset, Handover
from handover.timeline import Status, delays, row, rows, upcoming

from .conftest import SHIPPED

D = date.fromisoformat


def shipped_row(hid: str, on: str) -> Any:
    dataset = load(SHIPPED)
    (found,) = rows(dataset, D(on), [hid])
    return found


def test_worked_example_kalbajar_before_the_postponement() -> None:
    r = shipped_row("kalbajar", "2020-11-14")
    assert (r.status, r.deadline, r.days_to_deadline) == (Status.PENDING, D("2020-11-15"), 1)
    assert (r.revision_count, r.slip_days) == (0, 0)


def test_worked_example_kalbajar_on_the_day_of_the_postponement() -> None:
    r = shipped_row("kalbajar", "2020-11-15")
    assert (r.status, r.deadline, r.days_to_deadline) == (Status.PENDING, D("2020-11-25"), 10)
    assert (r.revision_count, r.slip_days) == (1, 10)


def test_worked_example_kalbajar_completed() -> None:
    r = shipped_row("kalbajar", "2020-11-25")
    assert (r.status, r.delay_days, r.on_time, r.days_to_deadline) == (
        Status.COMPLETED,
        10,
        True,
        None,
    )


def test_aghdam_is_due_on_its_deadline_day_the_evening_before() -> None:
    assert shipped_row("aghdam", "2020-11-19").status is Status.PENDING
    assert shipped_row("aghdam", "2020-11-20").status is Status.COMPLETED


def test_not_agreed_before_signing() -> None:
    r = shipped_row("lachin", "2020-11-09")
    assert r.status is Status.NOT_AGREED
    assert r.days_to_deadline is None


# --- property tests -------------------------------------------------------------------------

START = date(2020, 1, 1)
days = st.integers(min_value=0, max_value=400)


@st.composite
def handovers(draw: st.DrawFn) -> tuple[Agreement, Handover]:
    """A valid handover: deadlines and completion on or after agreed, revisions in order."""
    signed = START + timedelta(days=draw(st.integers(0, 30)))
    agreed = signed + timedelta(days=draw(st.integers(0, 10)))
    deadline = agreed + timedelta(days=draw(days))
    announced = sorted(draw(st.lists(days, max_size=4)))
    revisions = [
        {
            "announced": (agreed + timedelta(days=a)).isoformat(),
            "deadline": (agreed + timedelta(days=draw(days))).isoformat(),
            "reason": "moved",
        }
        for a in announced
    ]
    completed = draw(st.none() | days.map(lambda n: agreed + timedelta(days=n)))
    agreement = Agreement.model_validate(
        {"id": "a", "title": "A", "signed": signed.isoformat(), "parties": ["X", "Y"]}
    )
    handover = Handover.model_validate(
        {
            "id": "h",
            "name": "H",
            "from": "X",
            "to": "Y",
            "agreed": agreed.isoformat(),
            "deadline": deadline.isoformat(),
            "revisions": revisions,
            "completed": completed.isoformat() if completed else None,
        }
    )
    return agreement, handover


as_of_dates = st.integers(min_value=-10, max_value=500).map(lambda n: START + timedelta(days=n))


@given(handovers(), as_of_dates, st.integers(1, 100), st.integers(1, 100))
def test_nothing_after_the_date_changes_the_answer(
    pair: tuple[Agreement, Handover], as_of: date, later: int, shift: int
) -> None:
    agreement, handover = pair
    before = row(handover, agreement, as_of).fields()
    # Announce one more revision after D, and move a completion that lies after D further out.
    extra = {
        "announced": (
            max([as_of, *[r.announced for r in handover.revisions]]) + timedelta(days=later)
        ).isoformat(),
        "deadline": (as_of + timedelta(days=shift)).isoformat(),
        "reason": "later news",
    }
    data = handover.model_dump(mode="json", by_alias=True)
    data["revisions"].append(extra)
    if handover.completed and handover.completed > as_of:
        data["completed"] = (handover.completed + timedelta(days=shift)).isoformat()
    elif handover.completed is None:
        data["completed"] = (as_of + timedelta(days=later)).isoformat()
    changed = Handover.model_validate(data)
    assert row(changed, agreement, as_of).fields() == before


# A handover worked by hand from the as-of rules: agreed 1 March 2021, due 10 March; on
# 8 March the deadline moves to 20 March, on 15 March back to 18 March; completed 19 March.
WORKED_HANDOVER = {
    "id": "ridge",
    "name": "Ridge",
    "from": "X",
    "to": "Y",
    "agreed": "2021-03-01",
    "deadline": "2021-03-10",
    "revisions": [
        {"announced": "2021-03-08", "deadline": "2021-03-20", "reason": "first move"},
        {"announced": "2021-03-15", "deadline": "2021-03-18", "reason": "second move"},
    ],
    "completed": "2021-03-19",
}
# as of -> status, deadline, days_to_deadline, revision_count, slip_days, delay_days, on_time
WORKED_CASES = {
    "2021-02-28": ("not-agreed", "2021-03-10", None, 0, 0, None, None),
    "2021-03-01": ("pending", "2021-03-10", 9, 0, 0, None, None),
    "2021-03-07": ("pending", "2021-03-10", 3, 0, 0, None, None),
    "2021-03-08": ("pending", "2021-03-20", 12, 1, 10, None, None),
    "2021-03-14": ("pending", "2021-03-20", 6, 1, 10, None, None),
    "2021-03-15": ("pending", "2021-03-18", 3, 2, 8, None, None),
    "2021-03-18": ("due", "2021-03-18", 0, 2, 8, None, None),
    "2021-03-19": ("completed", "2021-03-18", None, 2, 8, 9, False),
    "2030-01-01": ("completed", "2021-03-18", None, 2, 8, 9, False),
}
AGREEMENT = Agreement.model_validate(
    {"id": "a", "title": "A", "signed": "2021-02-01", "parties": ["X", "Y"]}
)


@pytest.mark.parametrize("on", WORKED_CASES)
def test_worked_cases_written_from_the_readme(on: str) -> None:
    r = row(Handover.model_validate(WORKED_HANDOVER), AGREEMENT, D(on))
    fields = r.fields()
    got = tuple(
        fields[k]
        for k in (
            "status",
            "deadline",
            "days_to_deadline",
            "revision_count",
            "slip_days",
            "delay_days",
            "on_time",
        )
    )
    assert got == WORKED_CASES[on]


@pytest.mark.parametrize(
    "change,on,expected",
    [
        # never completed: overdue the day after, counted in negative days
        ({"completed": None, "revisions": []}, "2021-03-11", ("overdue", -1, None, None)),
        ({"completed": None, "revisions": []}, "2021-04-09", ("overdue", -30, None, None)),
        # completed early, and on the very deadline day: both on time
        ({"completed": "2021-03-05", "revisions": []}, "2021-03-06", ("completed", None, -5, True)),
        ({"completed": "2021-03-10", "revisions": []}, "2021-03-10", ("completed", None, 0, True)),
        # late by the original deadline, on time by the moved one (Kalbajar's case)
        (
            {"completed": "2021-03-20", "revisions": WORKED_HANDOVER["revisions"][:1]},
            "2021-03-21",
            ("completed", None, 10, True),
        ),
        # agreed later than the agreement was signed: not-agreed until then
        ({"agreed": "2021-03-05"}, "2021-03-04", ("not-agreed", None, None, None)),
    ],
)
def test_more_worked_cases(change: dict[str, Any], on: str, expected: tuple[Any, ...]) -> None:
    r = row(Handover.model_validate({**WORKED_HANDOVER, **change}), AGREEMENT, D(on))
    assert (str(r.status), r.days_to_deadline, r.delay_days, r.on_time) == expected


def test_the_kalbajar_rows_of_the_design_through_the_loaded_file() -> None:
    # the documented worked example, as written in README
    assert shipped_row("kalbajar", "2020-11-15").fields()["slip_days"] == 10
    assert shipped_row("kalbajar", "2020-11-25").fields()["on_time"] is True


@given(handovers(), as_of_dates, st.integers(-400, 400))
def test_moving_every_date_together_changes_no_count(
    pair: tuple[Agreement, Handover], as_of: date, shift: int
) -> None:
    """Metamorphic: shift the agreement, the handover and D by the same number of days; every
    status and day count stays, every date moves by exactly that many days."""
    agreement, handover = pair
    moved_agreement = Agreement.model_validate(
        {**agreement.model_dump(mode="json"), "signed": _shift(agreement.signed, shift)}
    )
    data = handover.model_dump(mode="json", by_alias=True)
    for key in ("agreed", "deadline", "completed"):
        if data[key] is not None:
            data[key] = _shift(D(data[key]), shift)
    for revision in data["revisions"]:
        revision["announced"] = _shift(D(revision["announced"]), shift)
        revision["deadline"] = _shift(D(revision["deadline"]), shift)
    before = row(handover, agreement, as_of).fields()
    after = row(Handover.model_validate(data), moved_agreement, as_of + timedelta(days=shift))
    moved = after.fields()
    for key in ("status", "days_to_deadline", "revision_count", "slip_days", "delay_days"):
        assert moved[key] == before[key], key  # type: ignore[literal-required]
    assert moved["on_time"] == before["on_time"]
    for key in ("agreed", "original_deadline", "deadline", "completed", "as_of"):
        value = before[key]  # type: ignore[literal-required]
        expected = None if value is None else _shift(D(value), shift)
        assert moved[key] == expected, key  # type: ignore[literal-required]


def _shift(day: date, days: int) -> str:
    return (day + timedelta(days=days)).isoformat()


@given(handovers(), as_of_dates, st.integers(1, 60))
def test_a_revision_announced_on_the_day_sets_the_deadline(
    pair: tuple[Agreement, Handover], as_of: date, ahead: int
) -> None:
    """Metamorphic: announce one more revision on D itself (after every earlier one): as of D
    the deadline is the new one, one more revision is counted, and the slip follows."""
    agreement, handover = pair
    agreed = handover.agreed or agreement.signed
    on = max([as_of, agreed, *(r.announced for r in handover.revisions)])
    new_deadline = on + timedelta(days=ahead)
    data = handover.model_dump(mode="json", by_alias=True)
    data["revisions"].append(
        {"announced": on.isoformat(), "deadline": new_deadline.isoformat(), "reason": "r"}
    )
    data["completed"] = None
    before = row(handover, agreement, on)
    r = row(Handover.model_validate(data), agreement, on)
    assert r.deadline == new_deadline
    assert r.revision_count == before.revision_count + 1
    assert isinstance(handover.deadline, date)  # generated as a date, not a rule
    assert r.slip_days == (new_deadline - handover.deadline).days
    assert r.status is Status.PENDING and r.days_to_deadline == ahead


@given(handovers(), st.lists(as_of_dates, min_size=2, max_size=6))
def test_what_is_known_only_grows_with_the_date(
    pair: tuple[Agreement, Handover], dates_: list[date]
) -> None:
    """Metamorphic: a later as-of date never knows fewer revisions, and once completed stays
    completed with the same completion day."""
    agreement, handover = pair
    seen = [row(handover, agreement, d) for d in sorted(dates_)]
    for earlier, later in itertools.pairwise(seen):
        assert later.revision_count >= earlier.revision_count
        if earlier.status is Status.COMPLETED:
            assert later.status is Status.COMPLETED and later.completed == earlier.completed


def _dataset(pairs: list[tuple[Agreement, Handover]]) -> Dataset:
    # the earliest signing, so that no handover is agreed before its agreement was signed
    agreement = min((a for a, _ in pairs), key=lambda a: a.signed)
    handovers_ = [
        {**h.model_dump(mode="json", by_alias=True), "id": f"h{i}", "name": f"H {i}"}
        for i, (_, h) in enumerate(pairs)
    ]
    return Dataset.model_validate(
        {"schema": 1, "agreement": agreement.model_dump(mode="json"), "handovers": handovers_}
    )


@given(st.lists(handovers(), min_size=1, max_size=6), as_of_dates, st.none() | st.integers(0, 60))
def test_upcoming_never_returns_a_past_or_completed_deadline(
    pairs: list[tuple[Agreement, Handover]], as_of: date, within: int | None
) -> None:
    all_rows = rows(_dataset(pairs), as_of)
    listed, overdue = upcoming(all_rows, within)
    for r in listed:
        assert r.deadline >= as_of
        assert r.completed is None and r.status in (Status.PENDING, Status.DUE)
        assert within is None or (r.deadline - as_of).days <= within
    assert [r.deadline for r in listed] == sorted(r.deadline for r in listed)
    assert overdue == sum(r.status is Status.OVERDUE for r in all_rows)


def test_delays_on_a_worked_library() -> None:
    """Written by hand: which handovers `delays` lists on 2021-03-25, and in what order."""
    base = {"from": "X", "to": "Y", "agreed": "2021-03-01"}
    library = [
        {
            **base,
            "id": "moved",
            "name": "Moved",
            "deadline": "2021-03-10",
            "revisions": [{"announced": "2021-03-05", "deadline": "2021-04-10", "reason": "r"}],
        },
        {**base, "id": "overdue", "name": "Overdue", "deadline": "2021-03-18"},
        {**base, "id": "late", "name": "Late", "deadline": "2021-03-10", "completed": "2021-03-15"},
        {
            **base,
            "id": "on-time",
            "name": "On time",
            "deadline": "2021-03-10",
            "completed": "2021-03-10",
        },
        {**base, "id": "waiting", "name": "Waiting", "deadline": "2021-04-01"},
        {
            **base,
            "id": "slipped-more",
            "name": "Slipped more",
            "deadline": "2021-03-10",
            "revisions": [{"announced": "2021-03-09", "deadline": "2021-05-10", "reason": "r"}],
        },
    ]
    dataset = Dataset.model_validate(
        {"schema": 1, "agreement": AGREEMENT.model_dump(mode="json"), "handovers": library}
    )
    listed = [r.handover.id for r in delays(rows(dataset, D("2021-03-25")))]
    # README: largest slip first (61, then 31 days), then most days late (overdue by 7
    # days, completed 5 days late); waiting and on-time are not delays.
    assert listed == ["slipped-more", "moved", "overdue", "late"]


@given(st.lists(handovers(), min_size=1, max_size=6), as_of_dates, st.randoms())
def test_delays_does_not_depend_on_file_order(
    pairs: list[tuple[Agreement, Handover]], as_of: date, rnd: Any
) -> None:
    """Metamorphic: shuffling the handovers in the file changes neither what is listed nor
    its order (ties are broken by id), and the slip is never increasing down the list."""
    dataset = _dataset(pairs)
    listed = [r.handover.id for r in delays(rows(dataset, as_of))]
    shuffled = list(dataset.handovers)
    rnd.shuffle(shuffled)
    again = Dataset.model_validate(
        {
            "schema": 1,
            "agreement": dataset.agreement.model_dump(mode="json"),
            "handovers": [h.model_dump(mode="json", by_alias=True) for h in shuffled],
        }
    )
    assert [r.handover.id for r in delays(rows(again, as_of))] == listed
    slips = [r.slip_days for r in delays(rows(dataset, as_of))]
    assert slips == sorted(slips, reverse=True)
