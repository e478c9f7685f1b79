"""Highlights and explicit clozes become cloze deletions.

A highlight that covers a whole statement leaves nothing to read on the front. When the
statement has a natural cue ("Label: …", "X due to Y", "X such as Y"), only the part after
or before the cue is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from highyield.config import HighlightRules
from highyield.errors import Diagnostic, escaped, warning
from highyield.extract import citations
from highyield.model import Cloze, Highlight, Inline, Inlines, Styled, Text, plain_text
from highyield.parse.inline import MAX_CLOZE_NUMBER, cloze_number

MAX_LABEL_WORDS = 8
MAX_HIDDEN_WORDS = 14
# (marker, which side is hidden), most specific first.
CLAUSE_MARKERS = (
    (" such as ", "after"), (" due to ", "before"), (" caused by ", "before"),
    (" secondary to ", "before"), (" because of ", "before"), (", ", "before"),
)
# A list after the comma ("X, Y, and Z", "X, Y and Z"): the comma starts no clause.
_SERIES = re.compile(r",\s*[^,]{1,40},\s*(?:and|or)\s|,\s*\w+(?:[\s-]\w+)?\s(?:and|or)\s")
_LABEL = re.compile(r"^([^:]{1,80}?):\s+(?=\S)")


MAX_NUMBER = MAX_CLOZE_NUMBER
_WRITTEN = re.compile(r"\{\{c(-?\d+)::")
OVER_HINT = (f"number the deletions from c1 to c{MAX_NUMBER} (each number is a card; Anki "
             "makes none past it); split a longer list into several items")


def over_limit(display: str, line: int, inlines: Inlines) -> Diagnostic | None:
    """A warning for the cloze numbers outside c1 to c500 (``c0``, ``c-1``, ``c501``):
    parse.inline leaves them as text, so the card shows them as written."""
    over = list(_over(inlines))
    if not over:
        return None
    first = f"{{{{c{escaped(over[0][:12])}::…}}}}"
    if len(over) == 1:
        return warning(display, line, f"a cloze number outside c1 to c{MAX_NUMBER} is left "
                       f"out: {first} is shown as written, not hidden", OVER_HINT)
    return warning(display, line, f"cloze numbers outside c1 to c{MAX_NUMBER} are left "
                   f"out: {first} and {len(over) - 1:,} more are shown as written, not "
                   "hidden", OVER_HINT)


def _over(nodes: Inlines) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Text):
            yield from (n for n in _WRITTEN.findall(node.text) if cloze_number(n) is None)
        elif isinstance(node, (Highlight, Cloze, Styled)):
            yield from _over(node.children)


def nothing_hidden(display: str, line: int, empty: int) -> Diagnostic:
    """The warning for highlights with no text in them: they hide nothing."""
    what = "a highlight has" if empty == 1 else f"{empty:,} highlights have"
    return warning(display, line, f"{what} nothing to hide (HTML other than formatting is "
                   "left out, and an image cannot be hidden): no deletion made",
                   "write the fact as text between == and ==")


def too_many(display: str, line: int, left_out: int) -> Diagnostic:
    """The warning for highlights that would be numbered past c500: they stay text."""
    return warning(display, line, f"{left_out:,} highlights past the {MAX_NUMBER}th "
                   "deletion of one statement are left as text, not hidden", OVER_HINT)


_CURLY = re.compile(r"\{\{(?!c\d{1,3}::)(?:\d{1,3};;)?([^{}\n]+?)(?:;;[^{}\n]*)?\}\}")


def plugin_marks(inlines: Inlines, bold: bool, curly: bool) -> Inlines:
    """What obsidian-spaced-repetition turns into deletions besides highlights, as
    highlights: ``**bold**`` and ``{{text}}`` (``{{1;;text;;hint}}`` keeps the text)."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Styled) and node.tag == "b" and bold:
            out.append(Highlight(node.children, "equals"))
        elif isinstance(node, Styled):
            out.append(Styled(node.tag, plugin_marks(node.children, bold, curly)))
        elif isinstance(node, Text) and curly and "{{" in node.text:
            out.extend(_curly(node.text))
        else:
            out.append(node)
    return tuple(out)


