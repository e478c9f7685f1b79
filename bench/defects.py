"""Defects a student would notice on cards as Anki renders them (bench/realvaults.py).

Each detector reads `RenderedCard`s from `tests/anki_client.py` and names the Anki notes
(by guid) that show the defect. The kinds are described in realvaults.py's docstring.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from tests.anki_client import RenderedCard, visible

from highyield.model import CONTEXT_SEPARATOR

KINDS = ("markdown", "empty side", "all hidden", "repeated front", "dataview key")
REPEATED_FRONT = 5  # notes with the same front
DATAVIEW_NOTES = 3  # notes whose basic cards have the same one- or two-word front (and
#                    different backs: a copied note is no field)
EXCERPT = 50  # characters shown on either side of a match

_CONTEXT = re.compile(r'<div class="hy-context">.*?</div>', re.DOTALL)
_SOURCE = re.compile(r'<div class="hy-source">.*?</div>', re.DOTALL)
_CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.DOTALL)
_ANSWER = '<hr id="answer">'
_ACTIVE = re.compile(r'<span class="cloze"[^>]*>')
_SPAN = re.compile(r"<span\b[^>]*>|</span>")
_LINE_BREAK = re.compile(r"<br\s*/?>|</?(?:div|ul|ol|li|hr|p|table|tr)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_MARKDOWN = re.compile(
    r"==|\*\*|\[\[|\]\]|\{\{c\d+::|<!--|%%"
    r"|\[![A-Za-z][\w-]*\][+-]?"  # a callout's marker
    # `::` left of a card or field, but not a ratio (`LH:FSH::2:1`, `Na:glucose::1:1`) or
    # a gene fusion (`BCR::ABL1`)
    r"|(?<![A-Z0-9])::(?!\d)|::(?![A-Z0-9])")
_KEY = re.compile(r"[^\W\d][\w'’-]*(?: [\w'’-]+)?")


@dataclass(frozen=True)
class Finding:
    kind: str
    guid: str  # the Anki note
    source: str  # the note's path in the vault
    excerpt: str  # what the student sees, shortened


def judge(cards: list[RenderedCard]) -> list[Finding]:
    """Every defect of these cards, one finding per Anki note and kind."""
    found: dict[tuple[str, str], Finding] = {}
    for finding in _all(cards):
        found.setdefault((finding.kind, finding.guid), finding)
    return sorted(found.values(), key=lambda f: (KINDS.index(f.kind), f.source, f.excerpt))


def _all(cards: list[RenderedCard]) -> Iterator[Finding]:
    for card in cards:
        yield from _markdown(card)
        yield from _empty(card)
        yield from _all_hidden(card)
    yield from _repeated_fronts(cards)
    yield from _dataview_keys(cards)


def examples(findings: list[Finding], kind: str, count: int) -> list[Finding]:
    """Up to ``count`` findings of one kind, from as many notes as there are (the first of
    each note, then the second, ...), each showing something else."""
    by_note: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == kind:
            by_note[f.source].append(f)
    rounds = max((len(v) for v in by_note.values()), default=0)
    ordered = [v[i] for i in range(rounds) for v in by_note.values() if i < len(v)]
    shown: dict[str, Finding] = {}
    for f in ordered:
        shown.setdefault(f.excerpt, f)
    return list(shown.values())[:count]


def _finding(kind: str, card: RenderedCard, excerpt: str) -> Finding:
    source = visible(card.fields.get("Source", ""))
    return Finding(kind, card.guid, source, excerpt)


def _markdown(card: RenderedCard) -> Iterator[Finding]:
    question = card.question
    for blank in _active_clozes(question, whole=True):  # `[eg, [...]]` is no wikilink
        question = question.replace(blank, " (blank) ", 1)
    shown = _CODE.sub(" ", _SOURCE.sub("", question + card.answer))
    lines = _lines(shown)
    text = " ".join(lines)
    match = _MARKDOWN.search(text)
    if match:
        yield _finding("markdown", card, _around(text, match.start(), match.end()))
    elif any(line in ("?", "??") for line in lines):
        yield _finding("markdown", card, "a line `?`: " + _short(text))


def _empty(card: RenderedCard) -> Iterator[Finding]:
    if card.notetype.endswith("Cloze"):
        sides = [("back", "".join(_active_clozes(card.answer)))]
    else:
        front = _CONTEXT.sub("", card.question)
        back = _SOURCE.sub("", card.answer.partition(_ANSWER)[2])
        sides = [("front", front), ("back", back)]
    front = visible(_CONTEXT.sub("", card.question))
    under = card.fields.get("Context", "").rpartition(CONTEXT_SEPARATOR)[2]
    for side, markup in sides:
        if not _shows_something(markup):
            yield _finding("empty side", card, f"empty {side}; front: {_short(front)} "
                           f"(under {_short(visible(under), EXCERPT)})")


def _all_hidden(card: RenderedCard) -> Iterator[Finding]:
    if not card.notetype.endswith("Cloze"):
        return
    front = _CONTEXT.sub("", card.question)
    rest = front
    for blank in _active_clozes(front, whole=True):
        rest = rest.replace(blank, " ", 1)
    if not _shows_something(rest):
        yield _finding("all hidden", card, _short(visible(card.question)))


def _repeated_fronts(cards: list[RenderedCard]) -> Iterator[Finding]:
    notes: dict[str, dict[str, RenderedCard]] = defaultdict(dict)
    for card in cards:
        notes[visible(card.question)].setdefault(card.guid, card)
    for front, by_note in notes.items():
        if len(by_note) >= REPEATED_FRONT:
            for card in by_note.values():
                yield _finding("repeated front", card,
                               f"{_short(front)} (in {len(by_note)} notes)")


def _dataview_keys(cards: list[RenderedCard]) -> Iterator[Finding]:
    keys: dict[str, list[RenderedCard]] = defaultdict(list)
    for card in cards:
        front = visible(card.fields.get("Front", ""))
        if card.ord == 0 and "Front" in card.fields and _KEY.fullmatch(front):
            keys[front.casefold()].append(card)
    for key_cards in keys.values():
        sources = {c.fields.get("Source", "") for c in key_cards}
        values = {c.fields.get("Back", "") for c in key_cards}
        if len(sources) >= DATAVIEW_NOTES and len(values) > 1:  # not one note copied
            for card in key_cards:
                back = visible(card.fields.get("Back", ""))
                yield _finding("dataview key", card,
                               f"{visible(card.fields['Front'])} → {_short(back)} "
                               f"(a front in {len(sources)} notes)")


def _active_clozes(markup: str, whole: bool = False) -> list[str]:
    """The active cloze spans of a rendered side: their content, or (``whole``) the span
    with its tags. Spans inside them are counted, so a coloured word does not end one."""
    found = []
    for match in _ACTIVE.finditer(markup):
        depth = 1
        for tag in _SPAN.finditer(markup, match.end()):
            depth += -1 if tag.group() == "</span>" else 1
            if depth == 0:
                found.append(markup[match.start():tag.end()] if whole
                             else markup[match.end():tag.start()])
                break
    return found


def _shows_something(markup: str) -> bool:
    """An image, or a letter, a digit or a sign (an arrow is an answer; emoji, punctuation
    and white space alone show nothing)."""
    if "<img" in markup:
        return True
    return any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Sm"
               for ch in visible(markup))


def _lines(markup: str) -> list[str]:
    text = html.unescape(_TAG.sub("", _LINE_BREAK.sub("\n", markup)))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _around(text: str, start: int, end: int) -> str:
    left = max(0, start - EXCERPT)
    right = min(len(text), end + EXCERPT)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def _short(text: str, width: int = 2 * EXCERPT) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
