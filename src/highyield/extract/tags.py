"""Anki tags for a note: its own tags, its folder, and the deck's."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from highyield.model import Note
from highyield.vault.text import strip_controls


def anki_tag(raw: str) -> str:
    """``#Neuro/ALS`` becomes ``Neuro::ALS``; spaces become underscores; control
    characters (from a folder's name or a YAML escape) are left out."""
    tag = strip_controls(raw).strip().lstrip("#").strip("/")
    parts = [re.sub(r"\s+", "_", p.strip()) for p in re.split(r"/|::", tag)]
    return "::".join(p for p in parts if p)


def folder_tag(rel: str) -> str:
    """A note in ``USMLE/Neurology/`` is tagged ``USMLE::Neurology``."""
    folders = PurePosixPath(rel).parent.parts
    return "::".join(re.sub(r"\s+", "_", f.strip()) for f in folders if f.strip())


def note_tags(note: Note, deck_tags: tuple[str, ...]) -> tuple[str, ...]:
    """The note's tags, its folder and the deck's, each once. Anki's tags ignore case, so
    ``clippings`` from the frontmatter and ``Clippings`` from the folder are one tag: the
    first spelling given wins (the note's own, then its folder's)."""
    raw = [*note.tags, folder_tag(note.rel), *deck_tags]
    tags: dict[str, str] = {}
    for tag in (anki_tag(t) for t in raw):
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return tuple(sorted(tags.values(), key=str.lower))
