"""Values shared by every step: inline nodes, blocks, notes, card drafts and cards.

Everything here is a frozen dataclass or an enum. Nothing here reads files or prints.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

# ---------------------------------------------------------------- inline nodes


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Break:
    """A line break. ``line`` is the source line the content after it starts on."""

    line: int


@dataclass(frozen=True, slots=True)
class Highlight:
    """``==x==``, ``<mark>x</mark>`` or ``<span style="background:…">x</span>``."""

    children: Inlines
    syntax: str  # "equals" | "mark" | "span"
    color: str = ""  # the CSS colour as written, "" when none


@dataclass(frozen=True, slots=True)
class Cloze:
    """``{{c1::x}}`` or ``{{c1::x::hint}}``; extract also turns highlights into these."""

    number: int
    children: Inlines
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Styled:
    """Formatting kept on cards: b, i, u, sub, sup."""

    tag: str
    children: Inlines


@dataclass(frozen=True, slots=True)
class Code:
    text: str
    block: bool = False  # a fenced code block (kept in a multi-line card's answer)
    lang: str = ""  # a fenced block's language tag, e.g. "python"


@dataclass(frozen=True, slots=True)
class Math:
    source: str
    display: bool


@dataclass(frozen=True)
class Embed:
    """An image embed, ``![[x.png|200]]`` or ``![alt](x.png)``, not yet resolved."""

    target: str
    alt: str = ""
    width: int | None = None
    line: int = 0


CONTEXT_SEPARATOR = " › "  # between a card's title, headings and parent items

Inline: TypeAlias = Text | Break | Highlight | Cloze | Styled | Code | Math | Embed
Inlines: TypeAlias = tuple[Inline, ...]

CONTAINERS = (Highlight, Cloze, Styled)


@dataclass(frozen=True)
class TextStyle:
    """How ``flatten`` writes each kind of node as text."""

    line_break: str = " "
    cloze: Callable[[Cloze, str], str] = lambda node, inner: inner
    code: Callable[[Code], str] = lambda node: node.text
    math: Callable[[Math], str] = lambda node: node.source
    embed: Callable[[Embed], str] = lambda node: ""


def flatten(inlines: Inlines, style: TextStyle) -> str:
    """Inline nodes as text; formatting and highlights keep only their words."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Break):
            parts.append(style.line_break)
        elif isinstance(node, Cloze):
            parts.append(style.cloze(node, flatten(node.children, style)))
        elif isinstance(node, (Highlight, Styled)):
            parts.append(flatten(node.children, style))
        elif isinstance(node, Code):
            parts.append(style.code(node))
        elif isinstance(node, Math):
            parts.append(style.math(node))
        elif isinstance(node, Embed):
            parts.append(style.embed(node))
    return "".join(parts)


PLAIN = TextStyle()


def plain_text(inlines: Inlines) -> str:
    """The visible text, without markup: what a reader sees, on one line."""
    return " ".join(flatten(inlines, PLAIN).split())



def _cloze_text(node: Cloze, inner: str) -> str:
    hint = f"::{node.hint}" if node.hint else ""
    return f"{{{{c{node.number}::{inner}{hint}}}}}"


_KEPT = str.maketrans({" ": "\x1c", "\t": "\x1d"})  # a code block's spaces, until
_RESTORED = str.maketrans({"\x1c": " ", "\x1d": "\t"})  # runs of spaces are collapsed


def _code_text(node: Code) -> str:
    if node.block:
        return f"\n```{node.lang}\n{node.text.translate(_KEPT)}\n```\n"
    return f"`{node.text}`"


def collapse_spaces(text: str) -> str:
    """Runs of spaces as one, except in a code block (its indentation is kept)."""
    return re.sub(r"[ \t]{2,}", " ", text).translate(_RESTORED)


PREVIEW = TextStyle(
    line_break="\n",
    cloze=_cloze_text,
    code=_code_text,
    math=lambda node: f"$${node.source}$$" if node.display else f"${node.source}$",
    embed=lambda node: f"[image: {node.target.rsplit('/', 1)[-1]}]",
)


def preview_text(nodes: Inlines) -> str:
    """Readable text for previews: deletions as {{c1::…}}, images as [image: name]."""
    return collapse_spaces(flatten(nodes, PREVIEW))


# ---------------------------------------------------------------- blocks and notes


@dataclass(frozen=True)
class Source:
    """A note file as read from the vault: text decoded, newlines normalised to LF."""

    rel: str  # vault-relative POSIX path
    display: str  # the path diagnostics show
    text: str


