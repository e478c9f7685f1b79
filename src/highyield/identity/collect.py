"""A deck's cards with their keys: every note read (vault → parse → extract) and keyed
against the vault's ledger (which is not written here). For ``cards``, ``check`` and the
quiz. The build reaches the same keys through its cache (``deck.build``); a test holds
the two to the same keys and cloze numbers."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from highyield.config import CLIPPINGS, DeckConfig
from highyield.config.srplugin import DATA_JSON
from highyield.errors import (
    Diagnostic,
    HighyieldError,
    Severity,
    display_path,
    error,
    warning,
)
from highyield.extract.auto.repeats import drop_repeats
from highyield.extract.dataview import FieldScan, scan_fields
from highyield.extract.reading import note_drafts, note_texts, rules_for
from highyield.extract.sides import with_sides
from highyield.identity.keys import Assigned, assign_keys
from highyield.identity.ledger import Entry, read_ledger
from highyield.model import Card, CardKind, Draft, Progress, anki_cards
from highyield.vault.files import find_notes, missing, unread
from highyield.vault.media import MediaResolver, MediaSet
from highyield.vault.notes import read_note


@dataclass(frozen=True)
class Tally:
    """The figures a summary shows."""

    notes: int
    kinds: dict[CardKind, int]  # Anki notes by kind
    auto: int
    cards: int  # Anki cards
    images: int
    merged: int  # exact duplicates made into one card
    repeats: int  # auto cards left out because another card says the same
    diagnostics: tuple[Diagnostic, ...]
    untestable: int = 0  # statements auto-cloze read and left out as no testable fact
    unsure: int = 0  # and those whose card scored under min_score

    @property
    def anki_notes(self) -> int:
        return sum(self.kinds.values())

    @property
    def errors(self) -> int:
        return sum(d.count for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(d.count for d in self.diagnostics if d.severity is Severity.WARNING)


@dataclass(frozen=True)
class Collected:
    deck: DeckConfig
    notes: int
    cards: tuple[Card, ...]
    merged: int
    repeats: int
    media: MediaSet
    diagnostics: tuple[Diagnostic, ...]
    ledger: dict[str, Entry] = field(default_factory=dict)  # to write back, when syncing
    untestable: int = 0  # statements auto-cloze read and left out as no testable fact
    unsure: int = 0  # and those whose card scored under min_score

    def count(self, kind: CardKind) -> int:
        return sum(1 for c in self.cards if c.kind is kind)

    @property
    def errors(self) -> int:
        return self.tally.errors

    @property
    def warnings(self) -> int:
        return self.tally.warnings

    @property
    def tally(self) -> Tally:
        return Tally(self.notes, {k: self.count(k) for k in CardKind},
                     sum(1 for c in self.cards if c.draft.auto),
                     sum(anki_cards(c) for c in self.cards), len(self.media.files),
                     self.merged, self.repeats, self.diagnostics, self.untestable,
                     self.unsure)


def collect(deck: DeckConfig, progress: Progress | None = None) -> Collected:
    """Every card of the deck, keyed with the vault's ledger (which is not written)."""
    diagnostics: list[Diagnostic] = []
    paths = deck_notes(deck, diagnostics)
    fields = scan_fields(deck, paths)
    deck = fields.deck
    rules = rules_for(deck)
    media = MediaSet(MediaResolver(deck.vault))
    texts = note_texts(deck.vault, media, rules)
    drafts: list[Draft] = []
    read = untestable = unsure = 0
    for done, path in enumerate(paths, 1):
        source = read_note(deck.vault, path, diagnostics)
        if source is not None:
            read += 1
            found, problems, no_fact, below = note_drafts(source, rules, media,
                                                          texts.for_note(source.rel))
            untestable, unsure = untestable + no_fact, unsure + below
            shown, empty = with_sides(found, source.display, media)
            drafts.extend(shown)
            diagnostics.extend(problems + empty)
        if progress is not None:
            progress(done, len(paths))
    drafts, repeats = drop_repeats(drafts)
    assigned = _assign(deck, drafts, paths, diagnostics)
    diagnostics.extend(deck_problems(deck, paths, bool(assigned.cards), fields, diagnostics))
    diagnostics.sort(key=Diagnostic.place)
    return Collected(deck, read, tuple(assigned.cards), assigned.merged, repeats, media,
                     tuple(diagnostics), assigned.ledger, untestable, unsure)


