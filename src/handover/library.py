"""Which data file, and file -> validated models: the one place that asks the cache.

The fast path (a valid file) is one safe YAML load and one pydantic validation; a file
seen before (the same bytes, the same program) is answered from the cache without either.
Positions are only worked out when something is wrong (problems.report).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from handover import cache
from handover.models import DEADLINE_TAGS, Dataset, cross_problems
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


def data_path(option: str | None) -> Path:
    """Which file: --data, else HANDOVER_DATA, else the bundled copy (README: Which data file)."""
    chosen = option or os.environ.get("HANDOVER_DATA")
    return Path(chosen) if chosen else bundled_path()


def load(path: Path) -> Dataset:
    """Load and validate a data file. Raises DataFileError listing every problem.

    A valid file's dataset is cached (cache.py), keyed by the file's exact bytes and the
    validating code: a second run on an unchanged file skips the YAML parse and the rules."""
    data = read_bytes(path)
    entry = cache.entry_for(data)  # None when the cache is off
    with collector_paused():
        dataset = None if entry is None else cache.get(entry)
        if dataset is None:
            dataset = _parse(decode(data, str(path)), str(path))
            if entry is not None:
                cache.put(entry, dataset)
    return dataset


def parse(text: str, filename: str) -> Dataset:
    """Validate data-file text (no cache). Raises DataFileError with FILE:LINE:COL lines."""
    with collector_paused():
        return _parse(text, filename)


def _parse(text: str, filename: str) -> Dataset:
    raw, duplicates = load_yaml(text, filename)
    problems: list[Problem] = []
    dataset: Dataset | None = None
    try:
        dataset = Dataset.model_validate(raw, context={"cross_checked": True})
    except ValidationError as exc:
        problems += from_pydantic(exc, Dataset, {"deadline": DEADLINE_TAGS})
    problems += cross_problems(raw)
    if dataset is not None and not problems and not duplicates:
        return dataset
    raise report(filename, text, problems, duplicates)
