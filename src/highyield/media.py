"""The media a deck packs: each embed resolved once, each file given a unique safe name."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from highyield.errors import Diagnostic, warning
from highyield.model import Embed
from highyield.vault import MediaResolver

_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()+-]")


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
            path, why = self.resolver.resolve(note_rel, embed.target)
            self._resolved[key] = (self._name_for(path) if path else None, why)
        name, why = self._resolved[key]
        if name is not None or (*key, embed.line) in self._warned:
            return None
        self._warned.add((*key, embed.line))
        return warning(note_display, embed.line or None, f"image {embed.target!r} {why}",
                       "put the image inside the vault and embed it as ![[name.png]]")

    def name(self, note_rel: str, embed: Embed) -> str | None:
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