def _assign(deck: DeckConfig, drafts: list[Draft], paths: list[Path],
            diagnostics: list[Diagnostic]) -> Assigned:
    ledger = read_ledger(deck.vault, diagnostics)
    assigned = assign_keys(drafts, ledger, scope(deck, rels(deck, paths)))
    diagnostics.extend(repeated_ids(deck, assigned.repeated_ids))
    return assigned


def deck_notes(deck: DeckConfig, problems: list[Diagnostic]) -> list[Path]:
    """The deck's notes; ``problems`` gets a warning for each file or folder of the vault
    that could not be looked at."""
    if not deck.vault.is_dir():  # moved or deleted while watch runs, say
        raise HighyieldError(f"the notes folder {display_path(deck.vault)} of deck "
                             f"{deck.name} is not there (moved or deleted?)",
                             hint="put the folder back, or point the deck at where it is now")
    paths = find_notes(deck.vault, deck.selection, problems)
    if not paths:
        message = f"no notes in {display_path(deck.vault)} for deck {deck.name}"
        hint = ("notes are .md files; check the folder and the deck's include and exclude "
                f"({', '.join(deck.selection.include)}" +
                (f"; not {', '.join(deck.selection.exclude)})" if deck.selection.exclude
                 else ")"))
        if deck.source is not None and deck.include_line is not None:
            raise HighyieldError.at(error(display_path(deck.source), deck.include_line,
                                          message, hint))
        raise HighyieldError(message, hint=hint)
    return paths


def rels(deck: DeckConfig, paths: list[Path]) -> set[str]:
    return {p.relative_to(deck.vault).as_posix() for p in paths}


def scope(deck: DeckConfig, rels: Collection[str]) -> Callable[[str], bool]:
    """A ledger entry is this deck's to match by close text when its note is one of the
    deck's notes, or is gone (renamed, moved or deleted)."""
    return lambda rel: rel in rels or missing(deck.vault / rel)


def deck_problems(deck: DeckConfig, paths: list[Path], any_cards: bool,
                  fields: FieldScan, so_far: list[Diagnostic]) -> list[Diagnostic]:
    """Problems of the deck as a whole; ``so_far``: what the build has said before."""
    found = _unused_auto_globs(deck, paths)
    if deck.srplugin is not None and deck.srplugin.problem:
        found.append(warning(
            display_path(deck.vault / DATA_JSON), None,
            f"obsidian-spaced-repetition settings: {deck.srplugin.problem}",
            "fix it, or change a setting on the plugin's settings page in Obsidian, which "
            "writes it again; until then its defaults are used: ::, :::, ?, ?? and notes "
            "tagged #flashcards"))
    said = fields.diagnostic()  # once per deck, not once per line
    found.extend([said] if said is not None else [])
    if not any_cards and any(unread(d) for d in so_far):
        found.append(warning(
            display_path(deck.vault), None, "no cards in the notes that could be read",
            "the notes and folders that could not be read are named here: let highyield "
            "read them (check their permissions) and build again"))
    elif not any_cards:
        found.append(warning(
            display_path(deck.vault), None, "no cards: nothing is highlighted or written as a "
            "card", "mark facts with ==highlights== or write {{c1::clozes}} and Front::Back "
            "lines"))
    return found


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


def repeated_ids(deck: DeckConfig, found: list[tuple[str, str, int]]) -> list[Diagnostic]:
    return [warning(display_path(deck.vault / path), line,
                    f"block id ^hy-{key} is also on another line (of this note or another); "
                    "this copy is a card of its own", "delete the id here (build --write-ids "
                    "gives the copy its own)")
            for key, path, line in found]
