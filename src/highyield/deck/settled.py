"""The cards whose keys a build knows without matching: those of a note as the last build
read it (its cards the very ones the cache holds), while the vault's ledger is as that
build left it (its size and time), so that it holds each of them as it is. Each keeps the
key it had; identity matches only the others (an edit to one note of two thousand
matched fifty thousand cards again, a fifth of the build). A card whose cloze numbers
identity changed is matched each time.

A card of an auto-cloze note is never settled: which repeated auto card is left out
depends on the whole deck.
"""

from __future__ import annotations

from dataclasses import replace

from highyield.deck.cache import BuildCache, NoteCards
from highyield.deck.fields import Made
from highyield.identity.keys import Identity


def settled(notes: dict[str, NoteCards], kept: list[list[Made]], cache: BuildCache,
            ledger_stat: tuple[int, int]) -> dict[int, str]:
    """The key of each settled card, by its index in the build's cards (``kept``: each
    note's cards the build keeps, in the order of ``notes``)."""
    if ledger_stat != cache.ledger or ledger_stat == (-1, -1):
        return {}
    found: dict[int, str] = {}
    at = 0
    for (rel, cards), mine in zip(notes.items(), kept, strict=True):
        old = cache.notes.get(rel)
        if old is not None and cards.made is old.made and \
                len(old.keys) == len(cards.made) == len(mine):
            found.update((at + i, key) for i, key in enumerate(old.keys) if key)
        at += len(mine)
    return found


def with_keys(notes: dict[str, NoteCards], kept: list[list[Made]],
              identities: list[Identity]) -> dict[str, NoteCards]:
    """Each note's cards with the key each got in this build, for the next; a note with
    auto cards (some may have been left out as repeats) gets none."""
    out: dict[str, NoteCards] = {}
    at = 0
    for (rel, cards), mine in zip(notes.items(), kept, strict=True):
        keys: tuple[str, ...] = ()
        if len(mine) == len(cards.made) and not any(m.auto for m in mine):
            keys = tuple("" if i.key is None or i.numbers else i.key  # renumbered:
                         for i in identities[at:at + len(mine)])  # matched each time
        at += len(mine)
        out[rel] = cards if keys == cards.keys else replace(cards, keys=keys)
    return out
