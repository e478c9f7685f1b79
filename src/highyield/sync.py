"""Bringing the review store up to date with the notes, before a quiz.

Reading 50,000 cards from the notes takes seconds; the store keeps what the quiz shows of
each card, with a fingerprint of the notes it came from (every note's path, size and
modification time, the deck definition and highyield's version). When the fingerprint is
unchanged the notes are not parsed again, and the first card shows at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from highyield.config import DeckConfig
from highyield.model import Card
from highyield.render import quiz_views
from highyield.snapshot import card_settings
from highyield.store import CardRow, Store, Synced
from highyield.vault import find_notes

if TYPE_CHECKING:
    from highyield.build import Collected, Progress

POSITION_STRIDE = 1000  # room for every ordinal of one card
AUTO_LATER = 10**12  # new auto cards come after the student's own highlights and cards


@dataclass(frozen=True)
class DeckSync:
    deck: DeckConfig
    synced: Synced | None  # None: the notes had not changed
    collected: Collected | None


def fingerprint(deck: DeckConfig) -> str:
    """The notes as they are now: each one's path, size and modification time, with the
    settings that shape the cards."""
    digest = hashlib.sha256(card_settings(deck).encode())
    for path in find_notes(deck.vault, deck.selection):
        try:
            stat = path.stat()
        except OSError:
            continue
        rel = path.relative_to(deck.vault).as_posix()
        digest.update(f"\x1e{rel}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def card_rows(cards: Sequence[Card]) -> list[CardRow]:
    rows: list[CardRow] = []
    for index, card in enumerate(cards):
        tags = " ".join(card.draft.tags)
        for ord_, view in quiz_views(card):
            rows.append(CardRow(card.key, ord_, str(card.draft.ref),
                                _position(card, index) + ord_, tags,
                                json.dumps(view, ensure_ascii=False, sort_keys=True)))
    return rows


def _position(card: Card, index: int) -> int:
    return index * POSITION_STRIDE + (AUTO_LATER if card.draft.auto else 0)


def sync_deck(store: Store, deck: DeckConfig, now: datetime,
              progress: Progress | None = None) -> DeckSync:
    """Read the deck's notes into the store, unless they are unchanged since last time."""
    print_ = fingerprint(deck)
    if store.fingerprint(deck.name) == print_:
        return DeckSync(deck, None, None)
    from highyield.build import collect  # only when the notes changed: it loads the parser
    from highyield.ledger import write_ledger

    collected = collect(deck, progress)
    problem = write_ledger(deck.vault, collected.ledger)
    if problem is not None:
        collected = replace(collected, diagnostics=(*collected.diagnostics, problem))
    synced = store.sync(deck.name, card_rows(collected.cards), print_,
                        deck.review.day_starts_at, now)
    return DeckSync(deck, synced, collected)
