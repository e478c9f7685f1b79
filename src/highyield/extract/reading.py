"""One note into card drafts: vault → parse → extract, with each draft's images resolved.
``collect`` reads every note this way; the build reads only the notes whose text changed
since its last build (``deck.reader``) and takes the others from its cache."""

from __future__ import annotations

from pathlib import Path

from highyield.config import DeckConfig
from highyield.config.inline import InlineCards
from highyield.errors import Diagnostic
from highyield.extract import Extracted, ExtractRules, extract_note
from highyield.model import CONTAINERS, Draft, Embed, Source
from highyield.parse import parse_note
from highyield.parse.embeds import Embedder, NoteTexts
from highyield.vault.media import MediaSet


def rules_for(deck: DeckConfig) -> ExtractRules:
    auto = deck.inline_cards is InlineCards.AUTO
    return ExtractRules(deck.highlights, deck.tags, deck.inline_cards is not InlineCards.OFF,
                        deck.auto, deck.dataview if auto else None, deck.srplugin)


def note_texts(vault: Path, media: MediaSet, rules: ExtractRules) -> NoteTexts:
    """What ``![[Note#Heading]]`` embeds show, for one deck's build."""
    return NoteTexts(vault, media.resolver, lambda s: parse_note(s, rules.syntax)[0])


def note_drafts(source: Source, rules: ExtractRules, media: MediaSet,
                embeds: Embedder | None = None) -> Extracted:
    """One note's drafts, and its problems (images that cannot be packed among them).
    ``embeds`` gives the text of other notes' headings and blocks it embeds, and keeps
    which notes it read."""
    note, found = parse_note(source, rules.syntax, embeds)
    drafts, problems, untestable, unsure = extract_note(note, rules)
    return Extracted(drafts, found + problems + resolve_media(drafts, source.display, media),
                     untestable, unsure)


def resolve_media(drafts: list[Draft], display: str, media: MediaSet) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for draft in drafts:
        for embed in embeds(draft):
            problem = media.add(draft.ref.path, display, embed)
            if problem is not None:
                problems.append(problem)
    return problems


def embeds(draft: Draft) -> list[Embed]:
    found: list[Embed] = list(draft.images)
    stack = [draft.front, draft.back, *draft.cue, *draft.extra]
    while stack:
        for node in stack.pop():
            if isinstance(node, Embed):
                found.append(node)
            elif isinstance(node, CONTAINERS):
                stack.append(node.children)
    return found
