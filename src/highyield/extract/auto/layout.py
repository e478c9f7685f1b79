"""A clipped note read the way its page was laid out.

Clippers flatten a web page: headings become bare short lines, and the page's furniture
(review status, sharing buttons, disclaimers, references) comes along. ``clipping_layout``
gives such a note back its headings and drops the furniture, so that cards get the right
context and no boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from highyield.extract.auto import noise
from highyield.extract.auto.words import STOPWORDS
from highyield.extract.statements import lines_of
from highyield.model import Block, BlockKind, Inlines, Note, Text, plain_text

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def clipping_layout(note: Note) -> Note:
    lines = _split_paragraphs(note)
    lines = _drop_title_line(note.title, lines)
    kept = _drop_furniture(lines)
    return replace(note, blocks=_with_sections(kept))


@dataclass(frozen=True)
class _Piece:
    block: Block
    old: int  # the index of the block it came from
    bare: bool = False  # a bare line that reads as a heading


def _split_paragraphs(note: Note) -> list[_Piece]:
    """One block per line of a paragraph, each line marked when it reads as a heading.
    Bracketed citations go first, so that "weakness.[1] About 85%" ends a sentence."""
    pieces: list[_Piece] = []
    for index, block in enumerate(note.blocks):
        block = replace(block, inlines=_without_brackets(block.inlines))
        if block.kind is not BlockKind.PARAGRAPH or block.parent is not None:
            pieces.append(_Piece(block, index))
            continue
        for line, inlines in lines_of(block.inlines, block.line):
            one = replace(block, line=line, end_line=line, inlines=inlines)
            pieces.append(_Piece(one, index))
    return [replace(p, bare=_reads_as_heading(p, pieces[i + 1:i + 2]))
            for i, p in enumerate(pieces)]


def _without_brackets(inlines: Inlines) -> Inlines:
    return tuple(Text(noise.strip_bracketed(n.text)) if isinstance(n, Text) else n
                 for n in inlines)


def _reads_as_heading(piece: _Piece, following: list[_Piece]) -> bool:
    if piece.block.kind is not BlockKind.PARAGRAPH or not following:
        return False
    return looks_like_heading(plain_text(piece.block.inlines))


def looks_like_heading(text: str) -> bool:
    """A short line with no full stop, in title case or of a few words: "Clinical
    Implications", "ALS Pathophysiology:", "Are MS and ALS Linked?"."""
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > MAX_HEADING_CHARS:
        return False
    bare = re.sub(r"\b(?:vs|e\.g|i\.e|etc|cf)\.", "", text, flags=re.IGNORECASE)
    if bare.endswith((".", ",", ";", "!")) or re.search(r"[.!?]\s", bare):
        return False
    if not text[0].isupper() and not text[0].isdigit():
        return False
    content = [w for w in _WORD.findall(text) if w.casefold() not in STOPWORDS]
    if len(words) <= 4:
        return True
    capitals = sum(1 for w in content if w[0].isupper())
    return bool(content) and capitals / len(content) >= 0.6


def _drop_title_line(title: str, pieces: list[_Piece]) -> list[_Piece]:
    """Clippings start with the page title, which is already the note's title."""
    for i, piece in enumerate(pieces):
        if piece.block.kind is BlockKind.HEADING and piece.block.level == 1:
            continue
        if _same_words(plain_text(piece.block.inlines), title):
            return pieces[:i] + pieces[i + 1:]
        return pieces
    return pieces


def _same_words(a: str, b: str) -> bool:
    def key(s: str) -> list[str]:
        return re.findall(r"\w+", s.casefold())
    return key(a) == key(b)


