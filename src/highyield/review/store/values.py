"""Values read from the store, checked as they become Python values. highyield never
writes a time outside 1970-3000, a view or a state that is not the JSON object it stands
for, or an hour outside 0-23: such a value means the store was damaged (or edited by
hand), and ``BadValue`` says which one, as the store's "damaged" error (``failures``)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from highyield.review.schedule import Phase

EARLIEST_MS = 0  # 1970-01-01, UTC
LATEST_MS = 32_503_680_000_000  # 3000-01-01, UTC: a card due a century from now is long before
VIEW_TEXTS = ("front", "back", "context")
VIEW_LISTS = ("cue", "extra", "images")
# each field of a CardState as ``state_json`` writes it: the JSON types it may have
STATE_TYPES: dict[str, tuple[type, ...]] = {
    "phase": (int,), "step": (int, type(None)), "stability": (int, float, type(None)),
    "difficulty": (int, float, type(None)), "due": (int, type(None)),
    "last_review": (int, type(None)), "reps": (int,), "lapses": (int,), "leech": (bool,),
    "suspended": (bool,), "interval_days": (int,)}


class BadValue(sqlite3.DatabaseError):
    """A value in the store that highyield never writes: the store is damaged."""


def card(key: str, ord: int) -> str:
    """A card as a damaged store's message names it: its key and ordinal."""
    return f"card {key}:{ord}"


def time_ms(ms: object, owner: str, name: str) -> int:
    """A time (ms since the epoch, UTC) between 1970 and 3000."""
    if isinstance(ms, bool) or not isinstance(ms, int) or not EARLIEST_MS <= ms < LATEST_MS:
        raise BadValue(f"{owner} has {name} out of range ({ms})")
    return ms


def moment(ms: object, owner: str, name: str) -> datetime | None:
    """A time as a datetime in UTC; None stays None."""
    if ms is None:
        return None
    return datetime.fromtimestamp(time_ms(ms, owner, name) / 1000, timezone.utc)


def phase(value: object, owner: str) -> Phase:
    if isinstance(value, bool) or not isinstance(value, int) or \
            value not in {p.value for p in Phase}:
        raise BadValue(f"{owner} has an unknown phase ({value})")
    return Phase(value)


def hour(value: object, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
        raise BadValue(f"{owner} has a study day starting at hour {value}, not 0-23")
    return value


def json_object(text: object, owner: str, name: str) -> dict[str, object]:
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BadValue(f"{owner} has {name} that is not a JSON object")
    return data


def view(text: object, owner: str) -> str:
    """What the quiz shows of a card (see ``views``): its texts, and lists of texts."""
    data = json_object(text, owner, "a view")
    if not all(isinstance(data.get(k), str) for k in VIEW_TEXTS) or \
            not all(_texts(data.get(k)) for k in VIEW_LISTS):
        raise BadValue(f"{owner} has a view without the texts the quiz shows")
    assert isinstance(text, str)
    return text


def state_data(text: object, owner: str) -> dict[str, object]:
    """A card state as ``state_json`` wrote it, each field of its type."""
    data = json_object(text, owner, "a state")
    if set(data) != set(STATE_TYPES) or \
            not all(isinstance(data[k], types) for k, types in STATE_TYPES.items()):
        raise BadValue(f"{owner} has a state without the fields of a card's state")
    return data


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
