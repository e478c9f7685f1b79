"""Bold lines read as headings, in notes pasted from Word or Notion.

Such notes mark their sections with a line that is only bold text (``**Marfan
syndrome**``, ``__Treatment__:``, ``<b>Genetics</b>``) instead of a ``#`` heading. When a
note has fewer real headings than bold lines (a level-1 heading at the very top, the
usual title, does not count), each bold line is a heading one level below the last real
heading above it, so the cards under it name it in their context.

A bold line that holds a highlight, a cloze, an image or ``::`` stays a statement: it
makes a card. So does one of more than ``MAX_WORDS`` words or one that ends in a full
stop: that is an emphasised sentence, not a title. Clippings (auto cards) have their own
layout step, ``extract.auto.layout``, and never come here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from highyield.extract.statements import split_lines, trim
from highyield.model import (
    Block,
    BlockKind,
    Break,
    Cloze,
    Embed,
    Highlight,
    Inline,
    Inlines,
    Note,
    Styled,
    Text,
    plain_text,
)

MAX_WORDS = 12


def bold_headings(note: Note) -> Note:
    """The note with its bold lines made headings, when it has few real headings."""
    bold = sum(1 for b in note.blocks if _top_paragraph(b)
               for _, part in split_lines(b.inlines, b.line) if bold_title(part))
    if not bold or _real_headings(note) >= bold:
        return note
    return replace(note, blocks=_with_sections(_split(note)))


def _real_headings(note: Note) -> int:
    count = sum(1 for b in note.blocks if b.kind is BlockKind.HEADING)
    first = note.blocks[0] if note.blocks else None
    if first is not None and first.kind is BlockKind.HEADING and first.level == 1:
        count -= 1
    return count


def _top_paragraph(block: Block) -> bool:
    return block.kind is BlockKind.PARAGRAPH and block.parent is None


def bold_title(inlines: Inlines) -> str:
    """The title of a line that is only bold text (a colon may follow), else "". A line
    of several bold runs (``**Carpal tunnel** **pain at night**``, as Word writes a title
    and its gist) is titled by its first."""
    nodes = [n for n in trim(inlines) if not (isinstance(n, Text) and not n.text.strip())]
    if len(nodes) > 1 and isinstance(nodes[-1], Text) and nodes[-1].text.strip() == ":":
        nodes.pop()
    if not nodes or not all(isinstance(n, Styled) and n.tag == "b" and
                            _only_words(n.children) for n in nodes):
        return ""
    first = nodes[0]
    assert isinstance(first, Styled)
    title = plain_text(first.children).rstrip(":").strip()
    if not title or "::" in title or title.endswith(".") or len(title.split()) > MAX_WORDS:
        return ""
    return title


def _only_words(inlines: Inlines) -> bool:
    for node in inlines:
        if isinstance(node, (Highlight, Cloze, Embed, Break)):
            return False
        if isinstance(node, Styled) and not _only_words(node.children):
            return False
    return True


@dataclass(frozen=True)
class _Piece:
    block: Block
    old: int  # the index of the block it came from
    title: str = ""  # a bold line's title


def _split(note: Note) -> list[_Piece]:
    """Each top-level paragraph cut at its bold lines: the bold lines become pieces of
    their own, and the lines between them stay paragraphs."""
    pieces: list[_Piece] = []
    for index, block in enumerate(note.blocks):
        if not _top_paragraph(block):
            pieces.append(_Piece(block, index))
            continue
        run: list[tuple[int, Inlines]] = []
        for line, part in split_lines(block.inlines, block.line):
            title = bold_title(part)
            if not title:
                run.append((line, part))
                continue
            _add_run(pieces, replace(block, end_line=line - 1, anchor=""), index, run)
            run = []
            pieces.append(_Piece(replace(block, kind=BlockKind.HEADING, line=line,
                                         end_line=line, inlines=trim(part), anchor=""),
                                 index, title))
        _add_run(pieces, block, index, run)
    return pieces


def _add_run(pieces: list[_Piece], block: Block, index: int,
             run: list[tuple[int, Inlines]]) -> None:
    """The lines of a paragraph between bold lines, as a paragraph of their own (its
    block id, if any, stays with the paragraph's last piece)."""
    if not any(plain_text(part) or any(isinstance(n, Embed) for n in part)
               for _, part in run):
        return
    nodes: list[Inline] = list(run[0][1])
    for line, part in run[1:]:
        nodes.append(Break(line))
        nodes.extend(part)
    pieces.append(_Piece(replace(block, line=run[0][0], inlines=tuple(nodes)), index))


@dataclass(frozen=True)
class _Open:
    title: str
    level: int
    section: tuple[str, ...]  # the section the bold heading sits in


def _with_sections(pieces: list[_Piece]) -> tuple[Block, ...]:
    """Every block's section with the bold heading above it, and list parents renumbered
    to the new block list."""
    new_index: dict[int, int] = {}
    blocks: list[Block] = []
    real_level = 0
    bold: _Open | None = None
    for piece in pieces:
        block = piece.block
        new_index.setdefault(piece.old, len(blocks))
        parent = new_index.get(block.parent) if block.parent is not None else None
        block = replace(block, parent=parent)
        if bold is not None and (block.section[:len(bold.section)] != bold.section or (
                block.kind is BlockKind.HEADING and not piece.title
                and block.level <= bold.level)):
            bold = None
        if piece.title:
            bold = _Open(piece.title, real_level + 1, block.section)
            blocks.append(replace(block, level=bold.level))
            continue
        if block.kind is BlockKind.HEADING:
            real_level = block.level
        if bold is not None:
            cut = len(bold.section)
            block = replace(block, section=(*bold.section, bold.title, *block.section[cut:]))
        blocks.append(block)
    return tuple(blocks)
