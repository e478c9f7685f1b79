"""The vault as a build sees it, in one hash: every file's path, size and modification
time (notes and images alike), the identity ledger's, and the deck's settings. When it is
the same as at the last build, and the deck file is still the one that build wrote,
nothing needs doing."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from highyield import __version__
from highyield.config import DeckConfig
from highyield.ledger import ledger_path


def file_stat(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def vault_files(root: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file outside hidden folders, sorted."""
    found: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            try:
                stat = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            rel = os.path.relpath(os.path.join(folder, name), root)
            found.append((rel, stat.st_size, stat.st_mtime_ns))
    found.sort()
    return found


def card_settings(deck: DeckConfig) -> str:
    """The deck settings that change which cards the notes give, in a stable form: never
    a set's repr (its order changes from one run to the next), never the output path."""
    auto = deck.auto
    return json.dumps([
        __version__, str(deck.vault), deck.selection.include, deck.selection.exclude,
        deck.tags, sorted(deck.highlights.syntaxes), sorted(deck.highlights.colors),
        deck.inline_cards, auto.enabled, auto.notes.include, auto.notes.exclude,
        auto.min_score, deck.review.day_starts_at])  # the hour is kept with the cards


def settings_of(deck: DeckConfig) -> str:
    """The settings a build's cards depend on: those that shape the cards, and the vault
    name the Source links open."""
    return card_settings(deck) + "\x1f" + deck.obsidian_vault


def deck_fingerprint(deck: DeckConfig, files: list[tuple[str, int, int]] | None = None
                     ) -> str:
    """``files``: the vault as seen before the build read it (a note saved during the
    build must make the next build read it again)."""
    files = vault_files(deck.vault) if files is None else files
    digest = hashlib.sha256(settings_of(deck).encode())
    digest.update(f"\x1e{deck.name}\x1e{deck.output}\x1e".encode())
    digest.update(repr(file_stat(ledger_path(deck.vault))).encode())
    for rel, size, mtime in files:
        digest.update(f"\x1e{rel}\x1f{size}\x1f{mtime}".encode())
    return digest.hexdigest()
