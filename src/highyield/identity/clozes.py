"""Cloze deletions in text: the one pattern for ``{{cN::``, each deletion's number and
answer, renumbering, and a text's shape without its numbers. Used on canonical card text
and on the rendered Text field alike."""

from __future__ import annotations

import re

from highyield.model import Cloze, Inlines, Styled

CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
MAX_NESTING = 32  # as deep as parse.inline nests markup; a deeper opener is text
# an opener, a brace pair that nests (one starting an opener one character on is left to
# the opener, as CLOZE_OPEN finds it), or a closer
_BRACES = re.compile(r"\{\{c(\d+)::|\{\{(?!\{c\d+::)|\}\}")


def shape(text: str) -> str:
    """The text without cloze numbers: the same words, whatever the numbering."""
    return CLOZE_OPEN.sub("{{c::", text)


def deletions(text: str) -> list[tuple[int, str]]:
    """(number, answer) of each ``{{cN::answer}}`` in a canonical text, in order. Every
    ``{{`` nests and every ``}}`` closes the innermost; an unclosed deletion runs to the end.
    One pass over the text: a deletion nested deeper than ``MAX_NESTING`` is text, as the
    parser keeps it, so no character is in more than that many answers."""
    found: list[tuple[int, int, int]] = []  # number, start of answer, end of answer
    stack: list[int] = []  # per open ``{{``: its index in ``found``, or -1 for a brace
    openers = 0  # deletions on the stack
    for m in _BRACES.finditer(text):
        if m.group(1) is not None and openers < MAX_NESTING:
            stack.append(len(found))
            found.append((int(m.group(1)), m.end(), len(text)))
            openers += 1
        elif m.group() != "}}":
            stack.append(-1)
        elif stack and (index := stack.pop()) >= 0:
            found[index] = (found[index][0], found[index][1], m.start())
            openers -= 1
    return [(number, text[start:end]) for number, start, end in found]


def top_number(text: str) -> int:
    """The highest number of a deletion in a canonical text (0 for none), as
    ``deletions`` reads them: with no more openers than can nest, each one is a deletion."""
    if text.count("{{c") <= MAX_NESTING:
        return max(map(int, CLOZE_OPEN.findall(text)), default=0)
    return max((number for number, _ in deletions(text)), default=0)


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
