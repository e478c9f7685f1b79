"""Which notes a deck takes: globs over vault-relative paths, as deck files write them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A glob over vault-relative paths. ``**`` spans folders; a pattern without ``/``
    matches at any depth, as in .gitignore; ``Folder/`` means everything inside it."""
    pattern = pattern.strip().lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    anchored = "/" in pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            ch = pattern[i]
            out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + "".join(out) + r"\Z", re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ()

    def matches(self, rel: str) -> bool:
        return any(compile_glob(p).match(rel) for p in self.include) and not any(
            compile_glob(p).match(rel) for p in self.exclude)
