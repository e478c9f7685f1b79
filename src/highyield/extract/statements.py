"""Statements: the units a card is made from. A list item, a table row, or one sentence
(or line) of a paragraph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax
from highyield.model import (
    Block,
    BlockKind,
    Break,
    Embed,
    Highlight,
    Inline,
    Inlines,
    Note,
    Styled,
    Text,
    plain_text,
)

# Words that end in a full stop without ending the sentence.
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "vs", "etc", "dr", "mr", "mrs", "ms", "prof", "approx", "fig", "figs",
    "al", "no", "nos", "st", "jr", "sr", "cf", "resp", "incl", "ca", "ref", "refs", "vol",
    "ed", "eds", "p", "pp", "min", "max", "sec", "mg", "dl", "u.s", "a.m", "p.m",
})
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# "::" or ":::", but not the tail of a cloze opener left unclosed ("{{c1::").
_SEPARATOR = re.compile(r"(?<!\{\{c\d)(?<!\{\{c\d\d)(?<!\{\{c\d\d\d)(?<!:):::?(?!:)")
LOOK_AROUND = 200  # how far a separator's surroundings are examined
# A ratio written with a colon on each side, "LH:FSH::2:1", "Na:glucose::1:1".
_RATIO_BEFORE = re.compile(r"[^:]+:[^:]+")  # the word before, in full
_RATIO_AFTER = re.compile(r"\d+(?:\.\d+)?:\d+(?:\.\d+)?(?![\w:])")
# A gene fusion: two gene symbols joined by "::" with no space, "BCR::ABL1", "EWSR1::FLI1".
_GENE_BEFORE = re.compile(r"(?<![\w:-])[A-Z][A-Z0-9-]{1,11}$")
_GENE_AFTER = re.compile(r"[A-Z][A-Z0-9-]{1,11}(?!\w)")
_LEADING_SPACE = re.compile(r"\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@dataclass(frozen=True)
class Statement:
    inlines: Inlines
    line: int
    block: int  # index in Note.blocks
    position: int  # the sentence's index within its block


# What a plugin writes into notes, never a fact: Excalidraw's "Switch to EXCALIDRAW VIEW
# in the MORE OPTIONS menu of this document", which comes along when a drawing is embedded
# in a note or published with it; and the label Zotero Integration writes above each
# annotation, highlighted in the annotation's colour (`<mark …>Quote</mark>`).
_PLUGIN_NOTICE = re.compile(r"Switch to EXCALIDRAW VIEW\b", re.IGNORECASE)
ZOTERO_LABELS = frozenset({"quote", "highlight", "underline", "note", "comment", "image",
                           "ink", "text"})


def plugin_notice(inlines: Inlines) -> bool:
    """A plugin's notice or label, which no card may be made of."""
    if _PLUGIN_NOTICE.search(plain_text(inlines)) is not None:
        return True
    shown = [n for n in inlines if not (isinstance(n, Text) and not n.text.strip())]
    return len(shown) == 1 and isinstance(shown[0], Highlight) and \
        plain_text(shown[0].children).lower() in ZOTERO_LABELS


def statements(note: Note, syntax: CardSyntax = DEFAULT_SYNTAX) -> Iterator[Statement]:
    for index, block in enumerate(note.blocks):
        if block.kind in (BlockKind.LIST_ITEM, BlockKind.CLOZE_NOTE):
            yield Statement(trim(block.inlines), block.line, index, 0)
        elif block.kind is BlockKind.TABLE_ROW:
            yield Statement(table_row(block), block.line, index, 0)
        elif block.kind is BlockKind.PARAGRAPH:
            for position, (line, inlines) in enumerate(
                    sentences(block.inlines, block.line, syntax)):
                yield Statement(inlines, line, index, position)


def table_row(block: Block) -> Inlines:
    """A row reads as "Header: cell · Header: cell", so each cell keeps its meaning."""
    parts: list[Inline] = []
    for i, cell in enumerate(block.cells):
        if not plain_text(cell) and not any(isinstance(n, Embed) for n in cell):
            continue
        if parts:
            parts.append(Text(" · "))
        header = block.headers[i] if i < len(block.headers) else ()
        if plain_text(header):
            parts.extend((Styled("b", header), Text(": ")))
        parts.extend(cell)
    return tuple(parts)


def separators(syntax: CardSyntax) -> re.Pattern[str] | None:
    """The pattern of a ``Front::Back`` line's separators (the reversed one first, as the
    longer), or None when both are turned off."""
    if syntax.inline == "::" and syntax.inline_reversed == ":::":
        return _SEPARATOR
    written = sorted({syntax.inline, syntax.inline_reversed} - {""}, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in written)) if written else None


def find_pair(text: str, syntax: CardSyntax = DEFAULT_SYNTAX) -> re.Match[str] | None:
    """The first ``::`` (or ``:::``) that separates a front from a back. Not one between
    digits (a ratio, 2::1), in a ratio of named parts (``LH:FSH::2:1``), between gene
    symbols (``BCR::ABL1``), inside a URL, inside a Dataview field ``[key:: value]``, or
    in a cloze opener Anki would not read (``{{c0::``, ``{{c1000::``)."""
    pattern = separators(syntax)
    if pattern is None:
        return None
    for m in pattern.finditer(text):
        start, end = m.start(), m.end()
        if start and end < len(text) and text[start - 1].isdigit() and text[end].isdigit():
            continue
        token = text[max(0, start - LOOK_AROUND):start].rsplit(None, 1)[-1:] or [""]
        if "://" in token[0] or _in_field(text, start) or _joins(token[0], text, end) or \
                _ends_cloze_opener(text, start):
            continue
        return m
    return None


