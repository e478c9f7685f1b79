"""Small edits to a statement, and what auto-cloze hides before and after them: the
harness of test_autocloze_stability.py and bench/stability.py.

The statements are the real calls ``auto_drafts`` makes to ``choose`` while a vault is
read (the statement, its breadcrumb, the spans a list offers, whether it is an item).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from unittest.mock import patch

import highyield.extract.auto as auto
from highyield.config import folder_deck
from highyield.extract.auto.choose import Choice, choose
from highyield.extract.auto.spans import Span
from highyield.identity.collect import collect

ROOT = Path(__file__).resolve().parent.parent
VAULTS = (ROOT / "notes", ROOT / "tests/fixtures/heldout", ROOT / "tests/fixtures/heldout2")
MIN_SCORE = 0.5  # the default: a card below it is absent
ADVERBS = ("often", "usually", "typically", "frequently", "clearly", "notably")
_CHUNK = re.compile(r"\S+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class Call:
    text: str
    context: tuple[str, ...]
    offered: tuple[Span, ...]
    item: bool

    def hidden(self) -> str | None:
        """What the card hides, or None when there is no card."""
        found = choose(self.text, self.context, self.offered, self.item)
        if found is None or found.score < MIN_SCORE:
            return None
        return self.text[found.span.start:found.span.end]

    def choice(self) -> Choice | None:
        return choose(self.text, self.context, self.offered, self.item)

    def inserted(self, at: int, words: str) -> Call:
        """With ``words`` inserted at character ``at``; offered spans move along."""
        def moved(s: Span) -> Span:
            start = s.start + len(words) if s.start >= at else s.start
            end = s.end + len(words) if s.end > at else s.end
            return replace(s, start=start, end=end)
        return replace(self, text=self.text[:at] + words + self.text[at:],
                       offered=tuple(moved(s) for s in self.offered))


def calls(vault: Path) -> list[Call]:
    """Every statement auto-cloze weighs in a vault, as it weighs it."""
    seen: list[Call] = []

    def recording(text: str, context: tuple[str, ...], offered: tuple[Span, ...] = (),
                  item: bool = False) -> Choice | None:
        seen.append(Call(text, context, offered, item))
        return choose(text, context, offered, item)
    with patch.object(auto, "choose", recording):  # the name auto_drafts calls it by
        collect(folder_deck(vault, vault / "unused.apkg"))
    return seen


def same(before: str | None, after: str | None) -> bool:
    """The same hidden part, or no card either time: punctuation and quotes aside."""
    if before is None or after is None:
        return before is after
    return _bare(before) == _bare(after)


def _bare(text: str) -> str:
    return " ".join(re.sub(r"[,;]", " ", text.translate(_QUOTES)).split())


def comma_edits(call: Call, hidden: tuple[int, int] | None) -> Iterator[Call]:
    """A comma after each word outside the hidden part (never after the last)."""
    chunks = list(_CHUNK.finditer(call.text))
    for m in chunks[:-1]:
        if m.group()[-1].isalnum() and _outside(m, hidden):
            yield call.inserted(m.end(), ",")


def adverb_edits(call: Call, hidden: tuple[int, int] | None, adverb: str) -> Iterator[Call]:
    """An adverb before each word outside the hidden part, and not right before it."""
    for m in _CHUNK.finditer(call.text):
        if m.start() and _outside(m, hidden):
            yield call.inserted(m.start(), adverb + " ")


def _outside(m: re.Match[str], hidden: tuple[int, int] | None) -> bool:
    return hidden is None or m.end() <= hidden[0] or m.start() >= hidden[1]


def requoted(call: Call, curly: bool) -> Call:
    """The statement with straight quotes made curly, or curly ones straight."""
    text = _curly(call.text) if curly else call.text.translate(_QUOTES)
    return replace(call, text=text)


def _curly(text: str) -> str:
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    text = re.sub(r'(^|[\s(\[])"', "\\1“", text)
    text = re.sub(r"(^|[\s(\[])'", "\\1‘", text)
    return text.replace('"', "”").replace("'", "’")


def span_of(call: Call) -> tuple[int, int] | None:
    found = call.choice()
    return None if found is None else (found.span.start, found.span.end)
