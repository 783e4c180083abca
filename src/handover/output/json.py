"""JSON for programs: ISO dates, null for missing values, JSON booleans and integers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from handover.models import Source
from handover.output.views import (
    AgreementDetail,
    AgreementList,
    ChangeLog,
    Detail,
    Export,
    Listing,
    Upcoming,
    View,
)
from handover.timeline import happenings, visible


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def detail(view: Detail) -> dict[str, Any]:
    """show's record: the row's fields, then what the row does not carry."""
    r = view.row
    h = r.handover
    return {
        **r.fields(),
        "aliases": list(h.aliases),
        "notes": h.notes,
        "notes_written_later": r.notes_written_later,
        "revisions": [
            {
                **revision.fields(),
                "sources": _sources(visible(revision.sources, r.as_of)),
            }
            for revision in r.revisions
        ],
        "sources": _sources(r.sources),
        "events": [
            {
                "date": e.date.isoformat(),
                "kind": e.kind,
                "deadline": None if e.deadline is None else e.deadline.isoformat(),
                "reason": e.reason,
                "note": e.note,
                "sources": _sources(visible(e.sources, r.as_of)),
            }
            for e in happenings(h)
            if e.date <= r.as_of
        ],
    }


def agreement_detail(view: AgreementDetail) -> dict[str, Any]:
    """show AGREEMENT: its `agreements` row, then its time zone, events, sources and its
    handovers' rows, as of the date."""
    a, day = view.agreement, view.as_of
    return {
        **view.fields,
        "timezone": a.timezone,
        "events": [
            {
                "date": e.date.isoformat(),
                "kind": e.kind,
                "how": e.how,
                "by": e.by,
                "note": e.note,
                "sources": _sources(visible(e.sources, day)),
            }
            for e in a.events
            if e.date <= day
        ],
        "sources": _sources(visible(a.sources, day)),
        "handovers": [r.fields() for r in view.rows],
    }


def _sources(sources: Iterable[Source]) -> list[dict[str, Any]]:
    return [source.model_dump(mode="json") for source in sources]


def chunks(view: View) -> Iterator[str]:
    """The document in pieces, a row at a time for listings (the same text as dumps() of the
    whole list, which would hold every row at once); in one piece otherwise."""
    if not isinstance(view, Listing | Upcoming | Export):
        yield render(view)
        return
    opening = "[\n"
    for record in view.rows:
        item = json.dumps(record.fields(), indent=2, ensure_ascii=False)
        yield opening + "  " + item.replace("\n", "\n  ")  # JSON text holds no raw newline
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


def render(view: View) -> str:
    if isinstance(view, AgreementList):
        return dumps(list(view.agreements))
    if isinstance(view, Listing | Upcoming | Export):
        return "".join(chunks(view))
    if isinstance(view, ChangeLog):
        return dumps([c.fields() for c in view.changes])
    if isinstance(view, AgreementDetail):
        return dumps(agreement_detail(view))
    if isinstance(view, Detail):
        return dumps(detail(view))
    return dumps(view.content)
