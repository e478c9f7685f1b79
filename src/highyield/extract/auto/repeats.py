"""Repeats: one card per fact. Two clippings often say the same thing, in other words and
figures ("mean survival of 3-5 years", "an average of three to five years"). An auto card
is left out when its statement says what another card's statement says (``_same``):

- nearly all the words of the shorter are in the longer (a statement reworded);
- both hide the same answer (the same figures in the same units, or the same words), and
  the words around it, or the statement's other words, are much the same, naming no
  other disease or gene, and neither saying the thing is lacking where the other has it;
- or each says much of what the other hides, one all of it, in so many words.

Words are compared as stems (``words.content_stems``), so word order, endings and how a
number is written do not matter. A card left out still counts as said, for the cards
after it. Cards written or highlighted by hand always stay, and win over auto cards;
among auto cards the higher score wins, then the statement whose words sort first:
never the note's name, so renaming a clipping leaves the same cards in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from highyield.extract.auto.words import STOPWORDS, content_stems, stem, stems_in_order, tokens
from highyield.model import Cloze, Draft, Inline, Inlines, plain_text

SAME_WORDS = 0.75  # share of the shorter statement's words found in the other
MIN_JACCARD = 0.35  # and never two statements that share too little overall
SAME_ANSWER_JACCARD = 0.2  # same answer: the statements share this much
SAME_CUE = 0.5  # and the words around the answer are this much the same
CUE_WORDS = 4  # content words each side of the answer
SAME_REST = 0.25  # or the words besides the answers are this much the same,
SAME_REST_WORDS = 3  # and at least this many
SAID_JACCARD, SAID_WORDS = 0.25, 0.5  # one statement says the other's answer, and they
# share this much
LACKING = frozenset(stem(w) for w in "lack absent spare".split())
RARE = 100  # candidates are found through every word used by at most this many cards,
RAREST = 4  # and through the statement's rarest words in any case
MAX_POSTING = 500  # looking at most this many recent cards for each word


@dataclass(frozen=True)
class Seen:
    """What a card says, for telling repeats apart."""

    words: frozenset[str]
    answer: frozenset[str]
    cue: frozenset[str]  # the content words just before and after the answer
    names: frozenset[str]  # abbreviations and gene names ("SMA", "PF4") in the statement
    known: frozenset[str]  # those names and the ones its headings give
    said: tuple[str, ...]  # the statement's stems in order


@dataclass(frozen=True)
class Ranked:
    """A card as repeat-dropping sees it."""

    auto: bool
    score: float | None
    path: str
    line: int
    seen: Seen


def drop_repeats(drafts: list[Draft]) -> tuple[list[Draft], int]:
    """The drafts without auto cards that repeat another card, in their original order,
    and how many were left out."""
    if not any(d.auto for d in drafts):
        return drafts, 0
    out = left_out([Ranked(d.auto, d.score, d.ref.path, d.ref.line, seen_of(d))
                    for d in drafts])
    return [d for i, d in enumerate(drafts) if i not in out], len(out)


def left_out(cards: list[Ranked]) -> set[int]:
    """The indices of the auto cards that repeat another card."""
    if not any(c.auto for c in cards):
        return set()
    index = _Index()
    order = sorted(range(len(cards)), key=lambda i: _rank(cards[i]))
    out: set[int] = set()
    for i in order:
        if cards[i].auto and index.repeats(cards[i].seen):
            out.add(i)
        index.add(cards[i].seen)
    return out


def _rank(card: Ranked) -> tuple[int, float, list[str], int, str]:
    return (1 if card.auto else 0, -(card.score or 0.0), sorted(card.seen.words), card.line,
            card.path)


def seen_of(draft: Draft) -> Seen:
    text = plain_text(draft.front) + " " + plain_text(draft.back)
    said = tuple(stems_in_order(text))
    names = _names(text)
    known = names | _names(" ".join(draft.context))
    at = next((i for i, n in enumerate(draft.front) if isinstance(n, Cloze)), None)
    if at is None:
        return Seen(frozenset(said), frozenset(), frozenset(), names, known, said)
    answer = content_stems(plain_text(_children(draft.front[at])))
    before = _ordered_stems(plain_text(draft.front[:at]))[-CUE_WORDS:]
    after = _ordered_stems(plain_text(draft.front[at + 1:]))[:CUE_WORDS]
    return Seen(frozenset(said), answer, frozenset(before + after), names, known, said)


def _names(text: str) -> frozenset[str]:
    """Words with two capitals or a capital and a digit: what a statement is about, when
    it names a disease, gene or test by its abbreviation."""
    return frozenset(t.lower for t in tokens(text) if t.is_word and t.text != t.lower
                     and t.lower not in STOPWORDS and _NAME.search(t.text))


_NAME = re.compile(r"[A-Z].*[A-Z0-9]|[0-9].*[A-Z]")


def _children(node: Inline) -> Inlines:
    return node.children if isinstance(node, Cloze) else ()


def _ordered_stems(text: str) -> list[str]:
    return [stem(t.text) for t in tokens(text) if t.is_word and t.lower not in STOPWORDS]


class _Index:
    def __init__(self) -> None:
        self.items: list[Seen] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.exact: set[frozenset[str]] = set()  # the very same words: a repeat at once

    def add(self, seen: Seen) -> None:
        if seen.words in self.exact:
            return  # says nothing an indexed card does not
        self.exact.add(seen.words)
        for word in seen.words:
            self.postings[word].append(len(self.items))
        self.items.append(seen)

    def repeats(self, seen: Seen) -> bool:
        """Candidates come from the statement's rare words: a repeat shares most words,
        so it shares some of those."""
        if seen.words in self.exact:
            return True
        postings = sorted((self.postings.get(w, []) for w in seen.words), key=len)
        candidates: set[int] = set()
        for n, posting in enumerate(postings):
            if n >= RAREST and len(posting) > RARE:
                break
            candidates.update(posting[-MAX_POSTING:])
        return any(_same(seen, self.items[k]) for k in candidates
                   if _may_be_same(seen.words, self.items[k].words))


def _may_be_same(a: frozenset[str], b: frozenset[str]) -> bool:
    """Enough in common for one of ``_same``'s rules: a quick test, as most pairs are not."""
    shared = len(a & b)
    return shared >= SAME_REST_WORDS or shared > SAME_ANSWER_JACCARD * (len(a) + len(b) - shared)


