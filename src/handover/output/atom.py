"""An Atom feed (RFC 4287) of what changed: one entry per change.

Entry ids are tag URIs (RFC 4151) made of the agreement, the handover (or nothing more for
`signed`), the kind of change and its date, so they stay the same from one run to the next and
a feed reader shows only what is new. The feed's `updated` is its newest change, not the
clock, so two runs on the same data write the same bytes. Each entry links, as "related", the
sources its change rests on, as they could be cited on that day.

Written with the standard library's ElementTree, which escapes every text and attribute.
feedgen was tried first: its 1.0.0 (the latest release, 2023) drops `rel` from entry links
(python-feedgen issue #135, open since January 2024), which makes several links of one entry
invalid "alternate" links; and it would have brought in lxml.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from handover import __name__ as _package
from handover.output.plain import plain
from handover.output.views import ChangeLog

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:handover,2020:"  # RFC 4151: the tagging authority and a fixed date


def entry_id(agreement: str, subject: str, kind: str, day: date) -> str:
    about = agreement if subject == agreement else f"{agreement}/{subject}"
    return f"{TAG}{about}/{kind}/{day.isoformat()}"


def _distinct(found: str, seen: dict[str, int]) -> str:
    """Two changes of one kind to one handover on one day (two revisions announced together)
    are two entries: the second gets `/2`, the third `/3`, in the order they are listed
    (file order within a day), so the first keeps the id it always had."""
    seen[found] = seen.get(found, 0) + 1
    return found if seen[found] == 1 else f"{found}/{seen[found]}"


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _text(parent: ET.Element, name: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, name, attrs)
    element.text = plain(text)
    return element


def render(view: ChangeLog) -> bytes:
    ET.register_namespace("", ATOM)
    agreements = sorted({c.agreement for c in view.changes} | set(view.agreements))
    named = ", ".join(agreements) or "none"
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    _text(feed, "id", f"{TAG}changes/{'+'.join(agreements) or 'none'}")
    _text(feed, "title", f"Handover changes: {named}")
    _text(feed, "subtitle", view.heading)
    newest = max((c.date for c in view.changes), default=view.until)
    _text(feed, "updated", _stamp(newest))
    author = ET.SubElement(feed, "author")
    _text(author, "name", _package)
    _text(feed, "generator", _package)
    seen: dict[str, int] = {}
    for change in view.changes:
        entry = ET.SubElement(feed, "entry")
        found = entry_id(change.agreement, change.id, change.kind, change.date)
        _text(entry, "id", _distinct(found, seen))
        _text(entry, "title", f"{plain(change.name)}: {change.kind}")  # the name's own bidi closed
        _text(entry, "updated", _stamp(change.date))
        _text(entry, "published", _stamp(change.date))
        _text(entry, "content", change.detail, type="text")
        for url in change.links:
            ET.SubElement(entry, "link", {"rel": "related", "href": plain(url)})
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
