"""changes --format atom: an RFC 4287 feed that a feed reader parses, with stable ids."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest

from .conftest import MINIMAL, write


def _feed(invoke: Callable[..., Any], *args: str) -> Any:
    result = invoke("changes", *args, "--format", "atom")
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(result.stdout_bytes)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_one_entry_per_change_with_stable_ids(invoke: Callable[..., Any]) -> None:
    window = ("--since", "2020-11-01", "--until", "2020-12-02")
    parsed = _feed(invoke, *window)
    listed = json.loads(invoke("changes", *window, "--format", "json").stdout)
    assert [e.title for e in parsed.entries] == [f"{c['name']}: {c['kind']}" for c in listed]
    assert [e.id for e in parsed.entries] == [
        "tag:handover,2020:nk-2020-trilateral/signed/2020-11-10",
        "tag:handover,2020:nk-2020-trilateral/kalbajar/revised/2020-11-15",
        "tag:handover,2020:nk-2020-trilateral/aghdam/completed/2020-11-20",
        "tag:handover,2020:nk-2020-trilateral/kalbajar/completed/2020-11-25",
        "tag:handover,2020:nk-2020-trilateral/lachin/completed/2020-12-01",
    ]
    again = invoke("changes", *window, "--format", "atom")
    assert again.stdout_bytes == invoke("changes", *window, "--format", "atom").stdout_bytes
    # the feed's id rests on its title (or --base-url), not on which agreements exist
    assert parsed.feed.id == "tag:handover,2020:feed/handover-changes"
    assert parsed.feed.updated == "2020-12-01T00:00:00Z"  # the newest change, not the clock


def test_an_entry_keeps_its_id_when_the_window_moves(invoke: Callable[..., Any]) -> None:
    early = _feed(invoke, "--since", "2020-11-14", "--until", "2020-11-16")
    late = _feed(invoke, "--since", "2020-11-01", "--until", "2020-12-31")
    assert early.entries[0].id in {e.id for e in late.entries}


def test_a_postponement_links_its_sources(invoke: Callable[..., Any]) -> None:
    parsed = _feed(invoke, "--since", "2020-11-15", "--until", "2020-11-15")
    (entry,) = parsed.entries
    assert entry.updated == "2020-11-15T00:00:00Z"
    assert [link.rel for link in entry.links] == ["related"] * 4
    assert entry.links[0].href.startswith("https://jam-news.net/")
    assert entry.content[0].value.startswith("deadline moved from 2020-11-15 to 2020-11-25")


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "]]> & <![CDATA[",
    "\u202eRTL\u200b zero-width",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_comes_back_as_the_text_it_is(
    invoke: Callable[..., Any], tmp_path: Path, name: str
) -> None:
    path = write(tmp_path, MINIMAL.replace("name: Hill District", f"name: {json.dumps(name)}"))
    result = invoke(
        "--data",
        str(path),
        "changes",
        "--since",
        "2021-01-01",
        "--until",
        "2021-12-31",
        "--format",
        "atom",
    )
    assert result.exit_code == 0, result.output
    assert b"<script" not in result.stdout_bytes and b"<img" not in result.stdout_bytes
    parsed = feedparser.parse(result.stdout_bytes)
    assert not parsed.bozo
    titles = [e.title for e in parsed.entries]
    # A right-to-left override the name opens is closed (U+202C) right after the name, so
    # that it cannot reverse ": missed" or anything after it; all else comes back as it is.
    shown = name + ("\u202c" if "\u202e" in name else "")
    assert f"{shown}: missed" in titles


def test_atom_is_offered_where_changes_are_and_nowhere_else(invoke: Callable[..., Any]) -> None:
    assert invoke("status", "--format", "atom").exit_code == 2
    assert invoke("export", "--format", "atom").exit_code == 2
