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


def _stamp(day: date, nth: int = 0) -> str:
    """Midnight UTC of the day, plus a second for each earlier change of that day, so that
    entries of one day keep their order in a reader that sorts by time."""
    return f"{day.isoformat()}T00:{nth // 60:02d}:{nth % 60:02d}Z"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split()) or "feed"


def page_link(agreement: str, subject: str) -> str:
    """The site page and anchor a change is about, relative to the site's root."""
    anchor = agreement if subject == agreement else f"{agreement}/{subject}"
    return f"{agreement}/index.html#{anchor}"


def _text(parent: ET.Element, name: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, name, attrs)
    element.text = plain(text)
    return element


def render(view: ChangeLog) -> bytes:
    """The feed. Its id rests on where it is published (`base_url`) or on its title, never on
    which agreements exist, so adding one to the library does not make a new feed."""
    ET.register_namespace("", ATOM)
    base = view.base_url
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    _text(feed, "id", f"{base}{view.self_name}" if base else f"{TAG}feed/{_slug(view.title)}")
    _text(feed, "title", view.title)
    _text(feed, "subtitle", view.heading)
    prefix = base or ""
    if base:
        ET.SubElement(feed, "link", {"rel": "self", "href": f"{base}{view.self_name}"})
    if view.linked:
        page = {"rel": "alternate", "type": "text/html", "href": f"{prefix}index.html"}
        ET.SubElement(feed, "link", page)
    newest = max((c.date for c in view.changes), default=view.until)
    _text(feed, "updated", _stamp(newest, sum(c.date == newest for c in view.changes) - 1))
    author = ET.SubElement(feed, "author")
    _text(author, "name", _package)
    _text(feed, "generator", _package)
    seen: dict[str, int] = {}
    today: tuple[date, int] = (date.min, 0)
    for change in view.changes:
        today = (change.date, today[1] + 1 if today[0] == change.date else 0)
        entry = ET.SubElement(feed, "entry")
        found = entry_id(change.agreement, change.id, change.kind, change.date)
        _text(entry, "id", _distinct(found, seen))
        _text(entry, "title", f"{plain(change.name)}: {change.kind}")  # the name's own bidi closed
        _text(entry, "updated", _stamp(change.date, today[1]))
        _text(entry, "published", _stamp(change.date, today[1]))
        _text(entry, "content", change.detail, type="text")
        if view.linked:
            href = prefix + page_link(change.agreement, change.id)
            ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": href})
        for url in change.links:
            ET.SubElement(entry, "link", {"rel": "related", "href": plain(url)})
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
