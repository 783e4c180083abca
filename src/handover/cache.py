"""A cache of validated datasets, so that a second run on an unchanged file is cheap.

Where: $HANDOVER_CACHE_DIR, else $XDG_CACHE_HOME/handover, else ~/.cache/handover;
HANDOVER_CACHE=off turns it off. An entry is keyed by a SHA-256 of the data file's exact bytes
and of the code that reads and validates it, so an edited file or a changed program never
meets an old entry. An entry holds the validated dataset as JSON behind a SHA-256 of that
JSON: an entry that is truncated, altered or unreadable is ignored (and written again).

A sound entry is turned back into models with `model_construct`, without running the
validators again: skipping pydantic's validator build is most of what makes a cached run
cheap. The rebuild is derived from the models' own field definitions (`model_fields` and
their annotations), never written field by field, so a field added to a model round-trips
with no change here; a key the models do not know, or a value of the wrong JSON type, makes
the entry a miss. JSON, not pickle: reading the cache never runs code.

Entries used within the last day are not touched again; others get their time stamp renewed
when used. At most once a process, after writing, entries unused for MAX_AGE_DAYS are removed,
and the least recently used go until the folder holds at most MAX_TOTAL_BYTES.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import os
import re
import stat
import time
import types
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin

from annotated_types import Ge, MaxLen, MinLen
from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from handover.errors import HandoverError
from handover.models import Dataset, Summary, cross_problems

FORMAT = b"handover-cache 3\n"
MAX_AGE_DAYS = 30
MAX_TOTAL_BYTES = 256 * 1024 * 1024
_DAY = 24 * 60 * 60
_pruned = False


def directory() -> Path | None:
    if os.environ.get("HANDOVER_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    explicit = os.environ.get("HANDOVER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "handover"


@cache
def _code_digest() -> bytes:
    """A digest of every module at the package's top level: the code that reads, validates
    and rebuilds a dataset lives there (commands/ and output/ only render it)."""
    digest = hashlib.sha256(FORMAT)
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(module.read_bytes())
    return digest.digest()


def key(data: bytes) -> str:
    digest = hashlib.sha256(_code_digest())
    digest.update(data)
    return digest.hexdigest()


def entry_for(data: bytes, source: Path) -> Path | None:
    """Where the entry for these bytes, read from `source`, lives; None when the cache is
    off (nothing is hashed then). The name starts with the file's slot: when the file is
    edited, its new entry replaces the old one (put), so editing files never grows the
    cache."""
    folder = directory()
    return None if folder is None else folder / f"{_slot(source)}-{key(data)}.json"


def _slot(source: Path) -> str:
    """The file's path (as named, made absolute) and the code that reads it, as 16 hex
    digits: two installs of different versions keep their entries apart."""
    digest = hashlib.sha256(_code_digest())
    digest.update(os.fsencode(os.path.abspath(source)))
    return digest.hexdigest()[:16]


def _payload(path: Path) -> tuple[bytes, bytes] | None:
    """An entry's summary line and dataset JSON, if the entry is believed: private to this
    user, and whole (its checksum holds)."""
    if not _private(path.parent) or not _private(path):
        return None  # someone else could have written it: not believed
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header, _, rest = blob.partition(b"\n")
    if header != hashlib.sha256(rest).hexdigest().encode():
        return None  # truncated or altered: ignore it, the file is parsed again
    summary, _, payload = rest.partition(b"\n")
    return summary, payload


def peek(path: Path) -> Summary | None:
    """The summary kept beside an entry (what a library needs to choose the agreements a
    command shows), without rebuilding the dataset. None if the entry is not there or not
    believed. get() checks the summary against the rebuilt dataset before it is used."""
    found = _payload(path)
    if found is None:
        return None
    try:
        agreement_id, signed, completed = json.loads(found[0])
        summary = Summary(
            _checked(agreement_id, str),
            date.fromisoformat(_checked(signed, str)),
            tuple(None if d is None else date.fromisoformat(_checked(d, str)) for d in completed),
        )
    except (ValueError, TypeError):
        return None
    _touch(path)
    return summary


def get(path: Path) -> Dataset | None:
    """The dataset of an entry, held to every rule a file is (see rebuild), or None."""
    found = _payload(path)
    if found is None:
        return None
    summary, payload = found
    try:
        data = json.loads(payload)
        dataset = check(data)
        kept = json.loads(summary)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # not what put() writes, or not what a valid file holds: ignore it
    if cross_problems(data) or kept != _summary_json(Summary.of(dataset)):
        return None
    _touch(path)
    return dataset


def _summary_json(summary: Summary) -> list[Any]:
    agreement_id, signed, completed = summary
    return [agreement_id, signed.isoformat(), [d and d.isoformat() for d in completed]]


def _private(path: Path) -> bool:
    """Owned by this user and writable by nobody else (as ssh asks of its files)."""
    try:
        info = path.stat()
    except OSError:
        return False
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def put(path: Path, dataset: Dataset) -> None:
    from handover.atomic import write_atomic  # tempfile and shutil: only when writing

    rest = json.dumps(_summary_json(Summary.of(dataset))).encode() + b"\n" + dump(dataset)
    blob = hashlib.sha256(rest).hexdigest().encode() + b"\n" + rest
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(path.parent):
            return  # not ours alone: get() would not believe what we wrote
        # A torn entry fails its checksum; private whatever the umask, or it is not believed.
        write_atomic(path, blob, durable=False, new_mode=0o600)
    except (OSError, HandoverError):
        return  # a cache we cannot write is no cache; the answer is the same
    _replace_in_slot(path)
    prune(path.parent)


def dump(model: BaseModel) -> bytes:
    """The JSON an entry holds: the keys as written in a file, only those that were set."""
    return model.model_dump_json(by_alias=True, exclude_unset=True).encode()


# --- checking loaded data against the models ---------------------------------------------------

# pydantic's validator for the models costs about 20 ms to build (and loads its plugins), then
# checks faster than Python: the first datasets of a process are checked by rebuild() below,
# the rest by pydantic. Both hold a dataset to the same rules (tests/test_checks.py).
PYTHON_CHECKS = 100
_python_checks_left = PYTHON_CHECKS


def check(data: Any) -> Dataset:
    """A dataset from loaded data (a YAML document, or an entry's JSON), held to every rule
    of the models but the cross-field ones (cross_problems, run by the caller). Raises
    ValueError (pydantic's ValidationError among them), TypeError, KeyError or
    AttributeError when the data breaks one."""
    global _python_checks_left
    if _python_checks_left > 0:
        _python_checks_left -= 1
        return rebuild(Dataset, data)
    return Dataset.model_validate(data, context={"cross_checked": True})


# --- models from JSON, derived from the models' definitions ---------------------------------

Convert = Callable[[Any], Any]
M = TypeVar("M", bound=BaseModel)


class _Info:
    """What an after-validator of a model is told: the cross-field rules are run by the
    caller on the whole entry, as library.parse does for a file."""

    context: ClassVar[dict[str, bool]] = {"cross_checked": True}


def rebuild(cls: type[M], data: Any) -> M:
    """A model from the JSON that dump() wrote, held to the models' own rules: types, the
    constraints and validator functions of every field, and the models' after-validators.
    Raises ValueError, TypeError or KeyError where a file with the same content would have
    been refused. pydantic's validators are not built (that is most of a cold run's cost)."""
    result: M = _model_converter(cls)(data)
    return result


@cache
def _model_converter(cls: type[BaseModel]) -> Convert:
    decorators = cls.__pydantic_decorators__
    if (
        decorators.field_validators
        or decorators.field_serializers
        or any(d.info.mode != "after" for d in decorators.model_validators.values())
    ):  # a kind of rule this rebuild does not run: never answer for such a model
        raise TypeError(f"the cache cannot check {cls.__name__}'s validators")
    after = [  # each after-validator, and whether it takes the validation info
        (d.func, len(inspect.signature(d.func).parameters) == 2)
        for d in decorators.model_validators.values()
    ]
    plan = [
        (name, field.alias or name, _converter(_declared(field)), _default(field))
        for name, field in cls.model_fields.items()
    ]
    known = {key for _, key, _, _ in plan}
    construct = _constructor(cls)

    def convert(data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"expected a mapping for {cls.__name__}")
        if not data.keys() <= known:
            unknown = sorted(data.keys() - known)[0]
            raise KeyError(f"{cls.__name__} has no key {unknown!r}")
        values = {}
        given = set()
        for name, key, to_value, default in plan:
            if key in data:
                values[name] = to_value(data[key])
                given.add(name)
            else:
                values[name] = default()  # KeyError for a required field
        model = construct(values, given)
        for check, takes_info in after:
            check(model, _Info()) if takes_info else check(model)
        return model

    return convert


def _default(field: FieldInfo) -> Callable[[], Any]:
    """What a field left out of an entry holds, as validation would fill it in; a required
    field's default raises KeyError (the entry is not what put() writes)."""
    if field.is_required():
        name = field.alias or "field"

        def missing() -> Any:
            raise KeyError(name)

        return missing
    if field.default_factory is not None:
        return field.default_factory  # type: ignore[return-value]
    value = field.default
    if value is None or isinstance(value, str | int | bool | date | tuple | frozenset):
        return lambda: value  # immutable: shared, as pydantic shares it
    return lambda: field.get_default(call_default_factory=True)


def _constructor(cls: type[M]) -> Callable[[dict[str, Any], set[str]], M]:
    """`cls.model_construct` for values already checked and complete with defaults: what it
    sets on a new instance of a model with no private attributes and no extra keys, without
    its per-field work (a cached library builds tens of thousands of models)."""
    if (
        cls.__pydantic_post_init__
        or cls.__private_attributes__
        or cls.model_config.get("extra") == "allow"
        or cls.__pydantic_root_model__
    ):
        return lambda values, given: cls.model_construct(given, **values)
    new, put_attr = cls.__new__, object.__setattr__

    def construct(values: dict[str, Any], given: set[str]) -> M:
        model = new(cls)
        put_attr(model, "__dict__", values)
        put_attr(model, "__pydantic_fields_set__", given)
        put_attr(model, "__pydantic_extra__", None)
        put_attr(model, "__pydantic_private__", None)
        return model

    return construct


def _declared(field: FieldInfo) -> Any:
    """The field's type with its constraints: pydantic keeps a required field's metadata
    apart from its annotation."""
    if not field.metadata:
        return field.annotation
    return Annotated[(field.annotation, *field.metadata)]


def _converter(annotation: Any) -> Convert:
    """How to turn a JSON value back into a value of `annotation`, checked."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _constrained(_converter(args[0]), args[1:])
    if origin is Union or origin is types.UnionType:
        options = [_converter(a) for a in args if a is not type(None)]
        optional = type(None) in args
        if len(options) == 1:  # X | None
            (only,) = options
            return lambda value: None if value is None else only(value)
        return lambda value: None if value is None and optional else _first_of(options, value)
    if origin is list:
        item = _converter(args[0])
        return lambda value: [item(v) for v in _checked(value, list)]
    if origin is Literal:
        return lambda value: _literal(value, args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_converter(annotation)
    if annotation is date:
        return lambda value: (
            value if type(value) is date else date.fromisoformat(_checked(value, str))
        )
    if annotation in (str, int, bool):
        return lambda value: _checked(value, annotation)
    raise TypeError(f"the cache cannot rebuild {annotation!r}")


def _first_of(options: list[Convert], value: Any) -> Any:
    """A union (a deadline is a date or a rule): the first branch that takes the value. The
    branches differ in JSON type (text, mapping), so at most one can."""
    for option in options:
        try:
            return option(value)
        except (ValueError, TypeError, KeyError):
            continue
    raise TypeError(f"no branch of the union takes {type(value).__name__}")


def _constrained(inner: Convert, metadata: tuple[Any, ...]) -> Convert:
    """`inner`, with the Annotated metadata the models use: BeforeValidator and
    AfterValidator functions, a minimum length, a pattern (searched, as pydantic does)."""
    flat: list[Any] = []
    for item in metadata:
        flat += item.metadata if isinstance(item, FieldInfo) else [item]
    before = [m.func for m in flat if isinstance(m, BeforeValidator)]
    checks: list[Convert] = []
    for m in flat:
        if isinstance(m, AfterValidator):
            checks.append(m.func)  # type: ignore[arg-type]
        elif isinstance(m, MinLen):
            checks.append(functools.partial(_min_len, m.min_length))
        elif isinstance(m, MaxLen):
            checks.append(functools.partial(_max_len, m.max_length))
        elif isinstance(m, Ge):
            checks.append(functools.partial(_at_least, m.ge))
        elif isinstance(getattr(m, "pattern", None), str):
            checks.append(functools.partial(_pattern, re.compile(m.pattern)))

    def convert(value: Any) -> Any:
        for step in before:
            value = step(value)  # type: ignore[call-arg]
        value = inner(value)
        for check in checks:
            value = check(value)
        return value

    return convert


def _min_len(least: int, value: Any) -> Any:
    if len(value) < least:
        raise ValueError(f"fewer than {least} items")
    return value


def _max_len(most: int, value: Any) -> Any:
    if len(value) > most:
        raise ValueError(f"more than {most} items")
    return value


def _at_least(least: Any, value: Any) -> Any:
    if value < least:
        raise ValueError(f"{value!r} is below {least!r}")
    return value


def _pattern(pattern: re.Pattern[str], value: Any) -> Any:
    if not pattern.search(value):
        raise ValueError(f"{value!r} does not match {pattern.pattern}")
    return value


def _checked(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _literal(value: Any, allowed: tuple[Any, ...]) -> Any:
    if value not in allowed or type(value) not in {type(a) for a in allowed}:
        raise ValueError(f"{value!r} is not one of {allowed}")
    return value


# --- keeping the folder bounded ---------------------------------------------------------------


def _touch(path: Path) -> None:
    """Renew an entry's time stamp when used, at most once a day (a write costs more)."""
    try:
        if time.time() - path.stat().st_mtime > _DAY:
            os.utime(path)
    except OSError:
        pass


_slots: dict[Path, dict[str, set[str]]] = {}  # folder -> slot -> entry names


def _replace_in_slot(written: Path) -> None:
    """Remove the other entries of the file `written` was made from: its older contents.
    The folder is listed once a process (at its first write there); later writes are
    added to what was listed."""
    folder = written.parent
    slots = _slots.get(folder)
    if slots is None:
        slots = _slots[folder] = {}
        for _, _, name in _listing(folder):
            slot, dash, _ = name.partition("-")
            if dash:
                slots.setdefault(slot, set()).add(name)
    slot = written.name.partition("-")[0]
    for name in slots.get(slot, set()) - {written.name}:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
    slots[slot] = {written.name}


def _listing(folder: Path) -> list[tuple[float, int, str]]:
    """(time stamp, size, name) of every entry in the folder; none if it cannot be read."""
    entries = []
    try:
        for item in os.scandir(folder):
            if item.name.endswith(".json") and item.is_file(follow_symlinks=False):
                info = item.stat(follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, item.name))
    except OSError:
        return []
    return entries


def prune(folder: Path) -> None:
    """Remove entries unused for MAX_AGE_DAYS, then the least recently used until the folder
    holds at most MAX_TOTAL_BYTES. Runs at most once a process."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    now = time.time()
    entries = [(mtime, size, str(folder / name)) for mtime, size, name in _listing(folder)]
    entries.sort(reverse=True)  # most recently used first
    total = 0
    for mtime, size, entry in entries:
        total += size
        if now - mtime > MAX_AGE_DAYS * _DAY or total > MAX_TOTAL_BYTES:
            with contextlib.suppress(OSError):
                os.unlink(entry)
