"""Scoring auto cards against a hand-made gold file (see tests/gold/README.md).

Used by bench/autocloze.py, which prints the figures, and by test_autocloze_gold.py,
which holds the targets. The word comparison here is deliberately its own, simpler than
the extractor's, so that the measure does not share the extractor's blind spots.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from highyield.identity.collect import Collected
from highyield.model import Card, Cloze, Inlines, plain_text

MATCH = 0.5  # Jaccard needed for a card to belong to a statement
COVER = 0.8  # share of a gold answer's words the hidden part must hold (strict match)
FOCUS = 0.5  # share of the hidden part's words that must belong to that answer
OVERSIZE = 0.9  # a hidden part this share of the statement is no card
_STOP = frozenset("""
    a an the of in on at to for by with from as is are was were be been and or nor not but
    this that these those it its their than both either any all some such which who whose
    approximately about around nearly almost typically usually often mainly primarily
""".split())
_CITATION_LEFT = re.compile(r"(?:\s\d{1,3}(?:\s*,\s*\d{1,3})*\.?$)|\[\d{1,3}(?:[,–-]\s*\d+)*\]")


def words(text: str) -> frozenset[str]:
    found = re.findall(r"[a-z0-9]+(?:[-/.][a-z0-9]+)*%?", text.casefold())
    return frozenset(w[:-1] if w.endswith("s") and len(w) > 3 else w
                     for w in found if w not in _STOP)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


@dataclass(frozen=True)
class GoldStatement:
    note: str
    line: int
    text: str
    answers: tuple[str, ...]
    fact: str


@dataclass
class Gold:
    statements: list[GoldStatement]
    noise: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path) -> Gold:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        statements, noise = [], {}
        for note, entry in data["notes"].items():
            noise[note] = list(entry.get("noise") or [])
            for s in entry.get("statements") or []:
                fact = s.get("fact") or f"{note}:{s['line']}:{s['text'][:30]}"
                statements.append(GoldStatement(note, s["line"], s["text"],
                                                tuple(s["answers"]), fact))
        return cls(statements, noise)


@dataclass
class CardResult:  # one auto card, judged
    card: Card
    text: str
    hidden: str
    statement: GoldStatement | None
    right: bool


@dataclass
class Score:
    cards: list[CardResult] = field(default_factory=list)
    facts: dict[str, list[CardResult]] = field(default_factory=dict)
    boilerplate: list[CardResult] = field(default_factory=list)
    citations: list[CardResult] = field(default_factory=list)
    oversize: list[CardResult] = field(default_factory=list)
    gold: list[GoldStatement] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return sum(r.right for r in self.cards) / len(self.cards) if self.cards else 0.0

    @property
    def recall(self) -> float:
        return sum(1 for c in self.facts.values() if c) / len(self.facts)

    @property
    def strict_recall(self) -> float:
        return sum(1 for c in self.facts.values() if any(r.right for r in c)) / len(self.facts)

    @property
    def duplicates(self) -> int:
        return sum(max(0, len(c) - 1) for c in self.facts.values())

    @property
    def wrong(self) -> list[CardResult]:
        return [r for r in self.cards if not r.right]

    def statements_in(self, note: str) -> list[GoldStatement]:
        return [s for s in self.gold if s.note == note]

    def missed(self, gold: Gold) -> list[GoldStatement]:
        return [s for s in gold.statements if not self.facts[s.fact]]


def hidden_text(front: Inlines) -> str:
    return " ".join(plain_text(n.children) for n in front if isinstance(n, Cloze))


def score(collected: Collected, gold: Gold) -> Score:
    by_note: dict[str, list[GoldStatement]] = defaultdict(list)
    for s in gold.statements:
        by_note[s.note].append(s)
    result = Score(facts={s.fact: [] for s in gold.statements}, gold=gold.statements)
    all_noise = [n for items in gold.noise.values() for n in items]
    for card in collected.cards:
        if not card.draft.auto:
            continue
        r = _judge(card, by_note[card.draft.ref.path])
        result.cards.append(r)
        if r.statement is not None:
            result.facts[r.statement.fact].append(r)
        if any(n in r.text for n in all_noise):
            result.boilerplate.append(r)
        if _CITATION_LEFT.search(r.text) and not (
                r.statement and _CITATION_LEFT.search(r.statement.text)):
            result.citations.append(r)
        if len(r.hidden) >= OVERSIZE * len(r.text):
            result.oversize.append(r)
    return result


def _judge(card: Card, statements: list[GoldStatement]) -> CardResult:
    text = plain_text(card.draft.front)
    hidden = hidden_text(card.draft.front)
    mine = words(text)
    best, overlap = None, 0.0
    for s in statements:
        j = jaccard(mine, words(s.text))
        if j > overlap:
            best, overlap = s, j
    if best is None or overlap < MATCH:
        return CardResult(card, text, hidden, None, False)
    right = any(strict_match(words(hidden), words(a)) for a in best.answers)
    return CardResult(card, text, hidden, best, right)


def strict_match(hidden: frozenset[str], answer: frozenset[str]) -> bool:
    """The hidden part holds at least 80% of the answer's words, and at least half of
    what it hides is the answer: "rapid decline" is no match for "rapid decline in lung
    function", nor is a whole clause that merely contains the answer."""
    if not hidden or not answer:
        return False
    shared = len(hidden & answer)
    return shared >= COVER * len(answer) and shared >= FOCUS * len(hidden)
