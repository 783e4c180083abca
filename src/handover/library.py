"""Which data file, and file -> validated models: the one place that asks the cache.

The fast path (a valid file) is one safe YAML load and one pydantic validation; a file
seen before (the same bytes, the same program) is answered from the cache without either.
Positions are only worked out when something is wrong (problems.report).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import ValidationError

from handover import cache
from handover.errors import DataFileError, UsageError
from handover.models import DEADLINE_TAGS, Dataset, Summary, cross_problems
from handover.problems import Problem, from_pydantic, report
from handover.reading import collector_paused, decode, load_yaml, read_bytes


def bundled_path() -> Path:
    """The copy of data/handover.yaml shipped inside the package (or the source tree's)."""
    # The wheel puts it beside this module (importlib.resources would cost ~10 ms of imports
    # at every start for the same answer: the package is always a plain folder here).
    packaged = Path(__file__).resolve().parent / "data" / "handover.yaml"
    if packaged.is_file():
        return packaged
    # An editable install runs from the source tree, where the file sits at the top level.
    return Path(__file__).resolve().parents[2] / "data" / "handover.yaml"


def load(path: Path) -> Dataset:
    """Load and validate a data file. Raises DataFileError listing every problem.

    A valid file's dataset is cached (cache.py), bound to the file's exact bytes and the
    validating code: a second run on an unchanged file skips the YAML parse and validation."""
    data = read_bytes(path)
    slot = cache.slot_for(data, path)  # None when the cache is off
    with collector_paused():
        dataset = None if slot is None else cache.get(slot)
        if dataset is None:
            dataset = _parse(decode(data, str(path)), str(path))
            if slot is not None:
                cache.put(slot, dataset)
    return dataset


def parse(text: str, filename: str) -> Dataset:
    """Validate data-file text (no cache). Raises DataFileError with FILE:LINE:COL lines."""
    with collector_paused():
        return _parse(text, filename)


def _parse(text: str, filename: str) -> Dataset:
    raw, duplicates = load_yaml(text, filename)
    problems: list[Problem] = []
    dataset: Dataset | None = None
    try:  # the cross-field rules run below on the raw document, with its other problems
        dataset = Dataset.model_validate(raw, context={"cross_checked": True})
    except ValidationError as exc:
        problems += from_pydantic(exc, Dataset, {"deadline": DEADLINE_TAGS})
    problems += cross_problems(raw)
    if dataset is not None and not problems and not duplicates:
        return dataset
    raise report(filename, text, problems, duplicates)


# --- many files: the library ------------------------------------------------------------------

DATA_SUFFIXES = (".yaml", ".yml")


class Entry:
    """One data file of a library: its agreement's summary at once, its dataset when first
    asked for. An agreement answered from the cache is rebuilt (and checked) only then, so
    the agreements a command does not show cost a read and a checksum, not a rebuild."""

    __slots__ = ("_cached", "_dataset", "path", "summary")

    def __init__(
        self,
        path: Path,
        summary: Summary,
        dataset: Dataset | None = None,
        cached: cache.Slot | None = None,
    ) -> None:
        self.path = path
        self.summary = summary
        self._dataset = dataset
        self._cached = cached

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = self.passing()
        return self._dataset

    def passing(self) -> Dataset:
        """The dataset, without keeping it (unless it is kept already): for a command that
        answers one agreement at a time and lets each go (Library.stream)."""
        if self._dataset is not None:
            return self._dataset
        with collector_paused():
            found = None if self._cached is None else cache.get(self._cached)
            # An entry that is a miss now: the file itself, as on a cold run.
            dataset = found or load(self.path)
        if Summary.of(dataset) != self.summary:  # the file changed since it was chosen
            raise DataFileError(
                f"{self.path}: the file changed while it was being read; run the command again"
            )
        return dataset


class Library:
    """Every agreement loaded, in the order their files were named; ids unique."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._by_id = {e.id: e for e in self.entries}

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, agreement_id: str) -> Entry:
        """The entry of an agreement id; UsageError (exit 2) naming the known ids."""
        found = self._by_id.get(agreement_id)
        if found is None:
            known = ", ".join(sorted(self._by_id))
            raise UsageError(f"unknown agreement {agreement_id!r}; known agreements: {known}")
        return found

    def datasets(self, entries: Sequence[Entry] | None = None) -> list[Dataset]:
        """The datasets of these entries (all by default), built in one collector pause."""
        with collector_paused():
            datasets = [e.dataset for e in (self.entries if entries is None else entries)]
        # They live as long as the library: out of the collector's way, so that answering
        # (a row per handover) does not walk them again and again.
        gc.freeze()
        return datasets

    def stream(self, entries: Sequence[Entry]) -> Iterator[Dataset]:
        """The datasets of these entries one at a time, none kept by the library: memory
        holds one agreement's models, not the library's (20,000 files: about 70 MiB, not 780)."""
        for entry in entries:
            yield entry.passing()


def bundled_paths() -> list[Path]:
    """The bundled library: data/handover.yaml and the files in data/agreements/."""
    first = bundled_path()
    return [first, *files_in(first.parent / "agreements", missing_ok=True)]


def chosen_paths(options: Sequence[str], bundled: bool = False) -> list[Path]:
    """--data (repeatable), else HANDOVER_DATA (paths separated by os.pathsep), else the
    bundled library; with `bundled` (--bundled), the bundled library after what is named."""
    named = _named_paths(options)
    if not named:
        return bundled_paths()
    return [*named, *bundled_paths()] if bundled else named


def is_bundled(path: Path) -> bool:
    """Whether `path` is one of the bundled library's files (installed or in a checkout)."""
    real = os.path.realpath(path)
    return any(os.path.realpath(p) == real for p in bundled_paths())


def _named_paths(options: Sequence[str]) -> list[Path]:
    if options:
        return [Path(o) for o in options]
    variable = os.environ.get("HANDOVER_DATA", "")
    from_env = [p for p in variable.split(os.pathsep) if p]
    if variable and not from_env:  # ":" is what "$A:$B" gives with both unset: a mistake
        raise UsageError(
            f"HANDOVER_DATA={variable!r} names no file; name a data file or folder, "
            "or unset it for the bundled library"
        )
    return [Path(p) for p in from_env]


def installed_data(path: Path) -> bool:
    """Whether `path` is inside the installed package (the data an install put beside the
    code). A source checkout's data/ (an editable install) is not: it sits beside src/."""
    package = Path(__file__).resolve().parent
    return Path(os.path.realpath(path)).is_relative_to(package)


def files_in(path: Path, missing_ok: bool = False) -> list[Path]:
    """A file is itself; a folder is every *.yaml/*.yml in it and its subfolders, in name
    order. Raises DataFileError for a folder with none, one that cannot be read, or a loop
    of symbolic links."""
    if not path.is_dir():
        return [] if missing_ok and not path.exists() else [path]
    found: list[Path] = []
    stack: list[tuple[Path, frozenset[str]]] = [(path, frozenset())]
    while stack:
        folder, above = stack.pop()
        real = os.path.realpath(folder)
        if real in above:  # a folder inside itself, through a link
            raise DataFileError(f"{folder}: a loop of symbolic links (it leads back to {real})")
        try:
            items = sorted(os.scandir(folder), key=lambda i: i.name)
        except OSError as exc:
            why = exc.strerror or exc
            raise DataFileError(f"{folder}: cannot read the folder: {why}") from None
        subfolders = []
        for item in items:
            if item.is_dir():
                subfolders.append((Path(item.path), above | {real}))
            elif item.name.endswith(DATA_SUFFIXES) and not item.name.startswith("."):
                found.append(Path(item.path))
        stack.extend(reversed(subfolders))
    found.sort(key=lambda p: p.relative_to(path).parts)
    if not found and not missing_ok:
        raise DataFileError(f"{path}: a folder with no data files (*.yaml, *.yml) in it")
    return found


def load_library(options: Sequence[str] = (), bundled: bool = False) -> Library:
    """Every file the options name, loaded; DataFileError listing every problem of every
    file, and agreement ids used by two files (both named)."""
    problems: list[str] = []
    entries: list[Entry] = []
    with collector_paused():  # once for the library: resumed after each file, the collector
        # would walk every agreement already loaded again and again (quadratic in files)
        for named in chosen_paths(options, bundled):
            try:
                for path in files_in(named):
                    try:
                        entries.append(_entry(path))
                    except DataFileError as exc:
                        problems += exc.lines
            except DataFileError as exc:
                problems += exc.lines
    first: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in first:
            where = _id_position(entry.path)
            problems.append(
                f"{entry.path}{where}: agreement id {entry.id!r} is already the id of "
                f"{first[entry.id].path}"
            )
        else:
            first.setdefault(entry.id, entry)
    if problems:
        raise DataFileError(*problems)
    return Library(entries)


def _entry(path: Path) -> Entry:
    """A file of a library: from the summary its cache entry keeps, or loaded (and cached)."""
    data = read_bytes(path)
    where = cache.slot_for(data, path)  # None when the cache is off
    summary = None if where is None else cache.peek(where)
    if summary is not None:
        return Entry(path, summary, cached=where)
    dataset = _parse(decode(data, str(path)), str(path))
    if where is not None:
        cache.put(where, dataset)
    return Entry(path, Summary.of(dataset), dataset)


def _id_position(path: Path) -> str:
    """:LINE:COL of agreement.id in a valid file (composed again: errors only)."""
    from handover.reading import marks

    found = marks(decode(read_bytes(path), str(path))).get(("agreement", "id"))
    return "" if found is None else f":{found[1].line + 1}:{found[1].column + 1}"
