"""The store's read-only queries: what is due, what was done today, and the figures
``stats`` draws. Each returns plain values; the deciding happens in ``due`` and ``stats``.
A time returned is checked to be one highyield writes (``values``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from highyield.review.schedule import Phase
from highyield.review.store import to_ms
from highyield.review.store.membership import in_decks
from highyield.review.store.values import card, time_ms

# The phases as SQL conditions, by name (the column holds the Phase's number).
NEW = f"phase = {Phase.NEW.value}"
LEARNING = f"phase IN ({Phase.LEARNING.value}, {Phase.RELEARNING.value})"
REVIEW = f"phase = {Phase.REVIEW.value}"
STUDIED = f"phase > {Phase.NEW.value}"  # learning, review or relearning
LEECH_TAG = "leech"  # as Anki tags a leech: `quiz --tag leech` studies them


@dataclass(frozen=True)
class Filter:
    """Which cards a session or a report covers."""

    decks: tuple[str, ...]
    tag: str | None = None  # a tag also matches its children (tag::child)
    outside: tuple[str, ...] = ()  # but not the cards also in these decks (counted there)

    def where(self, db: sqlite3.Connection, now: datetime | None,
              suspended: bool = False) -> tuple[str, list[object]]:
        """SQL for the active cards taken, leaving out those buried at ``now`` (if given).
        Suspended cards are left out too, or are the only ones taken (``suspended``)."""
        inside, args = in_decks(db, self.decks)
        sql = f"{inside} AND retired_at IS NULL AND suspended = {int(suspended)}"
        params: list[object] = [*args]
        if self.outside:
            elsewhere, more = in_decks(db, self.outside)
            sql += f" AND NOT {elsewhere}"
            params += more
        if now is not None:
            sql += " AND (buried_until IS NULL OR buried_until <= ?)"
            params.append(to_ms(now))
        if self.tag:
            # the tag itself, a tag under it, or the same name under a parent:
            # "Neurology" finds USMLE::Neurology and Neurology::ALS
            padded = "(' ' || lower(tags) || ' ')"
            tag = self.tag.lower().lstrip("#").replace("/", "::")
            leech = "leech = 1 OR " if tag == LEECH_TAG else ""  # a leech carries the tag
            sql += f" AND ({leech}" + " OR ".join([f"instr({padded}, ?) > 0"] * 4) + ")"
            params += [f" {tag} ", f" {tag}::", f"::{tag} ", f"::{tag}::"]
        return sql, params


Ref = tuple[str, int]  # (key, ord)


def _first(db: sqlite3.Connection, which: Filter, now: datetime, condition: str,
           args: tuple[object, ...] = (), order: str = "due") -> Ref | None:
    """The first active card the filter takes that meets ``condition``."""
    sql, params = which.where(db, now)
    row = db.execute(f"SELECT key, ord FROM cards WHERE {sql} AND {condition} "
                     f"ORDER BY {order} LIMIT 1", (*params, *args)).fetchone()
    return None if row is None else (row[0], row[1])


def next_learning(db: sqlite3.Connection, which: Filter, now: datetime,
                  until: datetime) -> Ref | None:
    """The learning card due soonest, if it is due by ``until``."""
    return _first(db, which, now, f"{LEARNING} AND due <= ?", (to_ms(until),))


def next_review(db: sqlite3.Connection, which: Filter, now: datetime,
                until: datetime) -> Ref | None:
    return _first(db, which, now, f"{REVIEW} AND due < ?", (to_ms(until),))


def next_new(db: sqlite3.Connection, which: Filter, now: datetime) -> Ref | None:
    return _first(db, which, now, NEW, order="position, ord")


def answered_since(db: sqlite3.Connection, decks: Sequence[str],
                   since: datetime) -> tuple[int, int]:
    """(new cards seen, review cards answered) in these decks since ``since``."""
    inside, args = in_decks(db, decks, "c")
    row = db.execute(
        f"SELECT count(DISTINCT CASE WHEN r.phase_before = {Phase.NEW.value} "
        "THEN r.key || ':' || r.ord END), "
        f"sum(r.phase_before = {Phase.REVIEW.value}) FROM reviews r CROSS JOIN cards c "
        # today's reviews first
        "ON c.key = r.key AND c.ord = r.ord WHERE r.reviewed_at >= ? "
        f"AND {inside}", (to_ms(since), *args)).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def counts_by_phase(db: sqlite3.Connection, decks: Sequence[str], now: datetime) -> dict[str, int]:
    """The active cards by phase, the retired ones, and the leeches, suspended cards and
    cards buried at ``now`` among the active ones."""
    inside, args = in_decks(db, decks)
    row = db.execute(
        f"SELECT sum(retired_at IS NULL AND {NEW}), "
        f"sum(retired_at IS NULL AND {LEARNING}), sum(retired_at IS NULL AND {REVIEW}), "
        "sum(retired_at IS NOT NULL), sum(retired_at IS NULL AND leech = 1), "
        "sum(retired_at IS NULL AND suspended = 1), "
        "sum(retired_at IS NULL AND suspended = 0 AND coalesce(buried_until, 0) > ?) "
        f"FROM cards WHERE {inside}", (to_ms(now), *args)).fetchone()
    names = ("new", "learning", "review", "retired", "leech", "suspended", "buried")
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def due_times(db: sqlite3.Connection, decks: Sequence[str]) -> list[int]:
    """When each studied, active card is due (ms, UTC); a buried card, when it comes
    back."""
    inside, args = in_decks(db, decks)
    return [time_ms(due, card(key, ord_), "a due time") for key, ord_, due in db.execute(
        f"SELECT key, ord, max(due, coalesce(buried_until, due)) FROM cards "
        f"WHERE {inside} AND {STUDIED} AND retired_at IS NULL AND suspended = 0", args)]


def due_between(db: sqlite3.Connection, decks: Sequence[str], start: datetime,
                end: datetime) -> list[tuple[int, int]]:
    """(phase, due ms) of the studied, active cards due from ``start`` to before ``end``,
    suspended ones too: the cards Anki's load balancer counts."""
    inside, args = in_decks(db, decks)
    return [(r[0], r[1]) for r in db.execute(
        f"SELECT phase, due FROM cards WHERE {inside} AND {STUDIED} "
        "AND retired_at IS NULL AND due >= ? AND due < ?", (*args, to_ms(start), to_ms(end)))]


