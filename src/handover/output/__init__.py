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
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

if TYPE_CHECKING:
    from handover.output.views import View


class Renderer(Protocol):
    """A renderer module: the whole view as text, or bytes for formats that fix their own
    encoding. (Each module's own `render` takes only the views its FORMATS line names.)"""

    def render(self, view: View, /) -> str | bytes: ...


class StreamingRenderer(Renderer, Protocol):
    """A renderer that can also give the view in pieces as it is made."""

    def chunks(self, view: View, /) -> Iterator[str | bytes]: ...


class Format(NamedTuple):
    module: str  # handover.output.<module>: a Renderer (a StreamingRenderer if `streams`)
    views: frozenset[str]  # the names of the view classes it renders
    for_people: bool = False  # a view's notes go under it; else on stderr, data kept clean
    streams: bool = False  # it writes a long listing as it is made (chunks)


FORMATS: dict[str, Format] = {
    "table": Format(
        "table",
        frozenset(
            {"Listing", "Upcoming", "ChangeLog", "Detail", "AgreementDetail", "AgreementList"}
        ),
        for_people=True,
    ),
    "csv": Format(
        "csv",
        frozenset({"Listing", "Upcoming", "Export", "ChangeLog", "AgreementList"}),
        streams=True,
    ),
    "json": Format(
        "json",
        frozenset(
            {
                "Listing",
                "Upcoming",
                "Export",
                "ChangeLog",
                "Detail",
                "AgreementDetail",
                "AgreementList",
                "Document",
            }
        ),
        streams=True,
    ),
    "ics": Format("ics", frozenset({"Export", "Upcoming"})),
    "md": Format("markdown", frozenset({"Export"})),
    "atom": Format("atom", frozenset({"ChangeLog"})),
}


def formats_for(view: type[View]) -> list[str]:
    """The format names that can render this kind of view, in FORMATS order."""
    return [name for name, fmt in FORMATS.items() if view.__name__ in fmt.views]


def render(fmt: str, view: View) -> str | bytes:
    """The view in that format: text, or bytes for formats that fix their own encoding."""
    return _renderer(fmt, view).render(view)


def chunks(fmt: str, view: View) -> Iterator[str | bytes]:
    """The view in that format, in pieces as it is made: from the renderer's own
    `chunks(view)` where it streams (CSV and JSON write a long listing a row at a time),
    else the whole of render() as one piece."""
    renderer = _renderer(fmt, view)
    if FORMATS[fmt].streams:
        return cast(StreamingRenderer, renderer).chunks(view)
    return iter([renderer.render(view)])


def _renderer(fmt: str, view: View) -> Renderer:
    chosen = FORMATS[fmt]
    if type(view).__name__ not in chosen.views:
        raise TypeError(f"the {fmt} format does not render a {type(view).__name__}")
    # A module is checked against the protocol by the registry test (tests/test_registry.py).
    return cast(Renderer, import_module(f"handover.output.{chosen.module}"))
