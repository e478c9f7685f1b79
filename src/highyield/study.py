"""Getting a quiz ready: the decks' notes read into the review store, and the plan that
says which cards the session covers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo

from highyield.config import DeckConfig
from highyield.due import Plan
from highyield.store import Store
from highyield.store.reads import Filter
from highyield.vault import display_path


def plan_for(decks: Sequence[DeckConfig], tz: tzinfo, tag: str | None,
             new_cards: int | None) -> Plan:
    return Plan(Filter(tuple(d.name for d in decks), tag),
                {d.name: d.review for d in decks}, tz, new_cards)


def where_in(decks: Sequence[DeckConfig]) -> Callable[[str, str], str]:
    """What the quiz's `e` key prints: the note's path from here, and the line."""
    vaults = {d.name: d.vault for d in decks}

    def where(deck: str, source: str) -> str:
        rel, _, line = source.rpartition(":")
        vault = vaults.get(deck)
        return f"{display_path(vault / rel)}:{line}" if vault else source
    return where


def store_decks(store: Store, names: Sequence[str]) -> list[str]:
    """The decks ``stats`` covers: those named, else every deck the store knows."""
    known = store.decks()
    return [n for n in known if not names or n in names]
