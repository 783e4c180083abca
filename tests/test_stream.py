"""Listings written as they are made: the pieces add up to the whole document, and the
first piece reaches stdout before the last row exists.

Oracles: the json and csv modules given the whole list at once."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from handover.commands import streams
from handover.library import load_library
from handover.output import chunks
from handover.output import csv as csv_output
from handover.output.views import Export, Listing
from handover.timeline import FIELDS, Row, rows

AS_OF = date(2020, 11, 20)


def bundled_rows() -> list[Row]:
    return [r for d in load_library([]).datasets() for r in rows(d, AS_OF)]


@pytest.mark.parametrize("count", [0, 1, 2, 13])
def test_json_pieces_are_the_whole_document(count: int) -> None:
    found = bundled_rows()[:count]
    expected = json.dumps([r.fields() for r in found], indent=2, ensure_ascii=False) + "\n"
    for view in (Listing("h", iter(found)), Export("h", found, [])):
        assert "".join(str(piece) for piece in chunks("json", view)) == expected


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_csv_pieces_are_the_whole_document(size: int) -> None:
    found = bundled_rows()
    whole = io.StringIO()
    writer = csv.writer(whole, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows([csv_output.cell(r.fields()[f]) for f in FIELDS] for r in found)  # type: ignore[literal-required]
    pieces = list(csv_output.pieces((r.fields() for r in found), FIELDS, rows_a_piece=size))
    assert "".join(pieces) == whole.getvalue()
    assert len(pieces) == len(found) // size + 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_stdout_gets_the_first_piece_before_the_last_row_is_made(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    found = bundled_rows()
    events: list[Any] = []

    def made() -> Iterator[Row]:
        for r in found:
            events.append("row")
            yield r

    monkeypatch.setattr(streams, "STDOUT_PIECE", 1)
    monkeypatch.setattr(csv_output, "pieces", _small_pieces(csv_output.pieces))
    monkeypatch.setattr(streams, "write_stdout", lambda data: events.append(data))
    streams.emit_view(fmt, Listing("h", made()))
    written = [e for e in events if e != "row"]
    assert events.index(written[0]) < len(events) - 1 - events[::-1].index("row")
    assert "".join(written) == "".join(str(p) for p in chunks(fmt, Listing("h", found)))


def _small_pieces(pieces: Any) -> Any:
    return lambda records, fields, rows_a_piece=1000: pieces(records, fields, rows_a_piece=2)