class BlockKind(enum.Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    TABLE_ROW = "table row"
    MULTILINE_CARD = "multi-line card"
    CLOZE_NOTE = "cloze note"  # a cloze written as one note (Obsidian_to_Anki's Cloze)


@dataclass(frozen=True)
class Block:
    """One block of a note, with the lines it came from (1-based, inclusive)."""

    kind: BlockKind
    line: int
    end_line: int
    inlines: Inlines
    section: tuple[str, ...] = ()  # heading path above the block (and callout titles)
    parent: int | None = None  # index of the enclosing list item in Note.blocks
    depth: int = 0  # list nesting, 0 for top-level items
    level: int = 0  # heading level
    headers: tuple[Inlines, ...] = ()  # TABLE_ROW: the header cells
    cells: tuple[Inlines, ...] = ()  # TABLE_ROW: this row's cells
    answer: Inlines = ()  # MULTILINE_CARD: the back (inlines is the front); CLOZE_NOTE: extra
    reversed: bool = False  # MULTILINE_CARD written with ``??``
    anchor: str = ""  # Obsidian block id (``^id``) at the end of the block
    tags: tuple[str, ...] = ()  # tags written for this block's card alone (Obsidian_to_Anki)
    o2a: bool = False  # an Obsidian_to_Anki note (read whatever the note's tags)


@dataclass(frozen=True)
class Note:
    rel: str  # vault-relative POSIX path, e.g. "USMLE/Neurology/ALS.md"
    display: str  # the path diagnostics show
    title: str
    tags: tuple[str, ...]  # frontmatter and inline tags, as written (without '#')
    aliases: tuple[str, ...]
    blocks: tuple[Block, ...]


# ---------------------------------------------------------------- cards


class CardKind(enum.Enum):
    CLOZE = "cloze"
    BASIC = "basic"
    REVERSED = "reversed"


@dataclass(frozen=True)
class SourceRef:
    path: str  # vault-relative
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    @classmethod
    def parse(cls, text: str) -> SourceRef:
        """``path:line`` back into its parts; a text without a line number is all path."""
        path, _, line = text.rpartition(":")
        return cls(path, int(line)) if line.isdigit() else cls(text, 0)


@dataclass(frozen=True)
class Draft:
    """A card before it has an identity. For a cloze, ``front`` holds the Cloze nodes."""

    kind: CardKind
    ref: SourceRef
    context: tuple[str, ...]  # note title, headings, parent items
    front: Inlines
    back: Inlines = ()
    cue: tuple[Inlines, ...] = ()  # statements shown on the front so it can be answered
    extra: tuple[Inlines, ...] = ()  # shown after the answer: child items and the like
    images: tuple[Embed, ...] = ()  # section images, shown after the answer
    tags: tuple[str, ...] = ()  # Anki tags
    score: float | None = None  # auto cards: how sure highyield is that this is a good card
    anchor: str = ""  # the block's Obsidian block id (``^id``), if it has one
    written: int = 0  # the highest cloze number the author wrote; highyield numbered above
    keyed: Inlines = ()  # what identity reads instead of the front: a whole-statement
    # highlight whose answer highyield chose (``extract.wholeline``) keeps its old key

    @property
    def auto(self) -> bool:
        return self.score is not None


def cloze_numbers(inlines: Inlines) -> set[int]:
    numbers: set[int] = set()
    for node in inlines:
        if isinstance(node, Cloze):
            numbers.add(node.number)
        if isinstance(node, (Highlight, Cloze, Styled)):
            numbers |= cloze_numbers(node.children)
    return numbers


def anki_cards(card: Card) -> int:
    """How many cards Anki makes from this note: one per cloze number, two for reversed."""
    if card.draft.kind is CardKind.CLOZE:
        return len(cloze_numbers(card.draft.front))
    return 2 if card.draft.kind is CardKind.REVERSED else 1


@dataclass(frozen=True)
class Card:
    key: str  # stable: the Anki guid and, later, the review-store row
    draft: Draft

    @property
    def kind(self) -> CardKind:
        return self.draft.kind


Progress = Callable[[int, int], None]  # told (notes done, notes in all) as work goes on


# ---------------------------------------------------------------- a card's schedule in Anki

# the tag a card gone from the notes keeps in Anki (whose importer never deletes a note);
# highyield's own, so a sync takes it away from a card that is back
RETIRED_TAG = "highyield::retired"



@dataclass(frozen=True)
class AnkiCard:
    """The columns of an Anki card that hold its schedule (and its memory, FSRS's):
    what ``review.anki`` reads and writes in a collection, and ``deck.progress`` in a
    package."""

    type: int
    queue: int
    due: int
    ivl: int
    left: int
    reps: int
    lapses: int
    stability: float | None
    difficulty: float | None
    last_review: int | None  # seconds


@dataclass(frozen=True)
class RevlogRow:
    """One row of Anki's review log."""

    id: int
    cid: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int
