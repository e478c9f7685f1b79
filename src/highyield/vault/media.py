"""Images embedded in notes: resolved the way Obsidian does, inside the vault only, each
resolved once per note and given a unique safe name for the package. An ``http(s)``
image is not packed: the card keeps its address."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, NamedTuple
from urllib.parse import quote, urlsplit

from highyield.errors import Diagnostic, warning
from highyield.model import Embed
from highyield.vault.files import walk
from highyield.vault.opening import (
    MISSING,
    Changed,
    Dangling,
    Loop,
    NotRegular,
    Outside,
    Refused,
    open_in_vault,
)

MAX_IMAGE_BYTES = 100 * 1024 * 1024  # AnkiWeb syncs no larger file (a 2.2 GB one stopped
_MB = 1024 * 1024  # the build: fifteenth fault probe)
_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()+-]")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"  # kept as written; everything else is %-encoded


def remote_url(target: str) -> str | None:
    """An ``http(s)`` image as the card's ``src`` (Anki shows it when online), or None for
    anything else: a file in the vault, or a scheme no card may load (``file:``,
    ``javascript:``, ``data:``…)."""
    try:
        parts = urlsplit(target.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(target.strip(), safe=_URL_SAFE)


PUT_INSIDE = "put the image inside the vault and embed it as ![[name.png]]"
_HINTS: dict[type[Refused], str] = {
    NotRegular: "embed an image file; a named pipe, socket or device is never read",
    Changed: "build again once the image is in place",
    Loop: "remove the link, or point it at an image",
    Dangling: "remove the link, or restore the file it points to",
}


class Found(NamedTuple):
    """Where an embed leads: a file to pack, or None and why not (and what to do)."""

    path: Path | None
    why: str = ""
    hint: str = PUT_INSIDE


_NOT_FOUND = Found(None, "was not found in the vault")


@dataclass
class MediaResolver:
    """Resolves embeds the way Obsidian does: relative to the note, from the vault root,
    then by file name anywhere in the vault. A file is taken only when it can be opened
    (``vault.opening``): a regular file, inside the vault, readable."""

    root: Path
    _by_name: dict[str, list[Path]] | None = field(default=None, repr=False)

    def resolve(self, note_rel: str, target: str) -> tuple[Path | None, str]:
        """Returns (file, "") or (None, why it was not packed)."""
        found = self.find(note_rel, target)
        return found.path, found.why

    def find(self, note_rel: str, target: str) -> Found:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            return Found(None, "is a URL, not a file in the vault; it is not packed")
        clean = target.split("#", 1)[0].split("?", 1)[0].strip()
        note_dir = PurePosixPath(note_rel).parent
        candidates = [self.root / _plain(clean.lstrip("/"))]
        if clean.startswith("../"):  # from the note alone: from the vault's top it would
            candidates = []          # be outside, and a deleted image said so (fault probe)
        if not clean.startswith("/"):
            candidates.insert(0, self.root / _plain(f"{note_dir}/{clean}"))
        for candidate in candidates:
            found = self._check(candidate)
            if found is not None:
                return found
        by_name = self._find_by_name(PurePosixPath(clean).name)
        return (self._check(by_name) if by_name is not None else None) or _NOT_FOUND

    def _check(self, path: Path) -> Found | None:
        """The file, or why it is not packed; None when nothing usable is there."""
        try:
            with open_in_vault(self.root, path) as f:
                size = os.fstat(f.fileno()).st_size
            if size > MAX_IMAGE_BYTES:
                return Found(None, f"is {size / _MB:,.0f} MB, over the {MAX_IMAGE_BYTES // _MB} "
                             "MB a file in an Anki deck may be; it is not packed",
                             "make it smaller: AnkiWeb syncs no file over 100 MB")
            return Found(path)
        except Outside:
            return Found(None, "points outside the vault; it is not packed")
        except NotRegular as exc:
            return None if exc.folder else \
                Found(None, f"{exc.why}; it is not packed", _HINTS[NotRegular])
        except Refused as exc:
            return Found(None, f"{exc.why}; it is not packed", _HINTS.get(type(exc), ""))
        except OSError as exc:
            if exc.errno in MISSING:
                return None
            return Found(None, f"cannot be read ({exc.strerror or exc}); it is not packed",
                         "check the image's permissions; the deck is written without it")
        except ValueError:  # a NUL in the name
            return None

    def _find_by_name(self, name: str) -> Path | None:
        if not name:
            return None
        if self._by_name is None:
            self._by_name = {}
            for _, path in walk(self.root):
                self._by_name.setdefault(path.name.lower(), []).append(path)
        matches = self._by_name.get(name.lower(), [])
        exact = [m for m in matches if m.name == name]
        chosen = (exact or matches)[:1]
        return chosen[0] if chosen else None


Outcome = tuple[str | None, str]  # an image's name in the package (or None), and why not


class MediaSet:
    def __init__(self, resolver: MediaResolver) -> None:
        self.resolver = resolver
        self.files: dict[str, Path] = {}  # name in the package -> file
        self._names: dict[Path, str] = {}
        self._folded: dict[str, Path] = {}  # each name as a disk that ignores case sees it
        # (note, target) -> name in the package (or None), why it is not packed, and hint
        self._resolved: dict[tuple[str, str], tuple[str | None, str, str]] = {}
        self._warned: set[tuple[str, str, int]] = set()
        # each image named, in order, once ``take_named`` was called (in a build's worker)
        self.named: list[tuple[Path, str]] | None = None

    def outcome(self, note_rel: str, embed: Embed) -> Outcome:
        """What became of an embed of a note (resolved once per note and target): its
        name in the package, or None and why. The build cache keeps it with the note, to
        tell when the note's images (and so its warnings) are no longer as they were."""
        key = (note_rel, embed.target)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(note_rel, embed.target)
        name, why, _ = self._resolved[key]
        return name, why

    def add(self, note_rel: str, note_display: str, embed: Embed) -> Diagnostic | None:
        """Resolve an embed of a note. Returns a warning, once per line, when it cannot
        be packed."""
        name, why = self.outcome(note_rel, embed)
        key = (note_rel, embed.target, embed.line)
        if name is not None or key in self._warned:
            return None
        self._warned.add(key)
        return warning(note_display, embed.line or None, f"image {embed.target!r} {why}",
                       self._resolved[note_rel, embed.target][2])

    def _resolve(self, note_rel: str, target: str) -> tuple[str | None, str, str]:
        url = remote_url(target)
        if url is not None:
            return url, "", ""
        found = self.resolver.find(note_rel, target)
        return (self._name_for(found.path) if found.path else None), found.why, found.hint

    def name(self, note_rel: str, embed: Embed) -> str | None:
        """The image's ``src`` on a card: its name in the package, or its ``http(s)``
        address; None when it is not shown."""
        return self._resolved.get((note_rel, embed.target), (None, "", ""))[0]

    def open(self, name: str) -> BinaryIO:
        """An image to pack, opened again as safely as when it was resolved (it may have
        changed since): raises ``Refused`` or ``OSError`` when it can no longer be."""
        return open_in_vault(self.resolver.root, self.files[name])

    def take_named(self) -> list[tuple[Path, str]]:
        """The images named since the last call (the first call starts the record: a build's
        worker makes it before each note), with their names, in the order asked for:
        another process's media set names them again in this order (``name_again``) and
        so gives each the name it has here, if the two sets saw the same images."""
        named, self.named = self.named or [], []
        return named

    def name_again(self, path: Path) -> str:
        """Name an image another process's media set named (see ``take_named``)."""
        return self._name_for(path)

    def _name_for(self, path: Path) -> str:
        name = self._names.get(path) or self._new_name(path)
        if self.named is not None:
            self.named.append((path, name))
        return name

    def _new_name(self, path: Path) -> str:
        name = safe_name(path.name)
        if self._folded.get(_folded(name), path) != path:
            # another image of this name, or of a name that differs only in case (one
            # file in Anki's media folder on Windows and macOS)
            digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:8]
            stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
            name = f"{stem}-{digest}{suffix}"
        self.files[name] = path
        self._folded[_folded(name)] = path
        self._names[path] = name
        return name


def _plain(rel: str) -> str:
    """A path inside the vault without its ``.`` and ``..`` steps, as Obsidian reads them
    (one image reached by two paths was packed twice); one that climbs out of the vault
    keeps them, to be refused as outside."""
    plain = posixpath.normpath(rel)
    return rel if plain == ".." or plain.startswith("../") else plain


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def safe_name(name: str) -> str:
    """Media names go into HTML src attributes: keep them plain."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned or "image"
