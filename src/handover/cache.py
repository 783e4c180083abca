"""A cache of validated datasets, so that a second run on an unchanged file is cheap.

Where: $HANDOVER_CACHE_DIR, else $XDG_CACHE_HOME/handover, else ~/.cache/handover;
HANDOVER_CACHE=off turns it off. An entry is keyed by a SHA-256 of the data file's exact bytes
and of the code that validates it (models, loader, names), so an edited file or a changed
program never meets an old entry. An entry holds the validated dataset as JSON behind a
SHA-256 of that JSON: an entry that is truncated, altered or unreadable is ignored (and
written again). A sound entry is turned back into models with `model_construct`, without
running the validators again: the checksum and the key vouch for it, and skipping pydantic's
validator build is most of what makes a cached run cheap. JSON, not pickle: reading the cache
never runs code. Writing is atomic; a cache that cannot be written is skipped silently.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handover.models import Dataset

_CODE = ("models.py", "loader.py", "names.py", "cache.py")
FORMAT = b"handover-cache 1\n"


def directory() -> Path | None:
    if os.environ.get("HANDOVER_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    explicit = os.environ.get("HANDOVER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "handover"


def key(data: bytes) -> str:
    digest = hashlib.sha256(FORMAT)
    here = Path(__file__).parent
    for name in _CODE:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


def _entry(cache_key: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / f"{cache_key}.json"


def get(cache_key: str) -> Dataset | None:
    path = _entry(cache_key)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header, _, payload = blob.partition(b"\n")
    if header != hashlib.sha256(payload).hexdigest().encode():
        return None  # truncated or altered: ignore it, the file is parsed again
    import gc
    import json

    gc_was_enabled = gc.isenabled()
    gc.disable()  # as in loader.parse: building a large tree with it running is superlinear
    try:
        return _dataset(json.loads(payload))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # not what put() writes: ignore it
    finally:
        if gc_was_enabled:
            gc.enable()


def put(cache_key: str, dataset: Dataset) -> None:
    path = _entry(cache_key)
    if path is None:
        return
    from handover.atomic import write_atomic
    from handover.errors import HandoverError

    payload = dataset.model_dump_json(by_alias=True).encode()
    blob = hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, blob, durable=False)  # a torn entry fails its checksum
    except (OSError, HandoverError):
        pass  # a cache we cannot write is no cache; the answer is the same


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _sources(items: list[dict[str, Any]] | None) -> list[Any]:
    from handover.models import Source

    return [
        Source.model_construct(
            publisher=s.get("publisher"),
            title=s.get("title"),
            url=s.get("url"),
            published=_day(s.get("published")),
        )
        for s in items or ()
    ]


def _dataset(data: dict[str, Any]) -> Dataset:
    """Models from the JSON that put() wrote, built without validation."""
    from handover.models import Agreement, Dataset, Handover, Revision

    if data["schema"] != 1:
        raise ValueError("unknown schema")
    a = data["agreement"]
    agreement = Agreement.model_construct(
        id=a["id"],
        title=a["title"],
        signed=date.fromisoformat(a["signed"]),
        timezone=a.get("timezone", "UTC"),
        parties=list(a["parties"]),
        notes=a.get("notes"),
        sources=_sources(a.get("sources")),
    )
    handovers = [
        Handover.model_construct(
            id=h["id"],
            name=h["name"],
            aliases=list(h.get("aliases", ())),
            from_=h["from"],
            to=h["to"],
            provision=h.get("provision"),
            agreed=_day(h.get("agreed")),
            deadline=date.fromisoformat(h["deadline"]),
            revisions=[
                Revision.model_construct(
                    announced=date.fromisoformat(r["announced"]),
                    deadline=date.fromisoformat(r["deadline"]),
                    reason=r["reason"],
                    sources=_sources(r.get("sources")),
                )
                for r in h.get("revisions", ())
            ],
            completed=_day(h.get("completed")),
            notes=h.get("notes"),
            sources=_sources(h.get("sources")),
        )
        for h in data["handovers"]
    ]
    return Dataset.model_construct(schema_=1, agreement=agreement, handovers=handovers)
