"""What identity knows of a card (its ``Subject``): the identifying text of each side,
its context and place, and the key a new card gets from its content alone (never from the
build time, a random number or the order of files)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from highyield.identity.clozes import shape
from highyield.model import Draft, Inlines, TextStyle, flatten

KEY_LENGTH = 16
ANCHOR_PREFIX = "hy-"
_KEY = re.compile(r"[0-9a-f]{16}")


CANONICAL = TextStyle(
    cloze=lambda node, inner: f"{{{{c{node.number}::{inner}}}}}",
    code=lambda node: f"`{node.text}`",
    math=lambda node: f"${node.source}$",
    embed=lambda node: f"[{node.target.rsplit('/', 1)[-1]}]",
)


def canonical(inlines: Inlines) -> str:
    """The identifying text of a card side: words and deletions, not formatting."""
    return normalize(flatten(inlines, CANONICAL))


@lru_cache(maxsize=1024)
def _where(context: tuple[str, ...]) -> str:
    """A card's context as identity compares it, made once for the cards under it."""
    return normalize(" › ".join(context))


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:KEY_LENGTH]


def anchor_key(anchor: str) -> str | None:
    """The key a ``^hy-…`` block id pins, or None for any other block id."""
    rest = anchor[len(ANCHOR_PREFIX):] if anchor.startswith(ANCHOR_PREFIX) else ""
    return rest if _KEY.fullmatch(rest) else None


class Subject(NamedTuple):
    """What identity needs to know of a card. (A named tuple, not a dataclass: builds
    cache one per card, and these pickle and load two to three times faster.)"""

    kind: str
    front: str  # canonical text
    back: str
    where: str  # normalised context: title, headings, parent items
    path: str
    line: int
    anchor: str = ""
    written: int = 0  # the highest cloze number the author wrote; highyield numbered above

    @property
    def content(self) -> str:
        return "\x1f".join((self.kind, self.front, self.back))

    @property
    def shape(self) -> str:
        """The content without cloze numbers: the same words, whatever the numbering."""
        return shape(self.content)


def subject_of(draft: Draft) -> Subject:
    """A card whose answer highyield chose in a highlighted statement is known by the
    whole statement's deletion (``Draft.keyed``): its key stays as the choice improves."""
    front = draft.keyed or draft.front
    return Subject(draft.kind.value, canonical(front), canonical(draft.back),
                   _where(draft.context), draft.ref.path, draft.ref.line,
                   draft.anchor, draft.written)
