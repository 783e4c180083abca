"""The run's state: the data files named, the library loaded from them, and the questions
every command asks of it (which agreements a command covers, which handover a NAME is).

Agreements are chosen and names found from the library's summaries: an agreement's dataset
is built only when a command shows it.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

import click

from handover.dates import DateSpec, day_label, today_in
from handover.errors import UsageError
from handover.library import Entry, Library, load_library
from handover.models import Dataset, Summary
from handover.names import NameIndex, lookup
from handover.plural import plural
from handover.timeline import exists, in_play


class App:
    """Created once per run; holds the data files named and the library loaded from them."""

    def __init__(self) -> None:
        self.data_options: list[str] = []
        self.bundled = False  # --bundled: the bundled library too
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = load_library(self.data_options, bundled=self.bundled)
            # It lives as long as this process: move it out of the collector's way, so that
            # answering (a row per handover) does not re-scan it again and again.
            gc.freeze()
        return self._library

    def datasets(self, entries: Sequence[Entry] | None = None) -> list[Dataset]:
        return self.library().datasets(entries)

    def as_of(self, spec: DateSpec | None) -> date:
        """The as-of date; "today" is today in the time zone of the first agreement loaded
        (the agreement's own, for a single file)."""
        spec = spec or DateSpec(offset=0)
        if spec.absolute is not None:
            return spec.absolute
        return spec.resolve(today_in(self.library().entries[0].dataset.agreement.timezone))

    def covered(
        self,
        as_of: date,
        picked: Sequence[str] = (),
        show_all: bool = False,
        for_page: bool = False,
    ) -> tuple[list[Dataset], tuple[str, ...]]:
        """covered_entries(), with their datasets built."""
        entries, more = self.covered_entries(as_of, picked, show_all, for_page)
        return self.datasets(entries), more

    def covered_entries(
        self,
        as_of: date,
        picked: Sequence[str] = (),
        show_all: bool = False,
        for_page: bool = False,
    ) -> tuple[list[Entry], tuple[str, ...]]:
        """The agreements a command about the state of play covers: those picked with
        --agreement; else all of them with --all, or when there is one; else those in play on
        the date. And a line saying how many more there are: for the terminal, with the
        option that shows them; `for_page`, in words for a reader only. Their datasets are
        not built yet."""
        library = self.library()
        if picked:
            return self._picked(picked, show_all), ()
        if len(library) == 1:
            return library.entries, ()
        existing = [e for e in library.entries if exists(e.summary, as_of)]
        if show_all:  # every agreement that exists on D: one signed later does not yet
            return existing, ()
        chosen = [e for e in existing if in_play(e.summary, as_of)]
        hidden = len(existing) - len(chosen)
        if not hidden:
            return chosen, ()
        more = plural(hidden, "more agreement exists", "more agreements exist")
        said = f"{more} on {day_label(as_of)} but {'has' if hidden == 1 else 'have'} nothing open"
        return chosen, (f"{said}." if for_page else f"{said} (--all shows them)",)

    def existing(
        self, as_of: date, picked: Sequence[str] = (), show_all: bool = False
    ) -> list[Dataset]:
        """The agreements that exist on the date (all, with one), or those picked. (--all
        asks for just that: every agreement that exists on the date.)"""
        library = self.library()
        if picked:
            return self.datasets(self._picked(picked, show_all))
        if len(library) == 1:
            return self.datasets()
        return self.datasets([e for e in library.entries if exists(e.summary, as_of)])

    def _picked(self, picked: Sequence[str], show_all: bool) -> list[Entry]:
        if show_all:
            raise UsageError(
                "--all and --agreement cannot be used together: --all means every agreement "
                "that exists on the date, --agreement picks some"
            )
        return [self.library().entry(a) for a in dict.fromkeys(picked)]

    def resolve(self, names: Sequence[str]) -> list[tuple[Entry, str]]:
        """(agreement's entry, handover id) for each NAME: an id, name or alias in any
        agreement, or AGREEMENT/NAME. A NAME two agreements answer to is a usage error
        listing both. Found from the summaries: no dataset is built."""
        return [self._resolve(name) for name in names]

    def _resolve(self, name: str) -> tuple[Entry, str]:
        library = self.library()
        agreement_id, slash, rest = name.partition("/")
        if slash and agreement_id in {e.id for e in library.entries}:
            entry = library.entry(agreement_id)
            return entry, lookup(_index(entry.summary), rest)
        found = [
            (e, hid) for e in library.entries if (hid := _index(e.summary).find(name)) is not None
        ]
        if len(found) == 1:
            return found[0]
        if found:
            both = ", ".join(f"{e.id}/{hid}" for e, hid in found)
            raise UsageError(f"{name!r} names handovers in more than one agreement: {both}")
        if len(library) == 1:
            lookup(_index(library.entries[0].summary), name)  # raises, with suggestions
        shared = Counter(hid for e in library.entries for hid, _ in e.summary.spellings)
        merged = NameIndex(  # an id is qualified only where two agreements use it
            (f"{e.id}/{hid}" if shared[hid] > 1 else hid, spellings)
            for e in library.entries
            for hid, spellings in e.summary.spellings
        )
        qualified = lookup(merged, name)  # raises with suggestions, or finds a qualified id
        return self._resolve(qualified)

    def check_output(self, output: str | None, option: str = "--output") -> None:
        """Refuse to write an output over a data file (exit 2)."""
        if output is None or output == "-":
            return
        for entry in self.library().entries:
            with contextlib.suppress(OSError):  # either missing: they are not the same file
                if os.path.samefile(output, entry.path):
                    raise UsageError(
                        f"{option} {output} is the data file; refusing to overwrite it"
                    )

    def staleness(
        self, as_of: date, agreements: Iterable[Dataset | Entry | Summary]
    ) -> tuple[str, ...]:
        """A line for each agreement answered for after its data was last checked against the
        news, so that silence is never taken for "nothing happened"."""
        lines = []
        for one in agreements:
            summary = _summary(one)
            if summary.checked is not None and as_of > summary.checked:
                lines.append(
                    f"{summary.id}: data checked up to {summary.checked.isoformat()}; "
                    "later events are not recorded"
                )
        return tuple(lines)

    def headline(
        self, what: str, as_of: date, agreements: Sequence[Dataset | Entry | Summary]
    ) -> str:
        if len(agreements) == 1:
            named = _summary(agreements[0]).id
        else:
            named = plural(len(agreements), "agreement")
        return f"{what} as of {as_of.isoformat()} ({named})"


def _summary(agreement: Dataset | Entry | Summary) -> Summary:
    if isinstance(agreement, Entry):
        return agreement.summary
    return agreement if isinstance(agreement, Summary) else Summary.of(agreement)


def _index(summary: Summary) -> NameIndex:
    return NameIndex(summary.spellings)


pass_app = click.make_pass_decorator(App, ensure=True)