def reviews_since(db: sqlite3.Connection, decks: Sequence[str],
                  since: datetime) -> list[tuple[int, int, int]]:
    """(reviewed_at ms, rating, phase before) of every answer since ``since``."""
    inside, args = in_decks(db, decks, "c")
    return [(_reviewed_at(r[0], r[1]), r[2], r[3]) for r in db.execute(
        "SELECT r.id, r.reviewed_at, r.rating, r.phase_before FROM reviews r CROSS JOIN cards c "
        f"ON c.key = r.key AND c.ord = r.ord WHERE {inside} "
        "AND r.reviewed_at >= ? ORDER BY r.reviewed_at", (*args, to_ms(since)))]


def review_days(db: sqlite3.Connection, decks: Sequence[str]) -> list[int]:
    """The time of every answer, oldest first (for the streak)."""
    inside, args = in_decks(db, decks, "c")
    return [_reviewed_at(r[0], r[1]) for r in db.execute(
        "SELECT r.id, r.reviewed_at FROM reviews r JOIN cards c ON c.key = r.key "
        f"AND c.ord = r.ord WHERE {inside} ORDER BY r.reviewed_at", args)]


def _reviewed_at(review: int, ms: object) -> int:
    return time_ms(ms, f"review {review}", "a time")


def count_due(db: sqlite3.Connection, which: Filter, now: datetime, until: datetime) -> int:
    """Studied cards due before ``until`` (new cards are not counted)."""
    sql, params = which.where(db, now)
    row = db.execute(f"SELECT count(*) FROM cards WHERE {sql} AND {STUDIED} AND due < ?",
                     (*params, to_ms(until))).fetchone()
    return int(row[0])


