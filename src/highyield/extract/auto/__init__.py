"""Auto-cloze: cards from statements nobody highlighted.

A clipped article is full of testable facts and has no highlights. For the notes a deck
turns auto-cloze on for, highyield reads the clipping's layout (``layout``), cuts its
noise (``noise``), takes each statement without a card of its own (``units``), finds the
spans worth hiding (``spans``) and hides the best one (``choose``). Each card carries its
score and the ``highyield::auto`` tag.
"""

from __future__ import annotations

from highyield.extract import context
from highyield.extract.auto.choose import Choice, choose
from highyield.extract.auto.layout import clipping_layout
from highyield.extract.auto.units import Unit, cites, clean, hide, strip_citations, units
from highyield.extract.statements import Statement
from highyield.model import BlockKind, CardKind, Draft, Inlines, Note, SourceRef, plain_text

__all__ = ["AUTO_TAG", "auto_drafts", "cites", "clean", "clipping_layout"]

AUTO_TAG = "highyield::auto"


def auto_drafts(note: Note, found: list[Statement], skip: set[tuple[int, int]],
                outline: context.Outline, tags: tuple[str, ...], min_score: float,
                trailing: bool) -> tuple[list[Draft], int, int]:
    """A card for every statement worth one whose score reaches ``min_score``, how many
    statements were left out as no testable fact, and how many as too unsure a card.
    ``trailing`` says the note cites with trailing numbers (``cites``)."""
    drafts = []
    untestable = unsure = 0
    for unit in units(note, found, skip):
        block = note.blocks[unit.statement.block]
        crumbs = context.breadcrumb(note, block)
        cue = tuple(strip_citations(c, trailing) for c in _cue(note, unit.statement, outline))
        shown = (*crumbs, *(plain_text(c) for c in cue))  # what the card shows besides
        choice = choose(unit.text, shown, unit.offered, unit.item)
        if choice is None or choice.score < min_score:
            untestable += choice is None
            unsure += choice is not None
            continue
        drafts.append(_draft(note, unit, choice, crumbs, cue, tags))
    return drafts, untestable, unsure


def _draft(note: Note, unit: Unit, choice: Choice, crumbs: tuple[str, ...],
           cue: tuple[Inlines, ...], tags: tuple[str, ...]) -> Draft:
    s = unit.statement
    return Draft(
        kind=CardKind.CLOZE, ref=SourceRef(note.rel, s.line), context=crumbs,
        front=hide(s.inlines, choice.span.start, choice.span.end),
        cue=cue, tags=(*tags, AUTO_TAG), score=choice.score)


def _cue(note: Note, s: Statement, outline: context.Outline) -> tuple[Inlines, ...]:
    """A statement that opens with a pronoun shows what came before it."""
    if not context.opens_with_pronoun(s):
        return ()
    if note.blocks[s.block].kind is BlockKind.LIST_ITEM:
        near = outline.neighbour(s)
        return (near,) if near else ()
    return outline.previous(s)
