"""The JSON shapes as whole objects: a renamed, reordered, missing or extra field fails.

Every expected object is written out here by hand from the documented rules and fields and the data
it is computed from; none is produced by the code under test. `last_news` is the latest day, on
or before the date, among a handover's events and its own and its events' sources: in
data/handover.yaml, Kalbajar's postponement of 15 Nov (sources of 15 Nov), Aghdam's completion
and sources of 20 Nov, Lachin's statement source of 10 Nov.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import write

KALBAJAR_ON_20_NOV = {
    "id": "kalbajar",
    "name": "Kalbajar District",
    "from": "Armenia",
    "to": "Azerbaijan",
    "provision": "Point 6",
    "agreed": "2020-11-10",
    "original_deadline": "2020-11-15",
    "deadline": "2020-11-25",
    "revision_count": 1,
    "slip_days": 10,
    "completed": None,
    "status": "pending",
    "days_to_deadline": 5,
    "delay_days": None,
    "on_time": None,
    "as_of": "2020-11-20",
    "agreement": "nk-2020-trilateral",
    "deadline_rule": None,
    "begin_by": None,
    "began": None,
    "reversed": None,
    "last_news": "2020-11-15",
}
AGHDAM_ON_20_NOV = {
    "id": "aghdam",
    "name": "Aghdam District",
    "from": "Armenia",
    "to": "Azerbaijan",
    "provision": "Point 2",
    "agreed": "2020-11-10",
    "original_deadline": "2020-11-20",
    "deadline": "2020-11-20",
    "revision_count": 0,
    "slip_days": 0,
    "completed": "2020-11-20",
    "status": "completed",
    "days_to_deadline": None,
    "delay_days": 0,
    "on_time": True,
    "as_of": "2020-11-20",
    "agreement": "nk-2020-trilateral",
    "deadline_rule": None,
    "begin_by": None,
    "began": None,
    "reversed": None,
    "last_news": "2020-11-20",
}
LACHIN_ON_20_NOV = {
    "id": "lachin",
    "name": "Lachin District",
    "from": "Armenia",
    "to": "Azerbaijan",
    "provision": "Point 6",
    "agreed": "2020-11-10",
    "original_deadline": "2020-12-01",
    "deadline": "2020-12-01",
    "revision_count": 0,
    "slip_days": 0,
    "completed": None,
    "status": "pending",
    "days_to_deadline": 11,
    "delay_days": None,
    "on_time": None,
    "as_of": "2020-11-20",
    "agreement": "nk-2020-trilateral",
    "deadline_rule": None,
    "begin_by": None,
    "began": None,
    "reversed": None,
    "last_news": "2020-11-10",
}


def _json(invoke: Callable[..., Any], *args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _ordered(obj: Any) -> Any:
    """Objects as lists of pairs, so that key order is compared too."""
    if isinstance(obj, dict):
        return [(k, _ordered(v)) for k, v in obj.items()]
    if isinstance(obj, list):
        return [_ordered(v) for v in obj]
    return obj


def test_status_json_is_exactly_the_three_objects(invoke: Callable[..., Any]) -> None:
    got = _json(invoke, "status", "--date", "2020-11-20", "--format", "json")
    expected = [KALBAJAR_ON_20_NOV, AGHDAM_ON_20_NOV, LACHIN_ON_20_NOV]
    assert _ordered(got) == _ordered(expected)


def test_export_json_upcoming_and_delays_use_the_same_objects(invoke: Callable[..., Any]) -> None:
    assert _json(invoke, "export", "--date", "2020-11-20", "--format", "json") == [
        KALBAJAR_ON_20_NOV,
        AGHDAM_ON_20_NOV,
        LACHIN_ON_20_NOV,
    ]
    upcoming = _json(invoke, "upcoming", "--date", "2020-11-20", "--format", "json")
    assert _ordered(upcoming) == _ordered([KALBAJAR_ON_20_NOV, LACHIN_ON_20_NOV])
    delays = _json(invoke, "delays", "--date", "2020-11-20", "--format", "json")
    assert _ordered(delays) == _ordered([KALBAJAR_ON_20_NOV])


SMALL = """\
schema: 1
agreement:
  id: small-accord
  title: Small accord
  signed: 2021-03-01
  parties: [North, South]
