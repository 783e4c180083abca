"""The as-of logic of DESIGN section 2: the worked example and its invariants."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from handover.library import load
from handover.models import Agreement, Dataset, Handover
from handover.timeline import Status, deadline_as_of, delays, row, rows, upcoming

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


@given(handovers(), as_of_dates)
def test_status_follows_the_documented_order(pair: tuple[Agreement, Handover], as_of: date) -> None:
    agreement, handover = pair
    r = row(handover, agreement, as_of)
    agreed = handover.agreed or agreement.signed
    deadline, count = deadline_as_of(handover, as_of)
    if as_of < agreed:
        expected = Status.NOT_AGREED
    elif handover.completed is not None and handover.completed <= as_of:
        expected = Status.COMPLETED
    elif as_of < deadline:
        expected = Status.PENDING
    elif as_of == deadline:
        expected = Status.DUE
    else:
        expected = Status.OVERDUE
    assert r.status is expected
    assert r.revision_count == sum(rev.announced <= as_of for rev in handover.revisions) == count
    assert r.slip_days == (deadline - handover.deadline).days
    if r.status is Status.COMPLETED:
        assert r.days_to_deadline is None and r.delay_days is not None
    elif r.status is not Status.NOT_AGREED:
        assert r.days_to_deadline == (deadline - as_of).days


def _dataset(pairs: list[tuple[Agreement, Handover]]) -> Dataset:
    agreement = pairs[0][0]
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


@given(st.lists(handovers(), min_size=1, max_size=6), as_of_dates)
def test_delays_lists_exactly_the_slipped_overdue_or_late(
    pairs: list[tuple[Agreement, Handover]], as_of: date
) -> None:
    all_rows = rows(_dataset(pairs), as_of)
    listed = delays(all_rows)
    expected = {
        r.handover.id
        for r in all_rows
        if r.slip_days or r.status is Status.OVERDUE or r.on_time is False
    }
    assert {r.handover.id for r in listed} == expected
    assert [r.slip_days for r in listed] == sorted((r.slip_days for r in listed), reverse=True)