def _same(a: Seen, b: Seen) -> bool:
    jaccard = _overlap(a.words, b.words)
    if jaccard >= MIN_JACCARD and _contained(a.words, b.words) >= SAME_WORDS:
        return True
    if not _same_answer(a.answer, b.answer):
        return jaccard >= SAID_JACCARD and _contained(a.words, b.words) >= SAID_WORDS and \
            _said_by_other(a, b) and _same_names(a, b)
    if jaccard >= SAME_ANSWER_JACCARD and _contained(a.cue, b.cue) >= SAME_CUE:
        return True
    return _same_subject(a, b)


def _said_by_other(a: Seen, b: Seen) -> bool:
    """Each statement says much of what the other hides, one all of it. Not for figures,
    which many statements about one subject say ("24 hours"), nor for a short item that
    names a part of a longer statement's list."""
    if _figures(a.answer) or _figures(b.answer) or \
            2 * min(len(a.words), len(b.words)) < max(len(a.words), len(b.words)):
        return False
    if len(a.answer & b.words) * 2 < len(a.answer) or len(b.answer & a.words) * 2 < len(b.answer):
        return False
    return _says(a.said, b.answer) or _says(b.said, a.answer)


def _says(said: tuple[str, ...], answer: frozenset[str]) -> bool:
    """The statement says the answer of another card in so many words, in any order
    ("motor neurons degenerate and die" says "degeneration and death of motor neurons")."""
    n = len(answer)
    return n > 1 and any(answer <= set(said[i:i + n]) for i in range(len(said) - n + 1))


def _same_names(a: Seen, b: Seen) -> bool:
    return not (a.names - b.known or b.names - a.known)


def _same_subject(a: Seen, b: Seen) -> bool:
    """Besides the answer, the statements share enough words, name nothing the other does
    not know of, and neither says the thing is lacking where the other has it."""
    if not _same_names(a, b) or (a.words & LACKING) != (b.words & LACKING):
        return False
    rest = a.answer | b.answer
    shared = (a.words & b.words) - rest
    return len(shared) >= SAME_REST_WORDS and \
        len(shared) >= SAME_REST * min(len(a.words - rest), len(b.words - rest))


def _same_answer(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both hide the same thing: the same figures, or one within the other ("10%" and
    "5-10%", but not "5-10%" and "7-10%"), in the same units ("5 days" is no "5 years");
    or the same words."""
    figures_a, figures_b = _figures(a), _figures(b)
    if figures_a or figures_b:
        units_a, units_b = a - figures_a, b - figures_b
        return bool(figures_a and figures_b) and \
            (figures_a <= figures_b or figures_b <= figures_a) and \
            (not units_a or not units_b or bool(units_a & units_b))
    return _overlap(a, b) >= 0.5


def _figures(stems: frozenset[str]) -> frozenset[str]:
    return frozenset(s for s in stems if s[0].isdigit())


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _contained(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
