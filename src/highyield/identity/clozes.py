"""Cloze deletions in text: the one pattern for ``{{cN::``, each deletion's number and
answer, renumbering, and a text's shape without its numbers. Used on canonical card text
and on the rendered Text field alike."""

from __future__ import annotations

import re

from highyield.model import Cloze, Inlines, Styled

CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")


def shape(text: str) -> str:
    """The text without cloze numbers: the same words, whatever the numbering."""
    return CLOZE_OPEN.sub("{{c::", text)


def deletions(text: str) -> list[tuple[int, str]]:
    """(number, answer) of each ``{{cN::answer}}`` in a canonical text, in order."""
    found: list[tuple[int, str]] = []
    for m in CLOZE_OPEN.finditer(text):
        depth, at = 1, m.end()
        while depth and at < len(text):
            if text.startswith("{{", at):
                depth, at = depth + 1, at + 2
            elif text.startswith("}}", at):
                depth, at = depth - 1, at + 2
            else:
                at += 1
        found.append((int(m.group(1)), text[m.end():at - 2 if not depth else at]))
    return found


def renumber_text(text: str, numbers: dict[int, int]) -> str:
    if not numbers:
        return text
    return CLOZE_OPEN.sub(lambda m: f"{{{{c{numbers.get(int(m.group(1)), int(m.group(1)))}::",
                       text)


def renumber(inlines: Inlines, numbers: dict[int, int]) -> Inlines:
    """The same nodes with cloze numbers changed."""
    out = []
    for node in inlines:
        if isinstance(node, Cloze):
            node = Cloze(numbers.get(node.number, node.number),
                         renumber(node.children, numbers), node.hint)
        elif isinstance(node, Styled):
            node = Styled(node.tag, renumber(node.children, numbers))
        out.append(node)
    return tuple(out)