handovers:
  - id: hill
    name: Hill District
    aliases: [Hügel, The Hill]
    from: North
    to: South
    provision: Article 2
    deadline: 2021-03-10
    revisions:
      - announced: 2021-03-08
        deadline: 2021-03-17
        reason: Snow on the pass
        sources:
          - publisher: Daily Post
            url: https://example.org/snow
            published: 2021-03-08
    completed: 2021-03-16
    notes: Handed over a day early.
    sources:
      - publisher: Accord text
        title: Article 2
"""


def test_show_json_is_the_row_and_everything_it_rests_on(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, SMALL)
    got = _json(
        invoke, "--data", str(path), "show", "hügel", "--date", "2021-03-20", "--format", "json"
    )
    expected = {
        "id": "hill",
        "name": "Hill District",
        "from": "North",
        "to": "South",
        "provision": "Article 2",
        "agreed": "2021-03-01",
        "original_deadline": "2021-03-10",
        "deadline": "2021-03-17",
        "revision_count": 1,
        "slip_days": 7,
        "completed": "2021-03-16",
        "status": "completed",
        "days_to_deadline": None,
        "delay_days": 6,
        "on_time": True,
        "as_of": "2021-03-20",
        "agreement": "small-accord",
        "deadline_rule": None,
        "begin_by": None,
        "began": None,
        "reversed": None,
        "last_news": "2021-03-16",  # the completion; "Accord text" is undated: never news
        "aliases": ["Hügel", "The Hill"],
        "notes": "Handed over a day early.",
        "notes_written_later": False,  # 20 March is after every date the record speaks of
        "revisions": [
            {
                "announced": "2021-03-08",
                "deadline": "2021-03-17",
                "reason": "Snow on the pass",
                "sources": [
                    {
                        "publisher": "Daily Post",
                        "title": None,
                        "url": "https://example.org/snow",
                        "published": "2021-03-08",
                    }
                ],
            }
        ],
        "sources": [
            {"publisher": "Accord text", "title": "Article 2", "url": None, "published": None}
        ],
        # the schema 1 revision and completion, as the events a schema 3 file would write
        "events": [
            {
                "date": "2021-03-08",
                "kind": "postponed",
                "deadline": "2021-03-17",
                "reason": "Snow on the pass",
                "note": None,
                "sources": [
                    {
                        "publisher": "Daily Post",
                        "title": None,
                        "url": "https://example.org/snow",
                        "published": "2021-03-08",
                    }
                ],
            },
            {
                "date": "2021-03-16",
                "kind": "completed",
                "deadline": None,
                "reason": None,
                "note": None,
                "sources": [],
            },
        ],
    }
    assert _ordered(got) == _ordered(expected)


def test_changes_json_is_one_object_per_happening(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(tmp_path, SMALL)
    got = _json(
        invoke,
        "--data",
        str(path),
        "changes",
        "--since",
        "2021-01-01",
        "--until",
        "2021-12-31",
        "--format",
        "json",
    )
    expected = [
        {
            "date": "2021-03-01",
            "id": "small-accord",
            "name": "Small accord",
            "kind": "signed",
            "detail": "1 handover agreed",
            "agreement": "small-accord",
            "sources": [],  # the agreement cites no source
        },
        {
            "date": "2021-03-08",
            "id": "hill",
            "name": "Hill District",
            "kind": "revised",
            "detail": "deadline moved from 2021-03-10 to 2021-03-17: Snow on the pass",
            "agreement": "small-accord",
            "sources": ["https://example.org/snow"],  # the revision's own, not the handover's
        },
        {
            "date": "2021-03-16",
            "id": "hill",
            "name": "Hill District",
            "kind": "completed",
            "detail": "completed on time by the revised deadline, 6 days after the original",
            "agreement": "small-accord",
            "sources": [],  # a schema 1 completion has no sources of its own
        },
    ]
    assert _ordered(got) == _ordered(expected)