def _drop_furniture(pieces: list[_Piece]) -> list[_Piece]:
    """Leave out boilerplate lines, reference lines and the sections that hold nothing
    else (References, Disclaimer, Related articles …)."""
    kept: list[_Piece] = []
    ended_at: int | None = None  # the heading level that ended the content, 99 if bare
    for i, piece in enumerate(pieces):
        block = piece.block
        text = plain_text(block.inlines)
        is_heading = piece.bare or block.kind is BlockKind.HEADING
        level = block.level if block.kind is BlockKind.HEADING else 99
        if is_heading and noise.ends_content(text):
            ended_at = min(level, ended_at) if ended_at is not None else level
            continue
        if ended_at is not None:
            if not is_heading or not _resumes(piece, pieces[i + 1:i + 2], ended_at):
                continue
            ended_at = None
        if noise.is_boilerplate(text) or (not is_heading and noise.is_reference(text)):
            continue
        kept.append(piece)
    return _without_empty_parents(kept)


def _resumes(heading: _Piece, following: list[_Piece], ended_at: int) -> bool:
    """After "References", only a heading followed by real prose starts content again."""
    block = heading.block
    if block.kind is BlockKind.HEADING and block.level <= ended_at:
        return True
    if not following:
        return False
    text = plain_text(following[0].block.inlines)
    return (len(text.split()) >= 12 and not noise.is_reference(text)
            and not noise.is_boilerplate(text))


def _without_empty_parents(pieces: list[_Piece]) -> list[_Piece]:
    """A list item whose parent was dropped hangs from nothing: make it top-level."""
    present = {p.old for p in pieces}
    return [p if p.block.parent is None or p.block.parent in present
            else replace(p, block=replace(p.block, parent=None)) for p in pieces]


def _with_sections(pieces: list[_Piece]) -> tuple[Block, ...]:
    """Blocks with bare headings made real and every block's section worked out again.
    Parent indices are renumbered to the new block list."""
    levels = _heading_levels(pieces)
    real = {plain_text(p.block.inlines) for p in pieces if p.block.kind is BlockKind.HEADING}
    new_index: dict[int, int] = {}
    stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    for i, piece in enumerate(pieces):
        block = piece.block
        new_index.setdefault(piece.old, len(blocks))
        section = tuple(t for _, t in stack)
        if i in levels:
            title = plain_text(block.inlines).rstrip(":").strip()
            while stack and stack[-1][0] >= levels[i]:
                stack.pop()
            blocks.append(replace(block, kind=BlockKind.HEADING, level=levels[i],
                                  section=tuple(t for _, t in stack)))
            stack.append((levels[i], title))
            continue
        parent = new_index.get(block.parent) if block.parent is not None else None
        callouts = tuple(t for t in block.section if t not in real)  # callout titles stay
        blocks.append(replace(block, section=section + callouts, parent=parent))
    return tuple(blocks)


def _heading_levels(pieces: list[_Piece]) -> dict[int, int]:
    """Levels for headings, real and bare. A run of bare headings nests (section, then
    subsection); a lone one is a sibling of the heading before it, except that after a
    "Label:" heading a plain one goes back to the last plain heading's level."""
    levels: dict[int, int] = {}
    base = 2
    previous: tuple[int, bool] | None = None  # (level, was a label)
    last_plain: int | None = None
    for i, piece in enumerate(pieces):
        block = piece.block
        if block.kind is BlockKind.HEADING:
            levels[i] = block.level
            base, previous, last_plain = block.level + 1, None, None
            continue
        if not piece.bare:
            continue
        label = plain_text(block.inlines).endswith(":")
        if i > 0 and pieces[i - 1].bare and previous is not None:  # a run: nest
            level = previous[0] + 1
        elif i + 1 < len(pieces) and pieces[i + 1].bare and not label:  # a run starts on top
            level = base
        elif label:
            level = last_plain + 1 if last_plain is not None else base
        elif previous is not None and previous[1] and last_plain is not None:
            level = last_plain
        else:
            level = previous[0] if previous is not None else base
        levels[i] = level
        previous = (level, label)
        if not label:
            last_plain = level
    return levels
