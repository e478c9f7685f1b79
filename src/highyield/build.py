"""The pipeline for one deck: vault → parse → extract → identity → export.

``collect`` does everything but writing, for ``cards`` and ``check``; ``build`` writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from highyield.config import CLIPPINGS, DeckConfig
from highyield.errors import Diagnostic, HighyieldError, Severity, warning
from highyield.extract import ExtractRules, extract_note
from highyield.extract.auto.repeats import drop_repeats
from highyield.identity import assign_keys
from highyield.media import MediaSet
from highyield.model import CONTAINERS, Card, CardKind, Draft, Embed
from highyield.parse import parse_note
from highyield.vault import MediaResolver, display_path, find_notes, read_note

Progress = Callable[[int, int], None]  # (notes done, notes in all)


@dataclass(frozen=True)
class Collected:
    deck: DeckConfig
    notes: int
    cards: tuple[Card, ...]
    merged: int  # exact duplicates made into one card
    repeats: int  # auto cards left out because another card says the same
    media: MediaSet
    diagnostics: tuple[Diagnostic, ...]

    def count(self, kind: CardKind) -> int:
        return sum(1 for c in self.cards if c.kind is kind)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)


@dataclass(frozen=True)
class Built:
    collected: Collected
    output: Path


def collect(deck: DeckConfig, progress: Progress | None = None) -> Collected:
    paths = find_notes(deck.vault, deck.selection)
    if not paths:
        raise HighyieldError(
            f"no notes in {display_path(deck.vault)} for deck {deck.name}",
            hint="notes are .md files; check the folder and the deck's include and exclude "
                 f"({', '.join(deck.selection.include)}"
                 + (f"; not {', '.join(deck.selection.exclude)})" if deck.selection.exclude
                    else ")"))
    rules = ExtractRules(deck.highlights, deck.tags, deck.inline_cards, deck.auto)
    media = MediaSet(MediaResolver(deck.vault))
    diagnostics: list[Diagnostic] = []
    drafts: list[Draft] = []
    notes = 0
    for done, path in enumerate(paths, 1):
        source = read_note(deck.vault, path, diagnostics)
        if source is not None:
            note, found = parse_note(source)
            note_drafts, problems = extract_note(note, rules)
            diagnostics.extend(found + problems)
            diagnostics.extend(_resolve_media(note_drafts, source.display, media))
            drafts.extend(note_drafts)
            notes += 1
        if progress is not None:
            progress(done, len(paths))
    diagnostics.extend(_unused_auto_globs(deck, paths))
    drafts, repeats = drop_repeats(drafts)
    cards, merged = assign_keys(drafts)
    if not cards:
        diagnostics.append(warning(
            display_path(deck.vault), None, "no cards: nothing is highlighted or written as a card",
            "mark facts with ==highlights== or write {{c1::clozes}} and Front::Back lines"))
    diagnostics.sort(key=lambda d: (d.path, d.line or 0))
    return Collected(deck, notes, tuple(cards), merged, repeats, media, tuple(diagnostics))


def _unused_auto_globs(deck: DeckConfig, paths: list[Path]) -> list[Diagnostic]:
    """An auto_cloze.include that a deck file sets but no note matches is most likely a
    typo; say so instead of making no auto cards in silence."""
    if not deck.auto.enabled or deck.auto.notes.include == CLIPPINGS or deck.source is None:
        return []
    if any(deck.auto.applies(p.relative_to(deck.vault).as_posix()) for p in paths):
        return []
    return [warning(display_path(deck.source), None,
                    f"auto_cloze.include ({', '.join(deck.auto.notes.include)}) matches no note",
                    "globs are relative to the notes folder, e.g. \"Clippings/**\"")]


def _resolve_media(drafts: list[Draft], display: str, media: MediaSet) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for draft in drafts:
        for embed in _embeds(draft):
            problem = media.add(draft.ref.path, display, embed)
            if problem is not None:
                problems.append(problem)
    return problems


def _embeds(draft: Draft) -> list[Embed]:
    found: list[Embed] = list(draft.images)
    stack = [draft.front, draft.back, *draft.cue, *draft.extra]
    while stack:
        for node in stack.pop():
            if isinstance(node, Embed):
                found.append(node)
            elif isinstance(node, CONTAINERS):
                stack.append(node.children)
    return found


def build(deck: DeckConfig, now: float, progress: Progress | None = None) -> Built:
    # Imported here: genanki is only needed to write, and cards, check and --help
    # should not pay for loading it.
    from highyield.export import write_deck

    collected = collect(deck, progress)
    write_deck(deck.name, collected.cards, collected.media, deck.obsidian_vault,
               deck.output, now)
    return Built(collected, deck.output)

