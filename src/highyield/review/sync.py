"""Bringing the review store up to date with the notes, before a quiz.

Reading 50,000 cards from the notes takes seconds; the store keeps what the quiz shows of
each card, with a fingerprint of the notes it came from (every note's path, size and
modification time, the deck definition and highyield's version). When the fingerprint is
unchanged the notes are not parsed again, and the first card shows at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from highyield.config import DeckConfig, card_settings
from highyield.model import Card, SourceRef
from highyield.review.store import CardRow, Store, Synced
from highyield.review.store.membership import STALE
from highyield.review.views import quiz_views
from highyield.vault.files import find_notes, out_of_sight, unread
from highyield.vault.fingerprint import FileStamp, stamp
from highyield.vault.fingerprint import fingerprint as vault_fingerprint
from highyield.vault.lock import Waiting, vault_lock

if TYPE_CHECKING:
    from highyield.identity.collect import Collected
    from highyield.model import Embed, Progress
    from highyield.vault.media import MediaSet

POSITION_STRIDE = 1000  # room for every ordinal of one card
AUTO_LATER = 10**12  # new auto cards come after the student's own highlights and cards


@dataclass(frozen=True)
class DeckSync:
    deck: DeckConfig
    synced: Synced | None  # None: the notes had not changed
    collected: Collected | None


def fingerprint(deck: DeckConfig) -> str:
    """The notes as they are now: each one's path, size, modification and change time
    (see ``vault.fingerprint``), with the settings that shape the cards."""
    return vault_fingerprint(card_settings(deck), _note_stats(deck))


def _note_stats(deck: DeckConfig) -> Iterator[FileStamp]:
    for path in find_notes(deck.vault, deck.selection):
        try:
            stat = path.stat()
        except OSError:
            continue
        yield stamp(path.relative_to(deck.vault).as_posix(), stat)


def card_rows(cards: Sequence[Card], media: MediaSet) -> list[CardRow]:
    """The store's rows for these cards; ``media`` says which of their images were found."""
    def found(note: str, embed: Embed) -> bool:
        return media.name(note, embed) is not None

    rows: list[CardRow] = []
    for index, card in enumerate(cards):
        tags = " ".join(card.draft.tags)
        for ord_, view in quiz_views(card, found):
            rows.append(CardRow(card.key, ord_, str(card.draft.ref),
                                _position(card, index) + ord_, tags,
                                json.dumps(view, ensure_ascii=False, sort_keys=True)))
    return rows


def _position(card: Card, index: int) -> int:
    return index * POSITION_STRIDE + (AUTO_LATER if card.draft.auto else 0)


def marked_stale(store: Store, decks: Sequence[DeckConfig]) -> list[DeckConfig]:
    """The decks whose reading another deck's marked stale (``membership.leave``)."""
    return [d for d in decks if store.fingerprint(d.name) == STALE]


def _unseen(deck: DeckConfig) -> Callable[[str], bool]:
    """Whether a card's note cannot be read now (its cards are kept, not retired)."""
    return lambda source: out_of_sight(deck.vault / SourceRef.parse(source).path)


def sync_deck(store: Store, deck: DeckConfig, now: datetime,
              progress: Progress | None = None, waiting: Waiting | None = None) -> DeckSync:
    """Read the deck's notes into the store, unless they are unchanged since last time.
    The notes are read and the ledger written holding the vault's lock, as a build does
    (``waiting`` is told when a build holds it)."""
    print_ = fingerprint(deck)
    if store.fingerprint(deck.name) == print_:
        return DeckSync(deck, None, None)
    from highyield.identity.collect import collect
    from highyield.identity.ledger import write_ledger

    with vault_lock(deck.vault, waiting):
        collected = collect(deck, progress)
        problem = write_ledger(deck.vault, collected.ledger).problem
    if problem is not None and problem not in collected.diagnostics:
        collected = replace(collected, diagnostics=(*collected.diagnostics, problem))
    if any(unread(d) for d in collected.diagnostics):
        print_ = ""  # read them again next time, or say again that they cannot be
    synced = store.sync(deck.name, card_rows(collected.cards, collected.media), print_,
                        deck.review.day_starts_at, now, _unseen(deck) if print_ == "" else
                        lambda source: False)
    return DeckSync(deck, synced, collected)
