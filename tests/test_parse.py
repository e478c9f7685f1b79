"""Parser details the fixture files do not show at a glance."""

from __future__ import annotations

import itertools

from highyield.errors import Diagnostic
from highyield.model import (
    BlockKind,
    Break,
    Cloze,
    Code,
    Embed,
    Highlight,
    Inline,
    Inlines,
    Math,
    Note,
    Source,
    Styled,
    Text,
    plain_text,
)
from highyield.parse import parse_note
from highyield.parse.blocks import split_cells
from highyield.parse.scan import Finder
from highyield.vault.globs import Selection, compile_glob


def _note(text: str) -> tuple[Note, list[Diagnostic]]:
    return parse_note(Source("n.md", "n.md", text))


def test_blocks_keep_their_lines() -> None:
    note, _ = _note("---\ntags: [a]\n---\n\n# H\n- one\n  continued\n\n  para under one\n"
                    "- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    shape = [(b.kind, b.line, b.end_line, b.parent) for b in note.blocks]
    assert shape == [
        (BlockKind.HEADING, 5, 5, None),
        (BlockKind.LIST_ITEM, 6, 7, None),
        (BlockKind.PARAGRAPH, 9, 9, 1),
        (BlockKind.LIST_ITEM, 10, 10, None),
        (BlockKind.TABLE_ROW, 14, 14, None),
    ]
    assert note.blocks[1].inlines == (Text("one"), Break(7), Text("continued"))


def test_no_lazy_continuation_after_a_list() -> None:
    note, _ = _note("- item\nHeading-like line\n")
    assert [b.kind for b in note.blocks] == [BlockKind.LIST_ITEM, BlockKind.PARAGRAPH]


def test_callouts_nest_and_name_their_section() -> None:
    note, _ = _note("# Top\n> [!warning]- Careful\n> - ==x==\n> > [!note]\n> > inner ==y==\n")
    sections = [b.section for b in note.blocks if b.kind is not BlockKind.HEADING]
    assert sections == [("Top", "Careful"), ("Top", "Careful", "Note")]


def test_callout_metadata_after_a_bar_is_not_the_title() -> None:
    note, _ = _note("> [!quote|#ffd400] Highlight\n> ==x==\n\n> [!tip|wide]\n> ==y==\n")
    assert [b.section for b in note.blocks] == [("Highlight",), ("Tip",)]


def test_multiline_card_blocks() -> None:
    note, problems = _note("Q line one\nQ line two\n?\nA one\n- A two\n\nnext\n")
    card = note.blocks[0]
    assert card.kind is BlockKind.MULTILINE_CARD
    assert (card.line, card.end_line) == (1, 5)
    assert card.answer == (Text("A one"), Break(5), Text("• A two"))
    assert problems == []


def test_inline_nodes() -> None:
    note, _ = _note('- a ==b **c**== {{c3::d::e}} `f` $g$ ![[h.png|120]] <sub>i</sub>\n')
    assert note.blocks[0].inlines == (
        Text("a "), Highlight((Text("b "), Styled("b", (Text("c"),))), "equals"), Text(" "),
        Cloze(3, (Text("d"),), "e"), Text(" "), Code("f"), Text(" "), Math("g", False),
        Text(" "), Embed("h.png", "", 120, 1), Text(" "), Styled("sub", (Text("i"),)))


def test_highlight_flanking_rules() -> None:
    note, problems = _note("- a == b == c\n- 2 ==3== 4\n")
    assert note.blocks[0].inlines == (Text("a == b == c"),)
    assert note.blocks[1].inlines == (Text("2 "), Highlight((Text("3"),), "equals"), Text(" 4"))
    assert problems == []


def _inlines(text: str) -> tuple[Inlines, list[str]]:
    note, problems = _note(f"- {text}\n")
    return note.blocks[0].inlines, [p.message for p in problems]


def _nodes(children: tuple[str | Inline, ...]) -> Inlines:
    return tuple(Text(c) if isinstance(c, str) else c for c in children)


def _b(*children: str | Inline) -> Styled:
    return Styled("b", _nodes(children))


def _hl(*children: str | Inline) -> Highlight:
    return Highlight(_nodes(children), "equals")


def test_bold_and_highlight_that_cross_are_split_not_left_as_text() -> None:
    # the bold closes right after the highlight: it ends inside it
    assert _inlines("==a **b==** c") == ((_hl("a ", _b("b")), Text(" c")), [])
    # the highlight opens right after the bold: the highlight is the outer one
    assert _inlines("**==a** b== c") == ((_hl(_b("a"), " b"), Text(" c")), [])
    # otherwise the bold is split at the highlight's closer and goes on after it
    assert _inlines("==a **b== c** d") == ((_hl("a ", _b("b")), _b(" c"), Text(" d")), [])
    assert _inlines("**a ==b** c== d") == ((_b("a ", _hl("b")), _hl(" c"), Text(" d")), [])
    assert _inlines("*a **b* c**") == (
        (Styled("i", (Text("a "), _b("b"))), _b(" c")), [])
    # three opened together: each one that closes first moves inside the others
    assert _inlines("_**==aa_ bb**== cc") == (
        (_b(_hl(Styled("i", (Text("aa"),)), " bb")), Text(" cc")), [])


def test_any_two_crossing_delimiters_leave_no_marker_and_no_warning() -> None:
    words = ["aa", "bb", "cc", "dd"]
    spans = [(i, j) for i in range(4) for j in range(i, 4)]
    kinds = ["==", "**", "*", "__", "_"]
    for first, second in itertools.permutations(kinds, 2):
        if first[0] == second[0]:
            continue  # "***" is a different question
        for (i1, j1), (i2, j2), outer_first in itertools.product(spans, spans, (True, False)):
            before: list[list[str]] = [[] for _ in words]
            after: list[list[str]] = [[] for _ in words]
            before[i1].append(first)
            after[j1].append(first)
            before[i2].insert(0 if outer_first else 1, second)
            after[j2].insert(1 if outer_first else 0, second)
            text = " ".join("".join(b) + w + "".join(a)
                            for b, w, a in zip(before, words, after, strict=True))
            inlines, problems = _inlines(text)
            assert (plain_text(inlines), problems) == (" ".join(words), []), text


def test_a_delimiter_really_unclosed_stays_text() -> None:
    assert _inlines("==a **b== c") == ((_hl("a **b"), Text(" c")), [])
    assert _inlines("**==a** b") == ((_b("==a"), Text(" b")), ["unclosed highlight =="])
    assert _inlines("==a **b== **c**") == ((_hl("a **b"), Text(" "), _b("c")), [])


def test_highlight_with_a_space_inside_its_edge() -> None:
    assert _inlines("as== recurrent episodes== of") == (
        (Text("as"), _hl(" recurrent episodes"), Text(" of")), [])
    assert _inlines("==EBV == in teens") == ((_hl("EBV "), Text(" in teens")), [])
    assert _inlines("==EBV ==, CMV") == ((_hl("EBV "), Text(", CMV")), [])
    # a closer written after a word still wins, and lone == stay text
    assert _inlines("==a == b==") == ((_hl("a == b"),), [])
    assert _inlines("x== y and a == b") == ((Text("x== y and a == b"),), [])


def test_entities_are_decoded_once() -> None:
    note, _ = _note("- AT&amp;T &lt;b&gt; & co\n")
    assert note.blocks[0].inlines == (Text("AT&T <b> & co"),)


def test_table_cells_respect_escaped_pipes_links_and_code() -> None:
    assert split_cells("| [[a\\|b]] | `x|y` | c \\| d |") == ["[[a\\|b]]", "`x|y`", "c \\| d"]


def test_finder_is_linear_and_correct() -> None:
    finder = Finder("ab ab ab")
    assert [finder.find("ab", i) for i in range(9)] == [0, 3, 3, 3, 6, 6, 6, -1, -1]
    assert finder.find("zz", 0) == -1 and finder.find("zz", 5) == -1


def test_globs() -> None:
    assert compile_glob("Clippings/**").match("Clippings/a/b.md")
    assert not compile_glob("Clippings/**").match("Other/Clippings.md")
    assert compile_glob("*.md").match("deep/down/n.md")
    assert compile_glob("Templates/").match("Templates/t.md")
    selection = Selection(("**/*.md",), ("Templates/**", "**/draft-*.md"))
    assert selection.matches("USMLE/n.md")
    assert not selection.matches("Templates/t.md")
    assert not selection.matches("USMLE/draft-1.md")


def test_html_table_rows_keep_their_lines_and_the_text_after_them() -> None:
    note, diagnostics = _note(
        "Intro\n<div><table border=1>\n<tr><th>Drug</th><th>Effect</th></tr>\n"
        "<tr><td>Digoxin</td>\n<td><p>inhibits Na/K\nATPase</p><p>narrow window</p></td>\n"
        "</tr><tr><td>Adenosine<td>short</table></div> After it.\nNext line\n")
    assert diagnostics == []
    shape = [(b.kind, b.line, b.end_line) for b in note.blocks]
    assert shape == [(BlockKind.PARAGRAPH, 1, 1), (BlockKind.TABLE_ROW, 4, 5),
                     (BlockKind.TABLE_ROW, 7, 7), (BlockKind.PARAGRAPH, 7, 8)]
    first = note.blocks[1]
    assert first.headers == ((Text("Drug"),), (Text("Effect"),))
    assert first.cells == ((Text("Digoxin"),),
                           (Text("inhibits Na/K ATPase"), Break(5), Text("narrow window")))
    assert note.blocks[2].cells == ((Text("Adenosine"),), (Text("short"),))
    assert note.blocks[3].inlines == (Text("After it."), Break(8), Text("Next line"))


def test_p_tags_become_line_breaks_only_between_text() -> None:
    note, _ = _note("<p>One</p> <p><b>Two</b></p><p></p>\n")
    assert note.blocks[0].inlines == (Text("One"), Break(1), Styled("b", (Text("Two"),)))


def test_an_unclosed_html_table_is_text_with_a_warning() -> None:
    note, diagnostics = _note("<table><tr><td>a</td><td>b</td></tr>\n<tr><td>c<td>d\n")
    assert [(d.line, d.message) for d in diagnostics] == [
        (1, "HTML table has no </table>: read as text")]
    assert [b.kind for b in note.blocks] == [BlockKind.PARAGRAPH]
    assert note.blocks[0].inlines == (Text("a b"), Break(2), Text("c d"))


def test_an_html_heading_alone_on_its_line_is_a_heading() -> None:
    note, _ = _note("<h2 style='mso-x'><span>Valvular disease</span></h2>\n- ==MVP== click\n"
                    "<h3>not alone</h3> text\n")
    assert [(b.kind, b.level) for b in note.blocks] == [
        (BlockKind.HEADING, 2), (BlockKind.LIST_ITEM, 0), (BlockKind.PARAGRAPH, 0)]
    assert note.blocks[1].section == ("Valvular disease",)


def test_reading_notes_leaves_no_cycles_for_the_collector() -> None:
    """Builds run with the cyclic collector off (it walked every card again and again): the
    notes read must leave no garbage that only it could free (each inline parser kept its
    own bound methods, a cycle, and the garbage grew with every block)."""
    import gc
    from pathlib import Path

    from highyield.config import folder_deck
    from highyield.deck.reader import CachedReader
    from highyield.vault.media import MediaResolver, MediaSet

    vault = Path(__file__).parent.parent / "notes"
    deck = folder_deck(vault, None)
    reader = CachedReader(deck, MediaSet(MediaResolver(vault)), {}, True)
    paths = sorted(vault.rglob("*.md"))
    assert len(paths) >= 5
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path in paths:
            reader.read(path, path.relative_to(vault).as_posix())
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert reader.fresh == len(paths) and left == []
