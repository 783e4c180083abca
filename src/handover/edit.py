"""`record` commands: edit a data file in place, keeping everything they do not touch.

Each edit reads the file, checks it is valid, changes the round-trip YAML tree (ruamel.yaml
keeps comments, key order, quoting and blank lines), validates the whole result with the same
rules as `validate`, and only then writes it atomically. Nothing here imports click.
"""

from __future__ import annotations

import difflib
import fcntl
import io
import itertools
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from handover.atomic import target_of, write_atomic
from handover.errors import DataFileError, EditError
from handover.library import parse
from handover.models import Agreement, Dataset, Handover, Revision
from handover.problems import keys_of
from handover.reading import decode, read_bytes, scalar
from handover.timeline import original_deadline

# The order of keys in the models (the data file's documented order): new keys go where they belong.
HANDOVER_KEYS = tuple(keys_of(Handover))
AGREEMENT_KEYS = tuple(keys_of(Agreement))
REVISION_KEYS = tuple(keys_of(Revision))


@dataclass(frozen=True)
class SourceArgs:
    """The sources given on the command line: URLs (--source, repeatable), and for a single
    source its publisher, title and publication date (a day, `YYYY-MM` or `YYYY`)."""

    urls: tuple[str, ...] = ()
    publisher: str | None = None
    title: str | None = None
    published: date | str | None = None

    def mappings(self, day: date) -> list[Any]:
        """The sources as the file writes them, each dated (by default the day of what it
        reports: a source written by record is never shown before its event)."""
        if len(self.urls) > 1:
            return [self._one(None, None, url, day) for url in dict.fromkeys(self.urls)]
        if not (self.urls or self.publisher or self.title):
            return []
        return [self._one(self.publisher, self.title, self.urls[0] if self.urls else None, day)]

    def _one(self, publisher: str | None, title: str | None, url: str | None, day: date) -> Any:
        source = CommentedMap()
        if publisher:
            source["publisher"] = _text(publisher)
        if title:
            source["title"] = _text(title)
        if url:
            source["url"] = _text(url)
        when = self.published or day
        source["published"] = _day(when) if isinstance(when, date) else _text(when)
        return source


@dataclass(frozen=True)
class Planned:
    """An edit worked out and validated, not yet written."""

    path: Path
    before: bytes
    after: str

    def diff(self) -> str:
        old = self.before.decode("utf-8-sig").splitlines(keepends=True)
        new = self.after.removeprefix(BOM).splitlines(keepends=True)
        name = str(self.path)
        return "".join(difflib.unified_diff(old, new, name, f"{name} (edited)"))

    def write(self) -> None:
        def unchanged() -> None:
            try:
                now = self.path.read_bytes()
            except OSError as exc:
                raise DataFileError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
            if now != self.before:
                raise DataFileError(
                    f"{self.path}: the file was changed by someone else since it was read; "
                    "nothing written, run the command again"
                )

        write_atomic(self.path, self.after.encode("utf-8"), before_replace=unchanged)


def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, block-sequence dash offset) as the file is written, so that the
    dump does not re-indent lines it did not change. ruamel's own guess mixes them up."""
    mapping, offset = 2, 2
    lines = text.splitlines()
    for before, line in itertools.pairwise(lines):
        parent = re.match(r"^(\s*)(?:- )?[^\s#-][^:]*:\s*$", before)
        if not parent:
            continue
        base = len(parent.group(1)) + (2 if before.lstrip().startswith("- ") else 0)
        dash = re.match(r"^(\s*)- ", line)
        key = re.match(r"^(\s*)[^\s#-]", line)
        if dash and len(dash.group(1)) >= base:
            offset = len(dash.group(1)) - base
            break
        if key and len(key.group(1)) > base:
            mapping = len(key.group(1)) - base
    return mapping, offset


def _yaml(text: str) -> Any:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines the edit did not touch
    mapping, offset = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


