"""The parser's output list: placeholders for open constructs, and the final clean-up."""

from __future__ import annotations

from dataclasses import dataclass

from highyield.model import Break, Inline, Inlines, Text, plain_text


class Slot:
    """A placeholder in the output for an opener or a hint separator."""


@dataclass(frozen=True)
class TagMark:
    name: str


@dataclass(frozen=True)
class ParaMark:
    """Where an HTML paragraph (``<p>``) opened or closed: a line break once the clean-up
    knows there is text on both sides of it. A ``space`` mark (a table cell read as text)
    becomes one space instead."""

    line: int
    space: bool = False


Output = list[Inline | Slot | TagMark | ParaMark]


def plain(nodes: Output) -> str:
    return plain_text(finish(nodes))


def finish(nodes: Output) -> Inlines:
    """Drop placeholders, turn tag marks into text, paragraph marks between text into
    line breaks, and merge neighbouring text nodes."""
    result: list[Inline] = []
    pending: list[str] = []
    para: ParaMark | None = None  # a paragraph mark waiting for text after it
    seen = False  # any visible node yet
    for node in nodes:
        if isinstance(node, Slot):
            continue
        if isinstance(node, ParaMark):
            para = node if seen and (para is None or para.space) else para
            continue
        if isinstance(node, TagMark):
            node = Text(node.name)
        if isinstance(node, Text):
            if para is not None and node.text.strip():
                if not (para.space and node.text[0].isspace()):
                    _break(result, pending, para)
                para = None
            seen = seen or bool(node.text.strip())
            pending.append(node.text)
            continue
        if para is not None and not isinstance(node, Break):
            _break(result, pending, para)
        para = None
        seen = seen or not isinstance(node, Break)
        if pending:
            result.append(Text("".join(pending)))
            pending = []
        result.append(node)
    if pending:
        result.append(Text("".join(pending)))
    return tuple(n for n in result if not (isinstance(n, Text) and not n.text))


def _break(result: list[Inline], pending: list[str], para: ParaMark) -> None:
    """A line break (or a space) before the text to come, unless one is there already."""
    if para.space:
        if not _last_character(result, pending).isspace():
            pending.append(" ")
        return
    text = "".join(pending)
    pending.clear()
    if text.strip():
        result.append(Text(text.rstrip()))
    if result and not isinstance(result[-1], Break):
        result.append(Break(para.line))


def _last_character(result: list[Inline], pending: list[str]) -> str:
    for text in reversed(pending):
        if text:
            return text[-1]
    last = result[-1] if result else None
    if isinstance(last, Text):
        return last.text[-1:]
    return "\n" if isinstance(last, Break) else "x"


def strip_edge_tags(nodes: Output) -> None:
    """Tags that start or end a line are metadata, not words: take them out of the text.
    A tag in the middle of a sentence stays, as its word."""
    strip_tags(nodes, range(len(nodes)))
    strip_tags(nodes, range(len(nodes) - 1, -1, -1))


def strip_tags(nodes: Output, order: range) -> None:
    at_edge = True
    empty = Text("")
    for i in order:
        node = nodes[i]
        kind = type(node)
        if kind is Break or kind is ParaMark:
            at_edge = True
        elif kind is TagMark:
            if at_edge:
                nodes[i] = empty
        elif kind is Text:
            if node.text.strip():  # type: ignore[union-attr]
                at_edge = False
        elif kind is not Slot:
            at_edge = False
