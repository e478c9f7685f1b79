"""Import a built .apkg into a fresh collection with the official anki package, and read
back what Anki renders. Every deck a test builds goes through here."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

if TYPE_CHECKING:  # importing anki.cards before anki.collection is a circular import
    from anki.cards import CardId

_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(?:div|ul|li|hr|p|br)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"<code\b[^>]*>.*?</code>", re.DOTALL)
_ANKI_CLOZE_SPAN = re.compile(r'<span class="cloze(?:-inactive)?"[^>]*>|</span>')


@dataclass
class RenderedCard:
    question: str  # HTML as Anki renders it, without the note type's <style>
    answer: str
    fields: dict[str, str]
    tags: list[str]
    notetype: str
    deck: str
    guid: str
    ord: int

    @property
    def question_text(self) -> str:
        return visible(self.question)

    @property
    def answer_text(self) -> str:
        return visible(self.answer)

    def without_anki_markup(self) -> str:
        """Both sides without Anki's own cloze spans and without code, which is shown
        verbatim on purpose: what is left came from the note's prose."""
        return _CODE.sub("", _ANKI_CLOZE_SPAN.sub("", self.question + self.answer))


@dataclass
class Imported:
    cards: list[RenderedCard]
    media: list[str]
    new: int
    updated: int
    duplicate: int
    conflicting: int

    def by_source(self, fragment: str) -> list[RenderedCard]:
        return [c for c in self.cards if fragment in c.fields.get("Source", "")]


def visible(markup: str) -> str:
    """The text a student sees: block tags separate words, inline tags do not."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", markup))
    return " ".join(html.unescape(text).split())


def import_apkg(apkg: Path, folder: Path, collection: Collection | None = None) -> Imported:
    """Import into ``collection`` (or a fresh one in ``folder``) and render every card."""
    own = collection is None
    folder.mkdir(parents=True, exist_ok=True)
    col = collection or Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=False))
        log = col.import_anki_package(request).log
        cards = [_render(col, cid) for cid in sorted(col.find_cards(""))]
        media = sorted(p.name for p in Path(col.media.dir()).iterdir())
        return Imported(cards, media, len(log.new), len(log.updated), len(log.duplicate),
                        len(log.conflicting))
    finally:
        if own:
            col.close()


def _render(col: Collection, card_id: CardId) -> RenderedCard:
    card = col.get_card(card_id)
    note = card.note()
    notetype = note.note_type()
    assert notetype is not None, f"card {card_id} has no note type"
    return RenderedCard(
        question=_STYLE.sub("", card.question()),
        answer=_STYLE.sub("", card.answer()),
        fields=dict(note.items()),
        tags=list(note.tags),
        notetype=notetype["name"],
        deck=col.decks.name(card.did),
        guid=note.guid,
        ord=card.ord,
    )