def _tail(container: Any, key: Any) -> tuple[Any, Any]:
    """The deepest last block-style element under container[key]: where ruamel keeps the
    comments and blank lines that follow an entry."""
    while True:
        child = container[key]
        if not isinstance(child, CommentedMap | CommentedSeq) or not child:
            return container, key
        if child.fa.flow_style():
            return container, key
        container = child
        key = list(child.keys())[-1] if isinstance(child, CommentedMap) else len(child) - 1


def _carry_trailing_comment(container: Any, previous: Any, new: Any) -> None:
    """After appending `new` behind `previous`, move the comment lines and blank lines that
    followed `previous` (they introduce what comes next) behind `new`. An end-of-line
    comment stays on its line."""

    def slot(owner: Any) -> int:
        return 2 if isinstance(owner, CommentedMap) else 0

    owner, key = _tail(container, previous)
    entry = owner.ca.items.get(key)
    token = entry[slot(owner)] if entry else None
    if token is None:
        return
    end_of_line = token.value.find("\n")
    if end_of_line < 0 or not token.value[end_of_line + 1 :]:
        return
    rest = token.value[end_of_line + 1 :]
    token.value = token.value[: end_of_line + 1]
    owner, key = _tail(container, new)
    size = 4 if isinstance(owner, CommentedMap) else 2
    items = owner.ca.items.setdefault(key, [None] * size)
    items[slot(owner)] = CommentToken("\n" + rest, CommentMark(0), None)


def _put(mapping: Any, key: str, value: Any, order: Sequence[str] = HANDOVER_KEYS) -> None:
    """Set a key, inserting a new one after the keys that come before it in `order`."""
    if key in mapping:
        mapping[key] = value
        return
    rank = order.index(key)
    keys = list(mapping.keys())
    position = 0
    for i, existing in enumerate(keys):
        if existing in order and order.index(existing) < rank:
            position = i + 1
    mapping.insert(position, key, value)
    if position == len(keys) and keys:
        _carry_trailing_comment(mapping, keys[-1], key)


def _append(sequence: Any, item: Any) -> None:
    sequence.append(item)
    if len(sequence) > 1:
        _carry_trailing_comment(sequence, len(sequence) - 2, len(sequence) - 1)


def _day(value: date) -> date:
    # A new object each time: ruamel writes one object used twice as an &anchor / *alias.
    return date(value.year, value.month, value.day)


LOCK_WAIT = 10.0  # seconds a writer waits for another edit of the file (record --wait)


