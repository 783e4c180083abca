"""What a command has to say, independent of the format it is said in (no rich here).

Every renderer in output/ takes one of these; the registry (output/__init__.py) says which
format renders which view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:  # kept light: commands import this module to list their formats
    from handover.models import Agreement
    from handover.timeline import AgreementFields, Change, Row


class Listing(NamedTuple):
    """Rows of handovers as of a date (status, upcoming, delays). `notes` are lines for the
    reader: under a table, on stderr beside machine-readable data. For a format that is not
    for people, `rows` may be an iterator, made as they are written: read them once."""

    heading: str
    rows: Iterable[Row]
    columns: Literal["status", "delays"] = "status"
    notes: tuple[str, ...] = ()


class Upcoming(NamedTuple):
    """What is due next (upcoming): a Listing, that can also be a calendar to subscribe to."""

    heading: str
    rows: Iterable[Row]
    columns: Literal["status", "delays"] = "status"
    notes: tuple[str, ...] = ()


class Export(NamedTuple):
    """Every handover as of a date, for spreadsheets, calendars and reports (export)."""

    heading: str
    rows: Sequence[Row]
    agreements: Sequence[Agreement]
    notes: tuple[str, ...] = ()


class ChangeLog(NamedTuple):
    """What happened in a window, oldest first (changes)."""

    heading: str
    changes: Sequence[Change]
    notes: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()  # the agreements covered (ids)
    until: date = date.min  # the window's last day
    title: str = "Handover changes"  # the feed's title; with base_url, what its id rests on
    base_url: str | None = None  # where the site is published (ends with /), for the feed
    linked: bool = False  # link the feed and its entries to the site's pages (site, base_url)
    self_name: str = "feed.xml"  # the feed's own file name, for rel="self" with base_url


class Detail(NamedTuple):
    """Everything about one handover as of a date (show)."""

    row: Row
    agreement: Agreement
    notes: tuple[str, ...] = ()


class AgreementDetail(NamedTuple):
    """Everything about one agreement as of a date (show AGREEMENT): its `agreements` row,
    the agreement, its handovers' rows."""

    fields: AgreementFields
    agreement: Agreement
    rows: Sequence[Row]
    as_of: date
    notes: tuple[str, ...] = ()


class AgreementList(NamedTuple):
    """One row per agreement that exists on a date (agreements)."""

    heading: str
    agreements: Sequence[AgreementFields]
    notes: tuple[str, ...] = ()


class Document(NamedTuple):
    """A ready-made JSON document (the data file's JSON Schema)."""

    content: Any
    notes: tuple[str, ...] = ()


View = Listing | Upcoming | Export | ChangeLog | Detail | AgreementDetail | AgreementList | Document