def _curly(text: str) -> list[Inline]:
    out: list[Inline] = []
    start = 0
    for m in _CURLY.finditer(text):
        if m.group(1).strip():
            out.extend((Text(text[start:m.start()]), Highlight((Text(m.group(1)),), "equals")))
            start = m.end()
    out.append(Text(text[start:]))
    return [n for n in out if not isinstance(n, Text) or n.text]


@dataclass
class _Numbers:
    """The next cloze number for a highlight, up to ``MAX_NUMBER``; past it, counted."""

    next: int
    left_out: int = 0
    empty: int = 0  # highlights with no text in them (HTML only, an image only)

    def take(self) -> int | None:
        if self.next > MAX_NUMBER:
            self.left_out += 1
            return None
        self.next += 1
        return self.next - 1


class Made(NamedTuple):
    front: Inlines
    left_out: int  # highlights that stayed text because they would pass c500
    empty: int  # highlights with nothing to hide


def make_clozes(inlines: Inlines, rules: HighlightRules) -> Made:
    """Turn counted highlights into ``Cloze`` nodes numbered after any explicit ones."""
    numbers = _Numbers(max((c.number for c in iter_clozes(inlines)), default=0) + 1)
    return Made(_convert(inlines, rules, numbers), numbers.left_out, numbers.empty)


def _convert(nodes: Inlines, rules: HighlightRules, numbers: _Numbers) -> Inlines:
    out: list[Inline] = []
    for i, node in enumerate(nodes):
        if isinstance(node, Text) and i and _ends_in_highlight(nodes[i - 1]):
            out.append(Text(citations.strip_leading(node.text)))
        elif isinstance(node, Highlight):
            out.extend(_highlight(node, rules, numbers))
        elif isinstance(node, Cloze):
            out.append(Cloze(node.number, unwrap(node.children), node.hint))
        elif isinstance(node, Styled):
            out.append(Styled(node.tag, _convert(node.children, rules, numbers)))
        else:
            out.append(node)
    return tuple(out)


def _highlight(node: Highlight, rules: HighlightRules, numbers: _Numbers) -> Inlines:
    children = unwrap(node.children)
    counted = rules.counts(node.syntax, node.color)
    if not (counted and plain_text(children)) or has_clozes(node.children):
        numbers.empty += counted and not plain_text(children)
        return _convert(node.children, rules, numbers)
    number = numbers.take()
    return children if number is None else _spaces_outside(Cloze(number, children))


def _ends_in_highlight(node: Inline) -> bool:
    """Is ``node`` a highlight, or bold or italic text ending in one? A citation marker
    right after it is dropped."""
    while isinstance(node, Styled) and node.children:
        node = node.children[-1]
    return isinstance(node, Highlight)


def _spaces_outside(cloze: Cloze) -> Inlines:
    """``as== recurrent episodes==`` and ``==EBV ==``: the spaces at the edges of a
    highlight are not hidden."""
    children = list(cloze.children)
    lead = trail = ""
    if isinstance(children[0], Text):
        text = children[0].text
        lead, children[0] = text[:len(text) - len(text.lstrip())], Text(text.lstrip())
    if isinstance(children[-1], Text):
        text = children[-1].text
        trail, children[-1] = text[len(text.rstrip()):], Text(text.rstrip())
    kept = _merge(children)
    if not kept:
        return (cloze,)
    return _merge([Text(lead), Cloze(cloze.number, kept, cloze.hint), Text(trail)])


def unwrap(nodes: Inlines) -> Inlines:
    """Highlights inside a deletion, or on a card that is not a cloze, are plain text."""
    return _dissolve(nodes, clozes_too=False)


def plain_unwrap(nodes: Inlines) -> Inlines:
    """Context shown around a card: no highlights and no deletions."""
    return _dissolve(nodes, clozes_too=True)


