"""Text the commands print: summaries, diagnostics and card previews. Returns strings;
printing is the CLI's job."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from highyield.errors import Diagnostic, HighyieldError
from highyield.model import Card, CardKind, anki_cards
from highyield.render import card_summary, plain
from highyield.vault import display_path

if TYPE_CHECKING:  # the quiz prints reports without loading the parser
    from highyield.build import Built, Collected
    from highyield.sync import DeckSync

MAX_SHOWN = 20


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def diagnostics(items: Sequence[Diagnostic], limit: int | None = None) -> str:
    """Diagnostics as ``collect`` sorted them, at most ``limit`` of them."""
    shown = items if limit is None else items[:limit]
    lines = [d.format() for d in shown]
    if len(items) > len(shown):
        lines.append(f"… and {len(items) - len(shown)} more; "
                     "`highyield check` lists them all")
    return "\n".join(lines)


def failure(exc: HighyieldError) -> str:
    """A command that stopped: every problem, each with its hint."""
    if not exc.diagnostics:
        return f"error: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else "")
    return "\n".join(f"error: {d.location}: {d.message}" + (f"\n  hint: {d.hint}" if d.hint
                                                           else "") for d in exc.diagnostics)


def skipped(problems: list[Diagnostic]) -> str:
    lines = [f"warning: skipped a broken deck file: {d.location}: {d.message}"
             for d in problems]
    return "\n".join(lines)


def counts(c: Collected) -> str:
    kinds = ", ".join(f"{c.count(k)} {k.value}" for k in CardKind)
    auto = sum(1 for card in c.cards if card.draft.auto)
    if auto:
        kinds += f"; {auto} auto"
    cards = sum(anki_cards(card) for card in c.cards)
    parts = [_plural(c.notes, "note") + " read",
             f"{_plural(cards, 'card')} in {_plural(len(c.cards), 'Anki note')} ({kinds})"]
    if c.media.files:
        parts.append(_plural(len(c.media.files), "image"))
    if c.merged:
        parts.append(f"{c.merged} duplicate{'s' if c.merged != 1 else ''} merged")
    if c.repeats:
        parts.append(f"{_plural(c.repeats, 'repeated statement')} left out")
    parts.append(_plural(c.errors, "error"))
    parts.append(_plural(c.warnings, "warning"))
    return " · ".join(parts)


def built(b: Built) -> str:
    return f"Built {b.collected.deck.name} → {display_path(b.output)}\n  {counts(b.collected)}"


def checked(c: Collected) -> str:
    return f"Checked {c.deck.name} ({display_path(c.deck.vault)}): {counts(c)}"


def card_json(card: Card, deck: str) -> str:
    data = {"deck": deck, **card_summary(card)}
    return json.dumps(data, ensure_ascii=False)


def card_text(card: Card) -> str:
    d = card.draft
    kind = f"auto {d.score:.2f}" if d.score is not None else d.kind.value
    lines = [f"{d.ref}  {kind}  {card.key}", "  " + " › ".join(d.context)]
    body = plain(d.front) if d.kind is CardKind.CLOZE else \
        f"{plain(d.front)}\n→ {plain(d.back)}"
    lines.extend("  " + line for line in body.splitlines())
    lines.extend(f"    · {plain(c)}" for c in d.cue)
    return "\n".join(lines)


def synced(s: DeckSync) -> str:
    """What reading the notes into the review store changed."""
    if s.synced is None or s.collected is None:
        return ""
    x = s.synced
    changes = [f"{x.added} added"]
    if x.retired:
        changes.append(f"{x.retired} retired (gone from the notes; history kept)")
    if x.revived:
        changes.append(f"{x.revived} back in the notes")
    return f"Read {s.deck.name}: {_plural(x.total, 'card')} ({', '.join(changes)})"
