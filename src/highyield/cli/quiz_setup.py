"""What ``quiz`` and ``stats`` check and work out from their options before they start:
the session's plan, a ``--tag`` or ``--deck`` the store lacks (said plainly, with what it
has), where the quiz's ``e`` key points, and ``--unsuspend``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path

from highyield.config import DeckConfig
from highyield.config.targets import fold, named_here
from highyield.errors import HighyieldError, display_path, escaped
from highyield.model import SourceRef
from highyield.review.due import Plan
from highyield.review.store import Store, fitted
from highyield.review.store.reads import Filter, all_tags, suspended_cards, tag_count


def plan_for(store: Store, decks: Sequence[DeckConfig], tz: tzinfo, tag: str | None,
             new_cards: int | None) -> Plan:
    """The session's plan: each deck with its settings, and the FSRS parameters fitted to
    its reviews (``highyield optimize``), if any."""
    return Plan(Filter(tuple(d.name for d in decks), tag),
                {d.name: replace(d.review, weights=fitted.weights(store, d.name))
                 for d in decks}, tz, new_cards)


def where_in(decks: Sequence[DeckConfig]) -> Callable[[str, str], str]:
    """What the quiz's `e` key prints: the note's path from here, and the line."""
    vaults = {d.name: d.vault for d in decks}

    def where(deck: str, source: str) -> str:
        ref, vault = SourceRef.parse(source), vaults.get(deck)
        return f"{display_path(vault / ref.path)}:{ref.line}" if vault else escaped(source)
    return where


def store_decks(store: Store, names: Sequence[str]) -> list[str]:
    """The decks ``stats`` and ``optimize`` cover: those named (by a deck name the store
    knows, in any case, else as ``--deck`` picks from decks/ here), else every deck the
    store knows."""
    known = store.decks()
    if not names:
        return known
    by_name = {fold(n): n for n in known}
    chosen = {n: by_name.get(fold(n)) or named_here(Path.cwd(), n) for n in names}
    unknown = [n for n, deck in chosen.items() if deck not in known]
    if unknown:
        raise HighyieldError(f"the review store has no deck named {unknown[0]!r}",
                             hint="decks studied so far: " + (", ".join(known) or "none"))
    return [n for n in known if n in chosen.values()]


def check_tag(store: Store, decks: Sequence[DeckConfig], tag: str | None) -> None:
    """A --tag no card has is a mistake worth saying, with the tags there are."""
    if tag is None:
        return
    if not tag.strip().lstrip("#").strip(":/"):
        raise HighyieldError(f"--tag {tag!r} names no tag",
                             hint="give a tag's name, as in --tag Neurology; leave --tag "
                                  "out to study every card")
    names = tuple(d.name for d in decks)
    if tag_count(store.db, Filter(names, tag)):
        return
    tags = all_tags(store.db, names)
    shown = ", ".join(tags[:12]) + (", …" if len(tags) > 12 else "")
    raise HighyieldError(f"no card has the tag {tag!r}",
                         hint=f"tags in {', '.join(names)}: {shown or 'none'}")


def unsuspend(store: Store, which: Filter) -> list[str]:
    """Bring back every suspended card the quiz would take (leeches too); where each is."""
    found = suspended_cards(store.db, which)
    before = store.hidden([ref for ref, _ in found])
    store.hide({ref: replace(hidden, suspended=False) for ref, hidden in before.items()})
    return [source for _, source in found]
