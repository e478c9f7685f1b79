"""``![[Note#Heading]]`` and ``![[Note#^block]]`` show the text Obsidian shows there, and
a card that embeds another note's text is made again when that note changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.anki_client import Imported
from tests.test_rebuild import Project

HEART = """# Heart

## Murmurs
- Aortic stenosis: ==crescendo-decrescendo== systolic murmur
- Mitral regurgitation: holosystolic, radiates to the axilla ^mr01

## Sounds
- S3: volume overload
"""
EXAM = """# Exam

- ==Valsalva== increases the HCM murmur; compare ![[Heart#Murmurs]]
- The ==apex== is where you hear ![[Heart#^mr01]]
- ==Squatting== decreases it ![[Heart#No such heading]] and ![[Missing#Murmurs]]
"""


def _text(deck: Imported, fragment: str) -> str:
    found = [c.fields["Text"] for c in deck.cards if fragment in c.fields.get("Text", "")]
    assert len(found) == 1, [c.fields.get("Text") for c in deck.cards]
    return found[0]


def test_a_heading_or_block_embed_shows_its_text(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Heart.md": HEART, "Exam.md": EXAM}))
    assert _text(deck, "Valsalva") == (
        "{{c1::Valsalva}} increases the HCM murmur; compare Aortic stenosis: "
        "crescendo-decrescendo systolic murmur · Mitral regurgitation: holosystolic, "
        "radiates to the axilla")
    assert _text(deck, "apex") == (
        "The {{c1::apex}} is where you hear Mitral regurgitation: holosystolic, radiates "
        "to the axilla")
    # a heading or note that is not there: the name, as a link shows it
    assert _text(deck, "Squatting") == "{{c1::Squatting}} decreases it Heart and Missing"
    # the embedded highlight is a card in its own note only
    assert len([c for c in deck.cards if "crescendo" in c.fields.get("Text", "")]) == 2
    assert _text(deck, "{{c1::crescendo-decrescendo}}").startswith("Aortic stenosis")


def test_a_card_is_made_again_when_the_text_it_embeds_changes(tmp_path: Path) -> None:
    p = Project(tmp_path, {"Heart.md": HEART, "Exam.md": EXAM})
    first, _ = p.build_and_import()
    assert first.fresh == 2
    p.edit("Heart.md", "radiates to the axilla", "radiates to the left axilla")
    built, deck = p.build_and_import()
    assert built.fresh == 2  # Heart changed; Exam embeds it, so it is read again too
    assert sorted(c.what for c in built.changes.items) == ["updated", "updated"]
    assert "radiates to the left axilla" in _text(deck, "apex")
    assert deck.new == 0 and deck.updated == 2
    p.edit("Heart.md", "volume overload", "ventricular filling")  # not embedded anywhere
    built, _ = p.build_and_import()
    assert built.fresh == 2 and not built.changes


def test_a_note_that_an_embed_now_leads_to_makes_the_card_again(tmp_path: Path) -> None:
    """A note made where the embed's name now leads (nearer than the one it led to), and a
    note made for an embed that led nowhere: the embedding note is read again, and its
    card shows the text now shown in Obsidian (sixth fault probe: the deck kept the old
    text, even with --force)."""
    p = Project(tmp_path, {
        "sub/Def.md": "# Def\n\n## Heart\nThe heart pumps OLDTEXT blood.\n",
        "topic/Card.md": "# Card\n- The definition ![[Def#Heart]] says ==pump==.\n"
                         "- The term ![[Gloss#Term]] means ==thing==.\n"})
    _, deck = p.build_and_import()
    assert "OLDTEXT" in _text(deck, "pump")
    assert _text(deck, "thing") == "The term Gloss means {{c1::thing}}."
    p.write("Def.md", "# Def\n\n## Heart\nThe heart pumps NEWROOT blood.\n")
    p.write("topic/Gloss.md", "# Gloss\n\n## Term\nA word with a meaning.\n")
    built, deck = p.build_and_import()
    assert sorted(c.what for c in built.changes.items) == ["updated", "updated"]
    assert "NEWROOT" in _text(deck, "pump")
    assert _text(deck, "thing") == "The term A word with a meaning. means {{c1::thing}}."