def _ends_cloze_opener(text: str, at: int) -> bool:
    """Does ``{{c`` and a number (``{{c0``, ``{{c-1``, ``{{c1000``) end just before ``at``?"""
    digits = at
    while digits and text[digits - 1].isdigit():
        digits -= 1
    start = digits - (digits and text[digits - 1] == "-")
    return digits < at and start >= 3 and text.startswith("{{c", start - 3)


def _joins(word: str, text: str, end: int) -> bool:
    """Is the ``::`` after ``word`` (the text since the last space) part of a ratio
    (``LH:FSH::2:1``) or a gene fusion (``BCR::ABL1``)?"""
    if _RATIO_BEFORE.fullmatch(word) and _RATIO_AFTER.match(text, end):
        return True
    return bool(_GENE_BEFORE.search(word[-14:]) and _GENE_AFTER.match(text, end))


def _in_field(text: str, at: int) -> bool:
    window = text[max(0, at - LOOK_AROUND):at]
    opened = max(window.rfind("["), window.rfind("("))
    if opened == -1 or "]" in window[opened:] or ")" in window[opened:]:
        return False
    after = text[at:at + LOOK_AROUND]
    return "]" in after or ")" in after


def split_lines(inlines: Inlines, first_line: int) -> list[tuple[int, Inlines]]:
    """A paragraph's lines, with the line each starts on, as written (untrimmed)."""
    result: list[tuple[int, Inlines]] = []
    current: list[Inline] = []
    line = first_line
    for node in inlines:
        if isinstance(node, Break):
            result.append((line, tuple(current)))
            current, line = [], node.line
        else:
            current.append(node)
    result.append((line, tuple(current)))
    return result


def lines_of(inlines: Inlines, first_line: int) -> list[tuple[int, Inlines]]:
    """Split at line breaks: Obsidian shows each line of a paragraph on its own line."""
    return [(n, trim(part)) for n, part in split_lines(inlines, first_line)
            if _has_content(part)]


def sentences(inlines: Inlines, first_line: int, syntax: CardSyntax = DEFAULT_SYNTAX
              ) -> list[tuple[int, Inlines]]:
    """Split a paragraph into sentences: at line breaks, then after . ! ? in plain text.
    Markup (a highlight, a cloze, math) is never split."""
    result: list[tuple[int, Inlines]] = []
    for line, part in lines_of(inlines, first_line):
        if any(isinstance(n, Text) and find_pair(n.text, syntax) for n in part):
            result.append((line, part))  # a Front::Back line is one card, never split
            continue
        current: list[Inline] = []
        for node in part:
            if not isinstance(node, Text):
                current.append(node)
                continue
            pieces = split_text(node.text, _ends_sentence(current))
            for piece in pieces[:-1]:
                current.append(Text(piece))
                result.append((line, tuple(current)))
                current = []
            current.append(Text(pieces[-1]))
        result.append((line, tuple(current)))
    return [(n, trim(s)) for n, s in result if _has_content(s)]


def _ends_sentence(current: list[Inline]) -> bool:
    """Does the markup just before a text node end with . ! or ? (so a sentence may
    begin right at that text)?"""
    if not current or isinstance(current[-1], Text):
        return False
    return plain_text((current[-1],)).endswith((".", "!", "?"))


def split_text(text: str, after_stop: bool = False) -> list[str]:
    """Split text at sentence ends. ``after_stop`` says the markup just before the text
    ended with a full stop, so a sentence may start at the text's beginning."""
    pieces: list[str] = []
    start = 0
    if after_stop and (lead := _LEADING_SPACE.match(text)):
        pieces.append("")
        start = lead.end()
    for m in _BOUNDARY.finditer(text):
        word = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        before = word.group(1).lower().rstrip(".") if word else ""
        if before in ABBREVIATIONS or (word and _is_initial(text, word)):
            continue
        pieces.append(text[start:m.end()])
        start = m.end()
    pieces.append(text[start:])
    return pieces


def _is_initial(text: str, word: re.Match[str]) -> bool:
    """A single letter before a full stop is a name's initial ("John F. Kennedy",
    "J. Smith"), not the end of "… protein S." or "… factors IX and X."."""
    letter = word.group(1)
    if len(letter) != 1 or not letter.isalpha():
        return False
    previous = text[max(0, word.start(1) - 40):word.start(1)].split()
    return not previous or previous[-1][:1].isupper()


def trim(inlines: Inlines) -> Inlines:
    """Strip white space at both ends of a statement."""
    nodes = list(inlines)
    while nodes and isinstance(nodes[0], Text) and not nodes[0].text.strip():
        nodes.pop(0)
    while nodes and isinstance(nodes[-1], Text) and not nodes[-1].text.strip():
        nodes.pop()
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].text.lstrip())
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text.rstrip())
    return tuple(nodes)


def _has_content(inlines: Inlines) -> bool:
    return bool(plain_text(inlines)) or any(isinstance(n, Embed) for n in inlines)


def only_images(inlines: Inlines) -> bool:
    """True for a statement that is nothing but embeds: a figure, not a fact."""
    embeds = [n for n in inlines if isinstance(n, Embed)]
    return bool(embeds) and not plain_text(tuple(n for n in inlines if not isinstance(n, Embed)))
