"""Notes pasted from Word or Notion: HTML tables read as table rows, <p> paragraphs as
lines, and bold lines as headings in notes with few headings. Each deck is imported
into a fresh Anki collection and the rendered cards are checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from highyield.config import folder_deck
from highyield.identity.collect import collect
from tests.anki_client import Imported, RenderedCard

WORD = """\
<p class=MsoNormal><b><span style='font-size:14.0pt'>Cardiomyopathies</span></b></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0
 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>
 <tbody>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=200 valign=top style='width:150pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt'>
  <p class=MsoNormal><b>Type</b></p>
  </td>
  <td width=200 valign=top style='width:150pt;border:solid windowtext 1.0pt'>
  <p class=MsoNormal><b>Murmur</b></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:1'>
  <td width=200 valign=top><p class=MsoNormal>Hypertrophic</p></td>
  <td width=200 valign=top>
  <p class=MsoNormal>Systolic, louder with
  <mark>Valsalva</mark></p>
  <p class=MsoNormal><font color="#7030a0">softer on squatting</font></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:2;mso-yfti-lastrow:yes'>
  <td><p class=MsoNormal>Dilated</p></td>
  <td><p class=MsoNormal><span style='background:yellow;mso-highlight:yellow'>S3</span>
  gallop</p></td>
 </tr>
 </tbody>
</table>
<p class=MsoNormal>Restrictive disease is caused by <mark>amyloidosis</mark>.</p>
"""

NOTION = """\
# Connective tissue

**Marfan syndrome**

Defect in ==fibrillin-1== (FBN1).

**Ehlers-Danlos syndrome:**
- Hypermobile joints and ==stretchy skin==

<figure class="block-color-gray"><table class="simple-table"><thead \
class="simple-table-header"><tr id="r1"><th id="a" class="simple-table-header-cell">Feature</th>\
<th id="b" class="simple-table-header-cell">Finding</th></tr></thead><tbody><tr id="r2"><td \
id="a" class="">Lens</td><td id="b" class=""><mark class="highlight-yellow_background">not\
</mark> dislocated</td></tr></tbody></table></figure>
"""


def _card(deck: Imported, fragment: str) -> RenderedCard:
    found = [c for c in deck.cards if fragment in c.fields.get("Text", "")]
    assert len(found) == 1, [c.fields.get("Text") for c in deck.cards]
    return found[0]


def _revealed(card: RenderedCard) -> str:
    m = re.search(r'<span class="cloze" data-ordinal="\d+">(.*?)</span>', card.answer, re.S)
    assert m, card.answer
    return re.sub(r"<[^>]+>", "", m.group(1))


def _messages(vault: Path) -> list[str]:
    return [f"{Path(d.path).name}:{d.line}: {d.severity.value}: {d.message}"
            for d in collect(folder_deck(vault, None)).diagnostics]


def test_a_word_table_cell_names_its_row_and_column(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"Heart.md": WORD})
    deck = build_and_import(vault)
    assert len(deck.cards) == 3
    card = _card(deck, "Valsalva")
    assert card.question_text.startswith("Heart › Cardiomyopathies ")
    assert "Type: Hypertrophic · Murmur: Systolic, louder with [...] softer on squatting" \
        in card.question_text
    assert "Valsalva" not in card.question_text
    assert _revealed(card) == "Valsalva"
    assert "<br>" in card.fields["Text"]  # the cell's second <p> is its own line
    assert "mso-" not in card.question + card.answer
    assert "<font" not in card.question + card.answer
    dilated = _card(deck, "S3")
    assert "Type: Dilated · Murmur: [...] gallop" in dilated.question_text
    assert _revealed(dilated) == "S3"
    assert _messages(vault) == []


def test_a_paragraph_after_the_table_is_kept_under_the_bold_heading(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Heart.md": WORD}))
    card = _card(deck, "amyloidosis")
    assert card.question_text.startswith(
        "Heart › Cardiomyopathies Restrictive disease is caused by [...].")


RUNS = """\
**Lateral epicondylitis**

Pain at the ==lateral epicondyle== on wrist extension.

