"""Repeats: two clippings often say the same thing. An auto card is left out when its
statement says what another card's statement says: nearly all the words of the shorter
are in the longer, or both hide the same answer among the same words around it.

Cards written or highlighted by hand always stay, and win over auto cards; among auto
cards the higher score wins, then the statement whose words sort first: never the note's
name, so renaming a clipping leaves the same cards in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from highyield.extract.auto.words import STOPWORDS, content_stems, stem, tokens
from highyield.model import Cloze, Draft, Inline, Inlines, plain_text

SAME_WORDS = 0.75  # share of the shorter statement's words found in the other
MIN_JACCARD = 0.35  # and never two statements that share too little overall
SAME_ANSWER_JACCARD = 0.2  # same answer: the statements share this much
SAME_CUE = 0.5  # and the words around the answer are this much the same
CUE_WORDS = 4  # content words each side of the answer
RARE = 300  # candidates are found through every word used by at most this many cards,
RAREST = 4  # and through the statement's rarest words in any case
MAX_POSTING = 2000  # looking at most this many recent cards for each word


@dataclass(frozen=True)
class Seen:
    """What a card says, for telling repeats apart."""

    words: frozenset[str]
    answer: frozenset[str]
    cue: frozenset[str]  # the content words just before and after the answer


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
        else:
            index.add(cards[i].seen)
    return out


def _rank(card: Ranked) -> tuple[int, float, list[str], int, str]:
    return (1 if card.auto else 0, -(card.score or 0.0), sorted(card.seen.words), card.line,
            card.path)


def seen_of(draft: Draft) -> Seen:
    words = content_stems(plain_text(draft.front) + " " + plain_text(draft.back))
    at = next((i for i, n in enumerate(draft.front) if isinstance(n, Cloze)), None)
    if at is None:
        return Seen(words, frozenset(), frozenset())
    answer = content_stems(plain_text(_children(draft.front[at])))
    before = _ordered_stems(plain_text(draft.front[:at]))[-CUE_WORDS:]
    after = _ordered_stems(plain_text(draft.front[at + 1:]))[:CUE_WORDS]
    return Seen(words, answer, frozenset(before + after))


def _children(node: Inline) -> Inlines:
    return node.children if isinstance(node, Cloze) else ()


def _ordered_stems(text: str) -> list[str]:
    return [stem(t.text) for t in tokens(text) if t.is_word and t.lower not in STOPWORDS]


class _Index:
    def __init__(self) -> None:
        self.items: list[Seen] = []
        self.postings: dict[str, list[int]] = defaultdict(list)

    def add(self, seen: Seen) -> None:
        for word in seen.words:
            self.postings[word].append(len(self.items))
        self.items.append(seen)

    def repeats(self, seen: Seen) -> bool:
        """Candidates come from the statement's rare words: a repeat shares most words,
        so it shares some of those."""
        postings = sorted((self.postings.get(w, []) for w in seen.words), key=len)
        candidates: set[int] = set()
        for n, posting in enumerate(postings):
            if n >= RAREST and len(posting) > RARE:
                break
            candidates.update(posting[-MAX_POSTING:])
        return any(_same(seen, self.items[k]) for k in candidates)


def _same(a: Seen, b: Seen) -> bool:
    jaccard = _overlap(a.words, b.words)
    if jaccard >= MIN_JACCARD and _contained(a.words, b.words) >= SAME_WORDS:
        return True
    return jaccard >= SAME_ANSWER_JACCARD and _overlap(a.answer, b.answer) >= 0.5 and \
        _contained(a.cue, b.cue) >= SAME_CUE


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _contained(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
