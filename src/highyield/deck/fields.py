"""A card draft as the build keeps it: its Anki fields already rendered, what identity
needs to know of it, and a line of text for summaries. These are plain strings, so a
note's cards can be cached between builds and loaded far faster than parsed again."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from highyield.deck.html import HtmlRenderer, context_html, source_html
from highyield.deck.mathjax import without_links
from highyield.extract.auto.repeats import Ranked, Seen, seen_of
from highyield.identity.clozes import renumber_text
from highyield.identity.subject import Subject, subject_of
from highyield.model import CardKind, Draft, Embed, cloze_numbers, preview_text
from highyield.vault.media import MediaSet
from highyield.vault.text import strip_controls

LABEL_WIDTH = 72


class Made(NamedTuple):
    """(A named tuple, not a dataclass: the build cache holds one per card, and these
    pickle and load two to three times faster.)"""

    subject: Subject
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    label: str  # the card's text on one line, for summaries
    score: float | None  # auto cards only
    seen: Seen | None  # for telling repeated auto cards apart, when the deck has any
    cards: int  # how many cards Anki makes of it

    @property
    def auto(self) -> bool:
        return self.score is not None

    def ranked(self) -> Ranked:
        assert self.seen is not None
        s = self.subject
        return Ranked(self.auto, self.score, s.path, s.line, self.seen)

    def fields_numbered(self, numbers: dict[int, int]) -> tuple[str, ...]:
        """The fields with cloze numbers changed as identity asked."""
        if not numbers:
            return self.fields
        return (renumber_text(self.fields[0], numbers), *self.fields[1:])


def made_of(draft: Draft, media: MediaSet, vault_name: str, with_seen: bool) -> Made:
    fields = fields_for(draft, media, vault_name)
    text = label(draft)
    return Made(subject_of(draft), fields, draft.tags, fields[0] if text == fields[0] else text,
                draft.score, seen_of(draft) if with_seen else None, _cards(draft))


def _cards(d: Draft) -> int:
    if d.kind is CardKind.CLOZE:
        return len(cloze_numbers(d.front))
    return 2 if d.kind is CardKind.REVERSED else 1


def fields_for(d: Draft, media: MediaSet, vault_name: str) -> tuple[str, ...]:
    """The Anki fields, with no control character (U+001F would split them: Anki could not
    import the deck) and no link MathJax could make (``deck.mathjax``)."""
    front, back = _sides(d, media)
    return (_field(front), _field(back), _context_field(d.context),
            _source_field(d.ref.path, vault_name))


def _field(text: str) -> str:
    return without_links(strip_controls(text))


@lru_cache(maxsize=1024)
def _context_field(context: tuple[str, ...]) -> str:
    """A context's field, made once for the cards under it: one string for them all, in
    the build and in its cache."""
    return _field(context_html(context))


@lru_cache(maxsize=1024)
def _source_field(path: str, vault_name: str) -> str:
    """A note's link, made once for its cards (as ``_context_field``)."""
    return _field(source_html(path, vault_name))


def _sides(d: Draft, media: MediaSet) -> tuple[str, str]:
    """The Text and Extra fields of a cloze; the Front and Back of another card."""
    rel = d.ref.path

    def lookup(embed: Embed) -> str | None:
        return media.name(rel, embed)

    r = HtmlRenderer(lookup)
    if d.kind is CardKind.CLOZE:
        text = r.inlines(d.front) + r.items(d.cue, "hy-cue")
        return text, r.items(d.extra, "hy-items") + r.images(d.images)
    return r.inlines(d.front), r.inlines(d.back) + r.images(d.images)


def label(d: Draft) -> str:
    front = preview_text(d.front)
    text = front if d.kind is CardKind.CLOZE else f"{front} → {preview_text(d.back)}"
    text = " ".join(text.split())
    return text if len(text) <= LABEL_WIDTH else text[:LABEL_WIDTH - 1] + "…"