**<u>Carpal tunnel syndrome</u>** **Tingling in the first three fingers, worse at night**
<table><tr><th>Test</th><th>Use</th></tr>
<tr><td>Confirmatory</td><td><mark>Nerve conduction studies</mark></td></tr></table>
"""


def test_a_line_of_several_bold_runs_is_titled_by_the_first(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """Word writes a title and its gist as two bold runs on one line: the table under it
    belongs to that title, not to the bold line before."""
    deck = build_and_import(make_vault({"Hand.md": RUNS}))
    card = _card(deck, "Nerve conduction")
    assert card.question_text.startswith("Hand › Carpal tunnel syndrome Test: Confirmatory")
    elbow = _card(deck, "lateral epicondyle")
    assert elbow.question_text.startswith("Hand › Lateral epicondylitis Pain at the [...]")


def test_a_notion_export_gives_bold_line_headings_and_table_rows(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Connective.md": NOTION}))
    assert len(deck.cards) == 3
    marfan = _card(deck, "fibrillin-1")
    assert marfan.question_text.startswith(
        "Connective › Connective tissue › Marfan syndrome Defect in [...] (FBN1).")
    assert _revealed(marfan) == "fibrillin-1"
    skin = _card(deck, "stretchy skin")
    assert skin.question_text.startswith(
        "Connective › Connective tissue › Ehlers-Danlos syndrome Hypermobile")
    lens = _card(deck, "dislocated")
    assert lens.question_text.startswith(
        "Connective › Connective tissue › Ehlers-Danlos syndrome Feature: Lens · Finding: "
        "[...] dislocated")
    assert _revealed(lens) == "not"


def test_bold_lines_stay_text_in_a_note_with_real_headings(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("# Anaemia\n## Microcytic\n**Key point**\n\n- Iron deficiency: low ==ferritin==\n"
            "## Macrocytic\n- B12 deficiency: ==neurological== signs\n")
    deck = build_and_import(make_vault({"Anaemia.md": note}))
    card = _card(deck, "ferritin")
    assert card.question_text.startswith("Anaemia › Microcytic Iron deficiency")
    assert "Key point" not in card.question_text


def test_a_bold_line_nests_one_level_below_the_last_real_heading(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("# Renal\n## Nephritic\n**IgA nephropathy**\n\nHaematuria days after an "
            "==upper respiratory infection==.\n\n**PSGN**\n\nFollows ==streptococcal== "
            "infection by weeks.\n")
    deck = build_and_import(make_vault({"Renal.md": note}))
    iga = _card(deck, "upper respiratory")
    assert iga.question_text.startswith("Renal › Nephritic › IgA nephropathy Haematuria")
    psgn = _card(deck, "streptococcal")
    assert psgn.question_text.startswith("Renal › Nephritic › PSGN Follows")


def test_p_paragraphs_are_lines(make_vault: Callable[..., Path],
                                build_and_import: Callable[..., Imported]) -> None:
    note = ("<p>Gout crystals are ==negatively== birefringent.</p>"
            "<p>Pseudogout: ==positively==.</p>\n")
    deck = build_and_import(make_vault({"Joints.md": note}))
    assert sorted(c.fields["Text"] for c in deck.cards) == [
        "Gout crystals are {{c1::negatively}} birefringent.",
        "Pseudogout: {{c1::positively}}."]


# ---------------------------------------------------------------- malformed tables


def test_unclosed_cells_and_rows_are_read_as_a_browser_reads_them(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("<table><tr><th>Drug<th>Toxicity\n<tr><td>Amiodarone<td>==pulmonary fibrosis==\n"
            "<tr><td>Bleomycin<td>==lung== fibrosis\n</table>\n")
    vault = make_vault({"Tox.md": note})
    deck = build_and_import(vault)
    assert sorted(c.fields["Text"] for c in deck.cards) == [
        "<b>Drug</b>: Amiodarone · <b>Toxicity</b>: {{c1::pulmonary fibrosis}}",
        "<b>Drug</b>: Bleomycin · <b>Toxicity</b>: {{c1::lung}} fibrosis"]
    assert _messages(vault) == []


def test_a_table_without_its_close_is_text_with_a_warning(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("- Before: ==first==\n<table><tr><td>Drug</td><td>Use</td></tr>\n"
            "<tr><td>Digoxin</td><td>==rate== control</td></tr>\n\n"
            "- After: ==still read==\n")
    vault = make_vault({"Open.md": note})
    assert _messages(vault) == ["Open.md:2: warning: HTML table has no </table>: read as text"]
    [warned] = collect(folder_deck(vault, None)).diagnostics
    assert warned.hint == "end the table with </table> (before any other <table>)"
    deck = build_and_import(vault)
    texts = sorted(c.fields["Text"] for c in deck.cards)
    assert texts == ["After: {{c1::still read}}", "Before: {{c1::first}}",
                     "Digoxin {{c1::rate}} control"]  # one line per row, cells apart
    assert all("<td" not in c.question + c.answer for c in deck.cards)


def test_a_table_opened_again_before_its_close_is_text(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("<table><tr><td>lost close\n\n<table><tr><th>Sign</th><th>Disease</th></tr>\n"
            "<tr><td>Kayser-Fleischer ring</td><td>==Wilson==</td></tr></table>\nAfter.\n")
    vault = make_vault({"Twice.md": note})
    assert _messages(vault) == ["Twice.md:1: warning: HTML table has no </table>: read as text"]
    deck = build_and_import(vault)
    assert [c.fields["Text"] for c in deck.cards] == [
        "<b>Sign</b>: Kayser-Fleischer ring · <b>Disease</b>: {{c1::Wilson}}"]


def test_a_word_note_pasted_on_one_line_still_gives_headings_and_rows(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("<p class=MsoNormal><b>Marfan syndrome</b></p><p class=MsoNormal>Tall, with "
            "<mark>arachnodactyly</mark>.</p><table border=1><tr><td><b>Sign</b></td>"
            "<td><b>Cause</b></td></tr><tr><td>Lens</td><td>dislocates <mark>up</mark></td>"
            "</tr></table><p><b>Homocystinuria</b></p><p>Lens goes <mark>down</mark>.</p>\n")
    deck = build_and_import(make_vault({"Lens.md": note}))
    assert len(deck.cards) == 3
    assert _card(deck, "arachnodactyly").question_text.startswith(
        "Lens › Marfan syndrome Tall, with [...].")
    assert _card(deck, "dislocates").question_text.startswith(
        "Lens › Marfan syndrome Sign: Lens · Cause: dislocates [...]")
    assert _card(deck, "down").question_text.startswith(
        "Lens › Homocystinuria Lens goes [...].")


def test_a_word_heading_is_a_heading_and_bold_lines_nest_under_it(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    note = ("<h1 style='mso-list:l0'>Valvular disease</h1>\n<p><b>Mitral prolapse</b></p>\n"
            "<p>Mid-systolic <mark>click</mark>.</p>\n")
    deck = build_and_import(make_vault({"Valves.md": note}))
    assert _card(deck, "click").question_text.startswith(
        "Valves › Valvular disease › Mitral prolapse Mid-systolic [...].")