@contextmanager
def locked(path: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold an exclusive advisory lock on the data file itself from reading to renaming, so
    that edits of one file are serialised: a second writer waits here, then reads the file as
    the first one left it. Nothing is left beside the file, and no link is followed when
    opening it (links to one file lock their target). An edit replaces the file, so a lock
    won on the file that was replaced while waiting is let go and taken on the new one.
    DataFileError (exit 1) if the lock is not had within `wait` seconds."""
    target = target_of(path)
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            raise DataFileError(
                f"{path}: cannot open the file to edit it: {exc.strerror}"
            ) from None
        try:
            if _take(fd, deadline) and _same_file(fd, target):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if time.monotonic() >= deadline:
            raise DataFileError(
                f"{path}: another edit holds the file; gave up after {wait:g} seconds "
                "(record --wait SECONDS waits longer)"
            )
    try:
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _take(fd: int, deadline: float) -> bool:
    """Try for the lock until the deadline; whether it was had."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


def _same_file(fd: int, target: Path) -> bool:
    """Whether the locked file is still the one at its name (not replaced by an edit)."""
    try:
        now = os.stat(target, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


BOM = "\ufeff"


Change = Callable[[Any, Dataset], None]
"""An edit: it changes the round-trip tree, and may refuse (EditError) from what the file
holds, given as validated models: read under the edit's lock, so every check is made on
what is in the file, not on what was read before another edit landed."""


def plan(path: Path, change: Change) -> Planned:
    """Read and validate the file, apply `change` to its round-trip tree, validate the result.
    The file keeps its own form: line endings, byte-order mark, a closing `...`."""
    before = read_bytes(path)  # the same limits and messages as every other command
    text = decode(before, str(path))
    dataset = parse(text, str(path))  # the file must be valid before we touch it
    yaml = _yaml(text)
    document = yaml.load(text)
    change(document, dataset)
    out = io.StringIO()
    yaml.dump(document, out)
    after = out.getvalue()
    if text.rstrip().endswith("\n...") and not after.rstrip().endswith("\n..."):
        after += "...\n"  # the document end marker, which ruamel drops
    try:
        parse(after, str(path))
    except DataFileError as exc:
        raise DataFileError(
            f"{path}: the edit would make the file invalid; nothing written:",
            *(f"  {line}" for line in exc.lines),
        ) from None
    if "\r\n" in text:
        after = after.replace("\r\n", "\n").replace("\n", "\r\n")
    if before.startswith(BOM.encode()):
        after = BOM + after
    return Planned(path, before, after)


def _text(value: str) -> Any:
    """A string as it must be written so that it reads back as that string: quoted where a
    YAML 1.1 reader would see a boolean, a number, null or a date."""
    return value if scalar(value) == value else SingleQuotedScalarString(value)


def _fold_positions(text: str, width: int) -> list[int]:
    """The spaces at which to break `text` so that no line is longer than `width` (a word
    longer than that stands on its own line)."""
    positions: list[int] = []
    start, last_space = 0, -1
    for i, char in enumerate([*text, " "]):  # a space at the end closes the last line
        if char != " ":
            continue
        if i - start > width and last_space > start:
            positions.append(last_space)
            start = last_space + 1
        last_space = i
    return [p for p in positions if p < len(text)]


def _longer(old: Any, note: str) -> Any:
    """Notes with a sentence added, in the style the old notes were written: a folded block
    stays folded at the width it had, a literal block stays literal."""
    text = f"{str(old).rstrip()} {note}"
    if isinstance(old, LiteralScalarString):
        return LiteralScalarString(text)
    if not isinstance(old, FoldedScalarString):
        return _text(text)
    folds = [-1, *getattr(old, "fold_pos", []), len(str(old))]
    width = max(b - a - 1 for a, b in itertools.pairwise(folds))  # its longest line
    folded = FoldedScalarString(text)
    folded.fold_pos = _fold_positions(text, max(width, 40))
    return folded


def _handover(document: Any, hid: str) -> Any:
    for handover in document["handovers"]:
        if handover.get("id") == hid:
            return handover
    raise EditError(f"no handover with id {hid!r} in the file")  # pragma: no cover


def _add_source(
    mapping: Any, source: SourceArgs, day: date, order: Sequence[str] = HANDOVER_KEYS
) -> None:
    """The sources given, after those the mapping has (a URL it cites already: not again)."""
    cited = {s.get("url") for s in mapping.get("sources") or [] if hasattr(s, "get")}
    for entry in source.mappings(day):
        if entry.get("url") is not None and entry.get("url") in cited:
            continue
        if "sources" in mapping and isinstance(mapping["sources"], list):
            _append(mapping["sources"], entry)
        else:
            _put(mapping, "sources", CommentedSeq([entry]), order)


def complete(hid: str, on: date, source: SourceArgs, note: str | None) -> Change:
    def change(document: Any, _dataset: Dataset) -> None:
        handover = _handover(document, hid)
        if handover.get("completed") is not None:
            raise EditError(
                f"{hid} is already recorded as completed on {handover['completed']}; "
                "edit the file by hand to change it"
            )
        _put(handover, "completed", _day(on))
        if note:
            old = handover.get("notes")
            _put(handover, "notes", _longer(old, note) if old else _text(note))
        _add_source(handover, source, on)

    return change


def postpone(hid: str, to: date, announced: date, reason: str, source: SourceArgs) -> Change:
    def change(document: Any, dataset: Dataset) -> None:
        handover = _handover(document, hid)
        if handover.get("completed") is not None:
            raise EditError(f"{hid} is already recorded as completed; it cannot be postponed")
        held = next(h for h in dataset.handovers if h.id == hid)
        revisions = held.revisions
        in_force = (
            revisions[-1].deadline if revisions else original_deadline(held, dataset.agreement)
        )
        if to <= in_force:
            raise EditError(
                f"{hid}: the new deadline {to} is not later than the deadline in force "
                f"({in_force}); to bring a deadline forward, edit the file by hand"
            )
        revision = CommentedMap()
        revision["announced"] = _day(announced)
        revision["deadline"] = _day(to)
        revision["reason"] = _text(reason)
        _add_source(revision, source, announced, REVISION_KEYS)
        revisions = handover.get("revisions")
        if isinstance(revisions, list):
            _append(revisions, revision)
        else:
            _put(handover, "revisions", CommentedSeq([revision]))

    return change


@dataclass(frozen=True)
class NewHandover:
    id: str
    name: str
    from_: str
    to: str
    deadline: date | dict[str, Any]  # a date, or a rule ({"after": ..., unit: count})
    aliases: tuple[str, ...] = ()
    provision: str | None = None
    begin_by: date | dict[str, Any] | None = None  # schema 3


def add(new: NewHandover, source: SourceArgs) -> Change:
    def change(document: Any, dataset: Dataset) -> None:
        agreed = dataset.agreement.in_force or dataset.agreement.signed
        handover = CommentedMap()
        handover["id"] = new.id
        handover["name"] = _text(new.name)
        if new.aliases:
            aliases = CommentedSeq(_text(a) for a in new.aliases)
            aliases.fa.set_flow_style()
            handover["aliases"] = aliases
        handover["from"] = _text(new.from_)
        handover["to"] = _text(new.to)
        if new.provision:
            handover["provision"] = _text(new.provision)
        if new.begin_by is not None:
            handover["begin_by"] = _date_or_flow(new.begin_by)
        handover["deadline"] = _date_or_flow(new.deadline)
        _add_source(handover, source, agreed)
        handovers = document.get("handovers")
        if isinstance(handovers, CommentedSeq):
            if not handovers:
                handovers.fa.set_block_style()  # `handovers: []` becomes a block list
            _append(handovers, handover)
        else:
            document["handovers"] = CommentedSeq([handover])

    return change


# --- schema 3: one event per verb -------------------------------------------------------

EVENT_KEYS = ("date", "kind", "deadline", "reason", "how", "by", "note", "sources")


@dataclass(frozen=True)
class NewEvent:
    """An event as record writes it (schema 3); `handover` is None for the agreement's."""

    handover: str | None
    day: date
    kind: str
    deadline: date | None = None
    reason: str | None = None
    how: str | None = None
    by: str | None = None
    note: str | None = None


def add_event(new: NewEvent, source: SourceArgs, said: Callable[[str], None]) -> Change:
    """The event, after every event dated on or before it; and when the file's `checked` is
    before the event's day, `checked` moves up to it (whoever records news dated D has read
    the news up to D), which `said` is told."""

    def change(document: Any, _dataset: Dataset) -> None:
        agreement = document["agreement"]
        target = agreement if new.handover is None else _handover(document, new.handover)
        event = CommentedMap()
        event["date"] = _day(new.day)
        event["kind"] = new.kind
        if new.kind == "postponed" and new.deadline is not None:
            event["deadline"] = _day(new.deadline)
        for key, value in (("reason", new.reason), ("how", new.how), ("by", new.by)):
            if value is not None:
                event[key] = _text(value) if key == "reason" else value
        if new.note is not None:
            event["note"] = _text(new.note)
        sources = source.mappings(new.day)
        if sources:
            event["sources"] = CommentedSeq(sources)
        events = target.get("events")
        if not isinstance(events, CommentedSeq):
            events = CommentedSeq()
            _put(target, "events", events, HANDOVER_KEYS if new.handover else AGREEMENT_KEYS)
        position = sum(1 for e in events if _as_date(e.get("date")) <= new.day)
        events.insert(position, event)
        if agreement.get("checked") is not None and _as_date(agreement["checked"]) < new.day:
            agreement["checked"] = _day(new.day)
            said(f"checked moved to {new.day.isoformat()}, the day of the news recorded")

    return change


def set_checked(day: date) -> Change:
    """`checked`: "I checked the news up to this day"; not before the file's last event."""

    def change(document: Any, dataset: Dataset) -> None:
        a = dataset.agreement
        last = max(
            [e.date for e in a.events] + [e.date for h in dataset.handovers for e in h.events],
            default=None,
        )
        if last is not None and day < last:
            raise EditError(f"{a.id}: checked {day} would be before the file's last event ({last})")
        _put(document["agreement"], "checked", _day(day), AGREEMENT_KEYS)

    return change


def _date_or_flow(value: date | dict[str, Any]) -> Any:
    """A date, or a rule written as a flow mapping: `{after: in_force, day: 22}`."""
    if isinstance(value, date):
        return _day(value)
    rule = CommentedMap(value)
    rule.fa.set_flow_style()
    return rule


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- migrate: a schema 1 or 2 file rewritten as schema 3 ----------------------------------


def undated_sources(path: Path, text: str) -> list[str]:
    """`FILE:LINE:COL: ...` for each agreement- or handover-level source without
    `published`: schema 3 needs a date for each, and migrate invents none."""
    from handover.reading import marks

    document = _yaml(text).load(text)
    found = marks(text)
    lines = []
    places: list[tuple[tuple[str | int, ...], Any]] = [
        (("agreement", "sources"), document["agreement"].get("sources"))
    ]
    for i, h in enumerate(document.get("handovers") or []):
        places.append((("handovers", i, "sources"), h.get("sources")))
    for base, sources in places:
        for k, source in enumerate(sources or []):
            if source.get("published") is None:
                mark = found[(*base, k)][1]
                lines.append(
                    f"{path}:{mark.line + 1}:{mark.column + 1}: this source has no published "
                    "date, which schema 3 needs; date it (published: YYYY-MM-DD, YYYY-MM or "
                    "YYYY) or move it onto the event it reports"
                )
    return lines


def migrate(document: Any, _dataset: Dataset) -> None:
    """Schema 1 or 2 as schema 3: in each handover, `events` takes the place of `revisions`
    and `completed` (each revision a postponed event, in file order, then the completion);
    every other byte is kept, and a comment on a rewritten line stays on its replacement."""
    document["schema"] = 3
    for handover in document.get("handovers") or []:
        revisions = handover.get("revisions") or []
        completed = handover.get("completed")
        if not revisions and completed is None:
            continue
        events = CommentedSeq()
        for revision in revisions:
            event = CommentedMap()
            event["date"] = revision["announced"]
            event["kind"] = "postponed"
            event["deadline"] = revision["deadline"]
            event["reason"] = revision["reason"]
            if revision.get("sources") is not None:
                event["sources"] = revision["sources"]
            _keep_comments(revision, event, {"announced": "date"})
            events.append(event)
        if completed is not None:
            event = CommentedMap()
            event["date"] = completed
            event["kind"] = "completed"
            events.append(event)
        where = next(k for k in ("revisions", "completed") if k in handover)
        position = list(handover.keys()).index(where)
        comment = handover.ca.items.get(where if where == "completed" else "revisions")
        later = handover.ca.items.get("completed") if where == "revisions" else None
        for key in ("revisions", "completed"):
            if key in handover:
                del handover[key]
        handover.insert(position, "events", events)
        if comment is not None:
            handover.ca.items["events"] = comment
        if later is not None and completed is not None:  # the completion line's comment
            events[-1].ca.items["kind"] = later


def _keep_comments(old: Any, new: Any, renamed: dict[str, str]) -> None:
    """Comments on the old mapping's lines go to the same keys (or their new names)."""
    for key, comment in old.ca.items.items():
        new.ca.items[renamed.get(key, key)] = comment
