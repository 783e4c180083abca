"""Renderers: one module per format, and the one registry that maps a format name to it.

A command builds a view (output/views.py: what it has to say) and calls `render(fmt, view)`.
Adding a format is one module here with a `render(view)` function, and one line in FORMATS
naming the views it can render; each command's --format choices are derived from FORMATS,
so no command compares format names. Renderer modules are imported only when used (the
table pulls in rich, the calendar icalendar).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from handover.output.views import View


class Format(NamedTuple):
    module: str  # handover.output.<module>, which has render(view) -> str | bytes
    views: frozenset[str]  # the names of the view classes it renders
    for_people: bool = False  # a view's notes go under it; else on stderr, data kept clean


FORMATS: dict[str, Format] = {
    "table": Format(
        "table", frozenset({"Listing", "ChangeLog", "Detail", "AgreementList"}), for_people=True
    ),
    "csv": Format("csv", frozenset({"Listing", "Export", "ChangeLog", "AgreementList"})),
    "json": Format(
        "json",
        frozenset({"Listing", "Export", "ChangeLog", "Detail", "AgreementList", "Document"}),
    ),
    "ics": Format("ics", frozenset({"Export"})),
    "md": Format("markdown", frozenset({"Export"})),
    "atom": Format("atom", frozenset({"ChangeLog"})),
}


def formats_for(view: type[View]) -> list[str]:
    """The format names that can render this kind of view, in FORMATS order."""
    return [name for name, fmt in FORMATS.items() if view.__name__ in fmt.views]


def render(fmt: str, view: View) -> str | bytes:
    """The view in that format: text, or bytes for formats that fix their own encoding."""
    result: str | bytes = _renderer(fmt, view).render(view)
    return result


def chunks(fmt: str, view: View) -> Iterator[str | bytes]:
    """The view in that format, in pieces as it is made: from the renderer's own
    `chunks(view)` where it has one (CSV and JSON write a long listing a row at a time),
    else the whole of render() as one piece."""
    renderer = _renderer(fmt, view)
    if hasattr(renderer, "chunks"):
        pieces: Iterator[str | bytes] = renderer.chunks(view)
        return pieces
    return iter([renderer.render(view)])


def _renderer(fmt: str, view: View) -> Any:
    chosen = FORMATS[fmt]
    if type(view).__name__ not in chosen.views:
        raise TypeError(f"the {fmt} format does not render a {type(view).__name__}")
    return import_module(f"handover.output.{chosen.module}")
