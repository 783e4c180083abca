"""One registry chooses a renderer for a format (output/__init__.py)."""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from handover import output
from handover.output import FORMATS, Format
from handover.output.views import Listing

from .conftest import ROOT

SOURCE = ROOT / "src" / "handover"
NAMES = "|".join(re.escape(name) for name in FORMATS)
COMPARISONS = [
    re.compile(rf"""(==|!=)\s*["']({NAMES})["']"""),
    re.compile(rf"""["']({NAMES})["']\s*(==|!=)"""),
    re.compile(rf"""\bin\s*[(\[{{][^)\]}}]*["']({NAMES})["']"""),
    re.compile(r"\bfmt\s*(==|!=|\bin\b)"),
]


def test_no_format_name_is_compared_outside_the_registry() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "output" / "__init__.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in COMPARISONS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_check_above_would_see_a_comparison() -> None:
    for line in ('if fmt == "csv":', "elif 'table' != kind:", 'if x in ("csv", "json"):'):
        assert any(p.search(line) for p in COMPARISONS), line


def test_every_format_module_renders_what_the_registry_says() -> None:
    for name, fmt in FORMATS.items():
        module = importlib.import_module(f"handover.output.{fmt.module}")
        assert callable(module.render), name
        # A module streams exactly when its line says so: a chunks() the registry does not
        # know of would never be used, and one it expects must be there.
        assert callable(getattr(module, "chunks", None)) == fmt.streams, name


@pytest.fixture
def shout_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A format added the documented way: one module with render(view), one registry line."""
    module = types.ModuleType("handover.output.shout")

    def render(view: Listing) -> str:
        return "".join(f"{r.handover.name.upper()}: {r.status}\n" for r in view.rows)

    module.render = render  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "handover.output.shout", module)
    monkeypatch.setitem(output.FORMATS, "shout", Format("shout", frozenset({"Listing"})))
    import handover.commands.query as query

    importlib.reload(query)  # the command's --format choices are read from the registry
    yield
    monkeypatch.undo()
    importlib.reload(query)


@pytest.mark.usefixtures("shout_format")
def test_adding_a_format_is_one_module_and_one_line(invoke: Callable[..., Any]) -> None:
    result = invoke("status", "--date", "2020-11-20", "--format", "shout")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "KALBAJAR DISTRICT: pending\nAGHDAM DISTRICT: completed\nLACHIN DISTRICT: pending\n"
    )
    # and a command whose view it does not render does not offer it
    refused = invoke("changes", "--since", "2020-11-01", "--format", "shout")
    assert refused.exit_code == 2


def test_a_format_that_does_not_render_a_view_is_refused_loudly() -> None:
    with pytest.raises(TypeError, match="the ics format does not render a Listing"):
        output.render("ics", Listing("heading", []))
