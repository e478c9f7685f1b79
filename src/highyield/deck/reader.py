"""Each note's cards for a build: from the build cache when the note is as before (by
size and time, or failing those by its text), else read afresh (``extract.reading``) and
made into fields (``deck.fields``). And each note's Dataview keys, the same way."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from highyield.config import DeckConfig
from highyield.deck.cache import BuildCache, NoteCards
from highyield.deck.fields import made_of
from highyield.errors import Diagnostic, display_path
from highyield.extract.dataview import FieldScan, NoteKeys, scan_fields
from highyield.extract.reading import embeds, note_drafts, note_texts, rules_for
from highyield.extract.sides import with_sides
from highyield.vault.files import unread
from highyield.vault.fingerprint import FileStamp, file_stat
from highyield.vault.media import MediaSet
from highyield.vault.notes import read_note


@dataclass
class CachedReader:
    """Each note's cards from the cache when its size and time (or failing those, its
    text) are as before; read afresh otherwise."""

    deck: DeckConfig
    media: MediaSet
    old: dict[str, NoteCards]
    with_seen: bool  # keep what repeat-dropping needs (decks with auto cards)
    fresh: int = 0  # notes read afresh

    def __post_init__(self) -> None:
        self.rules = rules_for(self.deck)
        self.texts = note_texts(self.deck.vault, self.media, self.rules)

    def read(self, path: Path, rel: str) -> NoteCards:
        return self.unchanged(path, rel) or self.afresh(path, rel)

    def unchanged(self, path: Path, rel: str) -> NoteCards | None:
        """The note's cards from the cache, when its size and time are as before."""
        stat = _stat(path)
        old = self.old.get(rel)
        if stat is not None and old is not None and self._usable(old) and \
                (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns) and \
                self._same_media(rel, old) and self._same_depends(rel, old) and \
                os.access(path, os.R_OK):  # a note made unreadable is said so again
            return _shown_from_here(old, path)
        return None

    def afresh(self, path: Path, rel: str) -> NoteCards:
        """The note read (from the cache still, when its text is as before)."""
        stat = _stat(path)
        old = self.old.get(rel)
        problems: list[Diagnostic] = []
        source = read_note(self.deck.vault, path, problems)
        if source is None:
            if old is not None and old.sha and any(map(unread, problems)):
                return self.kept(rel, old, problems)
            return NoteCards(0, 0, "", (), tuple(problems), ())
        sha = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        size, mtime = (stat.st_size, stat.st_mtime_ns) if stat else (0, 0)
        if old is not None and old.sha == sha and not old.kept and self._usable(old) and \
                self._same_media(rel, old) and self._same_depends(rel, old):
            said = (*problems, *old.diagnostics[old.read_said:])
            return _shown_from_here(replace(old, size=size, mtime_ns=mtime, diagnostics=said,
                                            read_said=len(problems)), path)
        self.fresh += 1
        embedder = self.texts.for_note(rel)
        drafts, found, untestable, unsure = note_drafts(source, self.rules, self.media,
                                                        embedder)
        # Every draft's images, those of a card left out as empty too: one that appears
        # in the vault later must bring the card back.
        pairs = tuple((e, self.media.outcome(rel, e)) for d in drafts for e in embeds(d))
        drafts, empty = with_sides(drafts, source.display, self.media)
        made = tuple(made_of(d, self.media, self.deck.obsidian_vault, self.with_seen)
                     for d in drafts)
        return NoteCards(size, mtime, sha, made, tuple(problems + found + empty), pairs,
                         embedder.depends, untestable, unsure, embedder.resolves,
                         read_said=len(problems))

    def kept(self, rel: str, old: NoteCards, problems: list[Diagnostic] | None = None
             ) -> NoteCards:
        """The last build's cards of a note that cannot be read now, and why (a note in a
        folder that cannot be read: that folder's warning says it), with their images:
        kept, never retired; the note is read afresh once it can be."""
        self._same_media(rel, old)  # its images packed, as they were
        said = tuple(replace(d, message=f"{d.message}; its cards from the last build are "
                             "kept") if unread(d) else d for d in problems or ())
        return replace(old, size=-1, mtime_ns=-1, diagnostics=said, kept=True)

    def _usable(self, cards: NoteCards) -> bool:
        """Cached cards without what tells repeats apart are read again once the deck has
        notes that auto-cloze reads (a clipped article added)."""
        return not self.with_seen or not cards.made or cards.made[0].seen is not None

    def _same_depends(self, rel: str, cards: NoteCards) -> bool:
        """The notes whose text it embeds are as they were when it was read, and each
        name it embeds leads to the same note (or still to none)."""
        return all(file_stat(self.deck.vault / dep) == (size, mtime)
                   for dep, size, mtime in cards.depends) and \
            self.texts.same_names(rel, cards.resolves)

    def _same_media(self, rel: str, cards: NoteCards) -> bool:
        """Images resolve as they did (the names packed in the fields are still right, and
        the cached warnings about images still hold). Each is resolved again, so that the
        images of a note taken from the cache are packed too."""
        now = [self.media.outcome(rel, embed) == was for embed, was in cards.embeds]
        return all(now)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _shown_from_here(cards: NoteCards, path: Path) -> NoteCards:
    """A cached note's problems, with its path as seen from the current folder (an
    earlier build may have run elsewhere)."""
    if not cards.diagnostics:
        return cards
    shown = display_path(path)
    if all(d.path == shown for d in cards.diagnostics):
        return cards
    return replace(cards, diagnostics=tuple(replace(d, path=shown) for d in cards.diagnostics))


def scan_keys(deck: DeckConfig, paths: list[Path], files: list[FileStamp], cache: BuildCache
          ) -> FieldScan:
    """The Dataview fields of the deck's notes: each note's keys from the cache when its
    file is as the last build saw it, else from its text (and kept for the next)."""
    stamps = {stamp[0]: stamp for stamp in files}
    rels = {path: path.relative_to(deck.vault).as_posix() for path in paths}
    before = cache.scanned

    def known(path: Path) -> NoteKeys | None:
        kept = before.get(rels[path])
        return kept[1] if kept is not None and kept[0] == stamps.get(rels[path]) else None

    found: dict[Path, NoteKeys] = {}
    fields = scan_fields(deck, paths, known, found)
    cache.scanned = {rels[path]: (stamps[rels[path]], keys) for path, keys in found.items()
                     if rels[path] in stamps}
    return fields
