"""Things in real notes that look like cards and are not: ratios and gene fusions written
with ``::``, and Excalidraw drawings. Every deck built is imported into Anki."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from highyield.extract.statements import find_pair
from tests.anki_client import Imported

PCOS = """# PCOS

- LH:FSH::2:1 or more is typical
- Na:glucose::1:1 in SGLT1 cotransport
- CML: t(9;22) gives BCR::ABL1, a tyrosine kinase
- EWSR1::FLI1 in ==Ewing sarcoma==
- Metformin::Improves insulin sensitivity
- MI :: STEMI or NSTEMI
"""

DRAWING = """---
excalidraw-plugin: parsed
tags: [excalidraw]
---
==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==

# Text Elements
Preload::end-diastolic volume ^k3Jd9a

Afterload ^p0Qz1b

%%
# Drawing
```json
{"type":"excalidraw","elements":[]}
```
%%
"""


@pytest.mark.parametrize(("text", "cut"), [
    ("LH:FSH::2:1", None),
    ("Na:glucose::1:1", None),
    ("Ratio LH:FSH::2.5:1 in PCOS", None),
    ("BCR::ABL1", None),
    ("PML::RARA fusion", None),
    ("LH:FSH::raised in PCOS", 6),  # not a ratio after it
    ("BCR::ABL1::CML", 9),  # the fusion, then the separator
    ("BCR::ABL1 :: CML", 10),
    ("DNA::deoxyribonucleic acid", 3),
    ("MI :: STEMI", 3),
    ("What fusion?::BCR::ABL1", 12),
])
def test_ratios_and_fusions_are_not_separators(text: str, cut: int | None) -> None:
    m = find_pair(text)
    assert (m.start() if m else None) == cut


def test_ratios_and_fusions_make_no_cards(make_vault: Callable[..., Path],
                                          build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"PCOS.md": PCOS}))
    basic = sorted((c.fields["Front"], c.fields["Back"]) for c in deck.cards
                   if "Front" in c.fields)
    assert basic == [("MI", "STEMI or NSTEMI"),
                     ("Metformin", "Improves insulin sensitivity")]
    clozes = [c.fields["Text"] for c in deck.cards if "Text" in c.fields]
    assert clozes == ["EWSR1::FLI1 in {{c1::Ewing sarcoma}}"]


def test_excalidraw_drawings_are_never_read(make_vault: Callable[..., Path],
                                            build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"Cardio/Heart.excalidraw.md": DRAWING,
                        "Cardio/Heart.md": "# Heart\n\n- ==Preload== rises with venous return\n"})
    deck = build_and_import(vault)
    assert [c.fields["Text"] for c in deck.cards] == [
        "{{c1::Preload}} rises with venous return"]


EMBEDDED_DRAWING = """# Digestive System

<div class="markdown-embed">

# 750

</div>

==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==
# Text Elements
Food takes about ==6 hours== to pass through.
"""


def test_the_excalidraw_notice_of_an_embedded_drawing_is_not_a_card(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Digestive System.md": EMBEDDED_DRAWING}))
    assert [c.fields["Text"] for c in deck.cards] == [
        "Food takes about {{c1::6 hours}} to pass through."]


ZOTERO_MARKS = """# Thyroid lecture

## Annotations

### Imported: 2023-10-17 12:56 pm

<mark style="background-color: #ffd400">Quote</mark>
> Two hormones: thyroxine (T4) and triiodothyronine (T3)

<mark style="background-color: #5fb236">Highlight</mark>
> ==Calcitonin== comes from the parafollicular C cells
"""


def test_a_zotero_label_highlighted_in_its_colour_is_not_a_card(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """Zotero Integration writes each annotation's kind (``Quote``), highlighted in the
    annotation's colour, above it: a label, never a fact."""
    deck = build_and_import(make_vault({"Thyroid.md": ZOTERO_MARKS}))
    assert [c.fields["Text"] for c in deck.cards] == [
        "{{c1::Calcitonin}} comes from the parafollicular C cells"]


ZOTERO = """# Smith 2021

## Annotations

> [!quote|#ffd400] Highlight
> ==Riluzole prolongs survival by about three months==
>
>> my comment: modest effect
>
> [Page 3](zotero://open-pdf/library/items/ABCD1234?page=3)

> [!quote|#ff6666] Underline
> ==Edaravone== is given intravenously
"""


def test_a_zotero_annotation_label_is_never_a_card_side(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """Zotero Integration's callouts carry the colour as callout metadata
    (``[!quote|#ffd400]``); their label (``Highlight``) is a callout title, as Obsidian
    shows it, never text on the front."""
    deck = build_and_import(make_vault({"Smith 2021.md": ZOTERO}))
    assert sorted(c.fields["Text"] for c in deck.cards) == [
        "Riluzole prolongs survival by about {{c1::three months}}",
        "{{c1::Edaravone}} is given intravenously"]
    for card in deck.cards:
        assert "[!quote" not in card.question + card.answer
        assert "Highlight" not in card.fields["Text"] + card.fields.get("Extra", "")