def _dissolve(nodes: Inlines, clozes_too: bool) -> Inlines:
    """Replace highlights (and deletions, if asked) by their content, at every depth."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Highlight) or (clozes_too and isinstance(node, Cloze)):
            out.extend(_dissolve(node.children, clozes_too))
        elif isinstance(node, Styled):
            out.append(Styled(node.tag, _dissolve(node.children, clozes_too)))
        elif isinstance(node, Cloze):
            out.append(Cloze(node.number, _dissolve(node.children, clozes_too), node.hint))
        else:
            out.append(node)
    return _merge(out)


def iter_clozes(nodes: Inlines) -> Iterator[Cloze]:
    for node in nodes:
        if isinstance(node, Cloze):
            yield node
        if isinstance(node, (Highlight, Cloze, Styled)):
            yield from iter_clozes(node.children)


def has_highlights(nodes: Inlines) -> bool:
    return any(isinstance(n, Highlight) or (isinstance(n, (Cloze, Styled)) and
                                            has_highlights(n.children)) for n in nodes)


def has_clozes(nodes: Inlines) -> bool:
    return next(iter_clozes(nodes), None) is not None


def visible(nodes: Inlines) -> str:
    """The text a reader sees on the front: everything but the deletions."""
    return plain_text(tuple(_hide(nodes)))


def _hide(nodes: Inlines) -> Iterator[Inline]:
    for node in nodes:
        if isinstance(node, Cloze):
            continue
        if isinstance(node, (Highlight, Styled)):
            yield from _hide(node.children)
        else:
            yield node


def is_bare(front: Inlines) -> bool:
    """A front with no words outside its deletions cannot be answered without context."""
    return not re.search(r"[^\W_]{2,}", visible(front))


def narrow(front: Inlines) -> Inlines | None:
    """Hide only the answer part of a statement that is one whole-statement deletion.
    Text beside it with no letter or digit (an emoji such as 🚩, an arrow) is kept as
    written; blank text is dropped."""
    at = [i for i, n in enumerate(front) if not _symbols_only(n)]
    cloze = front[at[0]] if len(at) == 1 else None
    if not isinstance(cloze, Cloze) or cloze.hint:
        return None
    narrowed = _label_split(cloze) or _clause_split(cloze)
    if narrowed is None:
        return None
    before, after = front[:at[0]], front[at[0] + 1:]
    merged = list(_merge([*(before if plain_text(before) else ()), *narrowed,
                          *(after if plain_text(after) else ())]))
    if merged and isinstance(merged[-1], Text):
        merged[-1] = Text(merged[-1].text.rstrip())
    return tuple(merged)


def _symbols_only(node: Inline) -> bool:
    """Text that shows no word: blank, or only emoji, arrows and punctuation."""
    return isinstance(node, Text) and not re.search(r"[^\W_]", node.text)


def _label_split(cloze: Cloze) -> Inlines | None:
    first = cloze.children[0] if cloze.children else None
    if not isinstance(first, Text):
        return None
    m = _LABEL.match(first.text)
    if m is None or len(m.group(1).split()) > MAX_LABEL_WORDS:
        return None
    rest = (Text(first.text[m.end():]), *cloze.children[1:])
    if not plain_text(rest):
        return None
    return (Text(m.group(0).rstrip() + " "), *_hidden(cloze.number, rest))


def _clause_split(cloze: Cloze) -> Inlines | None:
    for marker, side in CLAUSE_MARKERS:
        for i, child in enumerate(cloze.children):
            if not isinstance(child, Text) or marker not in child.text:
                continue
            at = child.text.index(marker)
            if marker == ", " and _SERIES.search(child.text, at):
                continue  # "nephrotoxicity, ototoxicity, and neuromuscular blockade": a list
            before = (*cloze.children[:i], Text(child.text[:at]))
            after = (Text(child.text[at + len(marker):]), *cloze.children[i + 1:])
            hidden = before if side == "before" else after
            if _words(before) < 2 or _words(after) < 2 or _words(hidden) > MAX_HIDDEN_WORDS:
                continue
            if side == "before":
                return (*_hidden(cloze.number, before), Text(marker), *after)
            return (*before, Text(marker), *_hidden(cloze.number, after))
    return None


def _hidden(number: int, nodes: Inlines) -> Inlines:
    """The deletion, with trailing punctuation and space left outside it."""
    parts = list(nodes)
    tail = ""
    if parts and isinstance(parts[-1], Text):
        text = parts[-1].text.rstrip()
        stripped = text.rstrip(".;,")
        tail = text[len(stripped):]
        parts[-1] = Text(stripped)
    parts = list(_merge(parts))
    if parts and isinstance(parts[0], Text):
        parts[0] = Text(parts[0].text.lstrip())
    result: list[Inline] = [Cloze(number, tuple(parts))]
    if tail:
        result.append(Text(tail))
    return tuple(result)


def _words(nodes: Inlines) -> int:
    return len(plain_text(nodes).split())


def _merge(nodes: list[Inline]) -> Inlines:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            out.append(node)
    return tuple(out)
