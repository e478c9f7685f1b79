"""The three note types highyield writes. Ids and names are constants: Anki matches note
types by id and by field and template names, so none of these may change casually."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from highyield.model import CardKind

CSS = files("highyield.deck").joinpath("card.css").read_text(encoding="utf-8")

_CONTEXT = '<div class="hy-context">{{Context}}</div>'
_SOURCE = '<div class="hy-source">{{Source}}</div>'


@dataclass(frozen=True)
class NoteType:
    model_id: int
    name: str
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back)
    is_cloze: bool = False
    # for each template of a front/back type, the fields of which one must be filled for
    # it to make a card (as genanki works it out from the templates, and Anki does)
    required: tuple[tuple[int, ...], ...] = ()


CLOZE = NoteType(
    model_id=1_815_406_891,
    name="highyield Cloze",
    fields=("Text", "Extra", "Context", "Source"),
    templates=((
        "Cloze",
        f'<div class="hy">{_CONTEXT}<div class="hy-text">{{{{cloze:Text}}}}</div></div>',
        f'<div class="hy">{_CONTEXT}<div class="hy-text">{{{{cloze:Text}}}}</div>'
        '{{#Extra}}<div class="hy-extra">{{Extra}}</div>{{/Extra}}'
        f"{_SOURCE}</div>",
    ),),
    is_cloze=True,
)

BASIC = NoteType(
    model_id=1_815_406_892,
    name="highyield Basic",
    fields=("Front", "Back", "Context", "Source"),
    templates=((
        "Card 1",
        f'<div class="hy">{_CONTEXT}<div class="hy-front">{{{{Front}}}}</div></div>',
        '{{FrontSide}}<div class="hy"><hr id="answer"><div class="hy-back">{{Back}}</div>'
        f"{_SOURCE}</div>",
    ),),
    required=((0, 2),),  # Front or Context
)

REVERSED = NoteType(
    model_id=1_815_406_893,
    name="highyield Basic (and reversed)",
    fields=("Front", "Back", "Context", "Source"),
    templates=(*BASIC.templates, (
        "Card 2",
        f'<div class="hy">{_CONTEXT}<div class="hy-front">{{{{Back}}}}</div></div>',
        '{{FrontSide}}<div class="hy"><hr id="answer"><div class="hy-back">{{Front}}</div>'
        f"{_SOURCE}</div>",
    )),
    required=((0, 2), (1, 2)),  # Front or Context; Back or Context
)

BY_KIND = {CardKind.CLOZE: CLOZE, CardKind.BASIC: BASIC, CardKind.REVERSED: REVERSED}
