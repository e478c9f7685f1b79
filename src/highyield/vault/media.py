"""Images embedded in notes: resolved the way Obsidian does, inside the vault only, each
resolved once per note and given a unique safe name for the package. An ``http(s)``
image is not packed: the card keeps its address."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from highyield.errors import Diagnostic, warning
from highyield.model import Embed
from highyield.vault.files import walk
from highyield.vault.notes import inside

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


@dataclass
class MediaResolver:
    """Resolves embeds the way Obsidian does: relative to the note, from the vault root,
    then by file name anywhere in the vault."""

    root: Path
    _by_name: dict[str, list[Path]] | None = field(default=None, repr=False)

    def resolve(self, note_rel: str, target: str) -> tuple[Path | None, str]:
        """Returns (file, "") or (None, why it was not packed)."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            return None, "is a URL, not a file in the vault; it is not packed"
        clean = target.split("#", 1)[0].split("?", 1)[0].strip()
        note_dir = PurePosixPath(note_rel).parent
        candidates = [self.root / clean.lstrip("/")]
        if not clean.startswith("/"):
            candidates.insert(0, self.root / note_dir / clean)
        for candidate in candidates:
            if candidate.is_file():
                if inside(self.root, candidate):
                    return candidate, ""
                return None, "points outside the vault; it is not packed"
        found = self._find_by_name(PurePosixPath(clean).name)
        if found is None:
            return None, "was not found in the vault"
        if not inside(self.root, found):
            return None, "points outside the vault; it is not packed"
        return found, ""

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


class MediaSet:
    def __init__(self, resolver: MediaResolver) -> None:
        self.resolver = resolver
        self.files: dict[str, Path] = {}  # name in the package -> file
        self._names: dict[Path, str] = {}
        # (note, target) -> (name in the package, or None and why it is not packed)
        self._resolved: dict[tuple[str, str], tuple[str | None, str]] = {}
        self._warned: set[tuple[str, str, int]] = set()

    def add(self, note_rel: str, note_display: str, embed: Embed) -> Diagnostic | None:
        """Resolve an embed of a note (once per note and target). Returns a warning, once
        per line, when it cannot be packed."""
        key = (note_rel, embed.target)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(note_rel, embed.target)
        name, why = self._resolved[key]
        if name is not None or (*key, embed.line) in self._warned:
            return None
        self._warned.add((*key, embed.line))
        return warning(note_display, embed.line or None, f"image {embed.target!r} {why}",
                       "put the image inside the vault and embed it as ![[name.png]]")

    def _resolve(self, note_rel: str, target: str) -> tuple[str | None, str]:
        url = remote_url(target)
        if url is not None:
            return url, ""
        path, why = self.resolver.resolve(note_rel, target)
        return (self._name_for(path) if path else None), why

    def name(self, note_rel: str, embed: Embed) -> str | None:
        """The image's ``src`` on a card: its name in the package, or its ``http(s)``
        address; None when it is not shown."""
        return self._resolved.get((note_rel, embed.target), (None, ""))[0]

    def _name_for(self, path: Path) -> str:
        if path in self._names:
            return self._names[path]
        name = safe_name(path.name)
        if name in self.files and self.files[name] != path:
            digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
            stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
            name = f"{stem}-{digest}{suffix}"
        self.files[name] = path
        self._names[path] = name
        return name


def safe_name(name: str) -> str:
    """Media names go into HTML src attributes: keep them plain."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned or "image"