def count_reviews_due(db: sqlite3.Connection, which: Filter, now: datetime,
                      until: datetime) -> int:
    """Review cards (not learning ones) due before ``until``."""
    sql, params = which.where(db, now)
    row = db.execute(f"SELECT count(*) FROM cards WHERE {sql} AND {REVIEW} AND due < ?",
                     (*params, to_ms(until))).fetchone()
    return int(row[0])


def first_due(db: sqlite3.Connection, which: Filter, now: datetime) -> int | None:
    """When the next studied card is due (ms, UTC)."""
    sql, params = which.where(db, now)
    row = db.execute(f"SELECT key, ord, due FROM cards WHERE {sql} AND {STUDIED} "
                     "AND due IS NOT NULL ORDER BY due LIMIT 1", params).fetchone()
    return None if row is None else time_ms(row[2], card(row[0], row[1]), "a due time")


def count_new(db: sqlite3.Connection, which: Filter, now: datetime) -> int:
    sql, params = which.where(db, now)
    return int(db.execute(f"SELECT count(*) FROM cards WHERE {sql} AND {NEW}",
                          params).fetchone()[0])


def tag_count(db: sqlite3.Connection, which: Filter) -> int:
    """Active cards the filter takes, whatever their schedule."""
    sql, params = which.where(db, None)
    return int(db.execute(f"SELECT count(*) FROM cards WHERE {sql}", params).fetchone()[0])


def all_tags(db: sqlite3.Connection, decks: Sequence[str]) -> list[str]:
    """The tags of the decks' active cards; ``leech`` when one of them is a leech."""
    found: set[str] = set()
    inside, args = in_decks(db, decks)
    for tags, leech in db.execute(f"SELECT DISTINCT tags, leech FROM cards WHERE {inside} "
                                  "AND retired_at IS NULL", args):
        found.update(tags.split())
        if leech:
            found.add(LEECH_TAG)
    return sorted(found, key=str.lower)


# ---------------------------------------------------------------- what the quiz shows


def _count_upto(db: sqlite3.Connection, which: Filter, now: datetime, condition: str,
                args: tuple[object, ...], cap: int) -> int:
    """Active cards the filter takes that meet ``condition``, counted up to ``cap`` (-1:
    all), so that a limit of 20 new cards never counts 50,000."""
    sql, params = which.where(db, now)
    row = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM cards WHERE {sql} AND {condition} "
                     "LIMIT ?)", (*params, *args, cap)).fetchone()
    return int(row[0])


def new_left(db: sqlite3.Connection, which: Filter, now: datetime, cap: int) -> int:
    return _count_upto(db, which, now, NEW, (), cap)


def learning_left(db: sqlite3.Connection, which: Filter, now: datetime,
                  until: datetime) -> int:
    """Learning cards due by ``until``."""
    return _count_upto(db, which, now, f"{LEARNING} AND due <= ?", (to_ms(until),), -1)


def reviews_left(db: sqlite3.Connection, which: Filter, now: datetime, until: datetime,
                 cap: int) -> int:
    """Review cards due before ``until``."""
    return _count_upto(db, which, now, f"{REVIEW} AND due < ?", (to_ms(until),), cap)


def note_cards(db: sqlite3.Connection, key: str) -> list[Ref]:
    """The active cards of one note (its clozes, or both sides of a reversed card)."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT key, ord FROM cards WHERE key = ? AND retired_at IS NULL ORDER BY ord", (key,))]


def suspended_cards(db: sqlite3.Connection, which: Filter) -> list[tuple[Ref, str]]:
    """The suspended cards the filter takes, with where each is written, in note order."""
    sql, params = which.where(db, None, suspended=True)
    return [((r[0], r[1]), r[2]) for r in db.execute(
        f"SELECT key, ord, source FROM cards WHERE {sql} ORDER BY position, ord", params)]
