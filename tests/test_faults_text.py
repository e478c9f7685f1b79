"""Hostile text in notes (issue 14): control characters and NUL bytes, UTF-16, YAML that
expands to billions of values, and links MathJax would make. Each vault is built by the
real command in its own process; the deck is imported into Anki, and the cards and the
exact warnings are checked. Nothing else in the vault is lost."""

from __future__ import annotations

import codecs
import io
import os
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from highyield.cli import cli
from highyield.errors import Diagnostic
from highyield.parse.frontmatter import split_frontmatter
from tests.anki_client import Imported, RenderedCard, import_apkg

GOOD = "- The ==good note== still builds.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
CONTROLS_HINT = ("  hint: control characters cannot go on an Anki card; delete them from the "
                 "note (an editor that shows invisible characters helps)")
MEMORY = 1 << 30  # bytes a build may take: an alias bomb took 3.9 GB


@dataclass
class Built:
    code: int
    stdout: str
    stderr: str
    seconds: float
    deck: Imported | None


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "highyield", *args], cwd=cwd,
                            capture_output=True, encoding="utf-8", timeout=60,
                            env={**os.environ, "PYTHONUTF8": "1"},
                            preexec_fn=_limit_memory)
    return result, time.perf_counter() - start


def _build(vault: Path) -> Built:
    """``highyield build vault -o out.apkg`` in the vault's parent, then the deck in Anki."""
    result, seconds = _run(vault.parent, "build", vault.name, "-o", "out.apkg")
    assert "Traceback" not in result.stderr, result.stderr
    deck = import_apkg(vault.parent / "out.apkg", vault.parent / "anki") \
        if result.returncode == 0 else None
    return Built(result.returncode, result.stdout, result.stderr, seconds, deck)


def _texts(deck: Imported | None) -> list[tuple[str, str]]:
    """(the file name in its Source field, its first field) of each Anki note, sorted."""
    assert deck is not None
    return sorted({(_source(c), next(iter(c.fields.values()))) for c in deck.cards})


def _source(card: RenderedCard) -> str:
    return re.sub(r"<[^>]+>", "", card.fields["Source"])


def test_control_characters_are_removed_from_every_field_and_the_deck_imports(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({
        "n.md": "- the ==a\x1fb== fact\n",
        "card.md": "Front\x1f::Back\n",
        "name\x1fd.md": "- ==named== note\n",
        "escape.md": "- an ==escape\x1b[31m== code and a\x7f DEL\n",
        "tags.md": '---\ntags: ["x\\0y", "bell\\a"]\n---\n- ==tagged== fact\n',
        "good.md": GOOD,
    })
    built = _build(vault)
    assert built.code == 0, built.stderr
    assert built.stderr == (
        f"vault/card.md:1: warning: control character U+001F removed\n{CONTROLS_HINT}\n"
        "vault/escape.md:1: warning: 2 control characters removed (U+001B, U+007F); "
        f"the first is here\n{CONTROLS_HINT}\n"
        f"vault/n.md:1: warning: control character U+001F removed\n{CONTROLS_HINT}\n"
        "vault/name\\x1fd.md: warning: the file name holds a control character; it is "
        "removed from the note's title on its cards\n  hint: rename the note\n")
    assert built.deck is not None
    assert _texts(built.deck) == [
        ("card.md", "Front"),
        ("escape.md", "an {{c1::escape[31m}} code and a DEL"),
        ("good.md", "The {{c1::good note}} still builds."),
        ("n.md", "the {{c1::ab}} fact"),
        ("named.md", "{{c1::named}} note"),
        ("tags.md", "{{c1::tagged}} fact"),
    ]
    assert built.deck.by_source("card.md")[0].fields["Back"] == "Back"
    named = built.deck.by_source("named.md")[0]
    assert named.fields["Context"] == "named"
    assert "file=name%1Fd" in named.fields["Source"]  # the link still opens the note
    assert sorted(built.deck.by_source("tags.md")[0].tags) == ["bell", "xy"]
    for card in built.deck.cards:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", str(card.fields) + card.answer)


def test_a_nul_anywhere_in_a_text_note_is_removed_and_binary_files_are_skipped(
        make_vault: Callable[..., Path]) -> None:
    """A NUL in a note that is otherwise text is a stray byte, wherever it is: removed,
    with a warning. A file that is not text and holds a NUL is binary, wherever the NUL
    is (not only in its first 8 KB): skipped, with a warning."""
    vault = make_vault({
        "deep.md": "- the ==first== fact\n" + "filler line\n" * 2000 + "- the ==last\0== one\n",
        "early.md": b"\0\0- the ==early== fact\n",
        "image.md": PNG + b"\0" * 20,
        "late.md": b"- a ==text== line\n" * 600 + PNG,  # text for 10 KB, then binary
        "good.md": GOOD,
    })
    built = _build(vault)
    assert built.code == 0, built.stderr
    assert built.stderr == (
        f"vault/deep.md:2002: warning: control character U+0000 removed\n{CONTROLS_HINT}\n"
        "vault/early.md:1: warning: 2 control characters removed (U+0000); the first is "
        f"here\n{CONTROLS_HINT}\n"
        "vault/image.md: warning: binary file skipped\n  hint: a note must be text; move "
        "binary files out of the notes, or give them another extension\n"
        "vault/late.md: warning: binary file skipped\n  hint: a note must be text; move "
        "binary files out of the notes, or give them another extension\n")
    assert _texts(built.deck) == [
        ("deep.md", "the {{c1::first}} fact"), ("deep.md", "the {{c1::last}} one"),
        ("early.md", "the {{c1::early}} fact"), ("good.md", "The {{c1::good note}} still builds.")]


def test_utf16_notes_with_a_byte_order_mark_are_read(make_vault: Callable[..., Path]) -> None:
    bad_utf16 = "- the ==lone== surrogate".encode("utf-16-le") + b"\x00\xd8" + \
        "\n".encode("utf-16-le")
    vault = make_vault({
        "le.md": codecs.BOM_UTF16_LE + "# Café\r\n- the ==naïve== fact\r\n".encode("utf-16-le"),
        "be.md": codecs.BOM_UTF16_BE + "- a ==big-endian== fact ✓\n".encode("utf-16-be"),
        "bom8.md": codecs.BOM_UTF8 + b"- the ==UTF-8 BOM== fact\n",
        "odd.md": codecs.BOM_UTF16_LE + "# Odd\n- the ==odd== fact\n".encode("utf-16-le") + b"!",
        "lone.md": codecs.BOM_UTF16_LE + "# Lone\n".encode("utf-16-le") + bad_utf16,
        "latin1.md": "- the ==naïve== Latin-1\n".encode("latin-1"),
        "good.md": GOOD,
    })
    built = _build(vault)
    assert built.code == 0, built.stderr
    assert built.stderr == (
        "vault/latin1.md:1: warning: not valid UTF-8; bad bytes shown as \ufffd\n"
        "  hint: re-save the note as UTF-8\n"
        "vault/lone.md:2: warning: not valid UTF-16; bad bytes shown as \ufffd\n"
        "  hint: re-save the note as UTF-8\n"
        "vault/odd.md:3: warning: not valid UTF-16; bad bytes shown as \ufffd\n"
        "  hint: re-save the note as UTF-8\n")
    assert _texts(built.deck) == [
        ("be.md", "a {{c1::big-endian}} fact ✓"),
        ("bom8.md", "the {{c1::UTF-8 BOM}} fact"),
        ("good.md", "The {{c1::good note}} still builds."),
        ("latin1.md", "the {{c1::na\ufffdve}} Latin-1"),
        ("le.md", "the {{c1::naïve}} fact"),
        ("lone.md", "the {{c1::lone}} surrogate\ufffd"),
        ("odd.md", "the {{c1::odd}} fact"),
    ]
    assert built.deck is not None
    assert built.deck.by_source("le.md")[0].fields["Context"] == "le › Café"


def test_write_ids_keeps_a_utf16_note_in_utf16(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({
        "le.md": codecs.BOM_UTF16_LE + "# Café\r\n- the ==naïve== fact\r\n".encode("utf-16-le"),
        "be.md": codecs.BOM_UTF16_BE + "- a ==big-endian== fact\n".encode("utf-16-be"),
    })
    result, _ = _run(vault.parent, "build", "vault", "-o", "out.apkg", "--write-ids")
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.endswith("  wrote 2 block ids into 2 notes\n")
    deck = import_apkg(vault.parent / "out.apkg", vault.parent / "anki")
    le, be = (deck.by_source(name)[0].guid for name in ("le.md", "be.md"))
    assert (vault / "le.md").read_bytes() == codecs.BOM_UTF16_LE + \
        f"# Café\r\n- the ==naïve== fact ^hy-{le}\r\n".encode("utf-16-le")
    assert (vault / "be.md").read_bytes() == codecs.BOM_UTF16_BE + \
        f"- a ==big-endian== fact ^hy-{be}\n".encode("utf-16-be")


BOMB = """\
---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
tags: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""
ALIASES_HINT = ("  hint: write the values out instead of repeating them with &anchors and "
                "*aliases; the note body is still used\n")


def test_frontmatter_that_expands_too_far_is_refused_at_once_and_the_body_read(
        make_vault: Callable[..., Path]) -> None:
    deep = "---\nx: " + "[" * 20_000 + "]" * 20_000 + "\n---\n"
    long = "---\n" + "".join(f"key{i}: value\n" for i in range(7000)) + "---\n"
    vault = make_vault({
        "bomb.md": BOMB + "- the ==body== survives\n",
        "itself.md": "---\nx: 1\ny: &y [a, *y]\n---\n- the ==itself== body\n",
        "deep.md": deep + "- the ==deep== body\n",
        "long.md": long + "- the ==long== body\n",
        "good.md": GOOD,
    })
    built = _build(vault)
    assert built.code == 0, built.stderr
    assert built.seconds < 15  # it took 60 s and 3.9 GB; a whole build is a second or two
    assert built.stderr == (
        "vault/bomb.md:6: warning: frontmatter expands to over 10,000 values (YAML "
        f"aliases); it is not read\n{ALIASES_HINT}"
        "vault/deep.md:2: warning: frontmatter nests more than 100 levels deep; it is not "
        "read\n  hint: use fewer levels of lists and mappings; the note body is still used\n"
        "vault/itself.md:3: warning: frontmatter holds itself (a YAML alias inside its own "
        f"anchor); it is not read\n{ALIASES_HINT}"
        "vault/long.md:1: warning: frontmatter is over 64 KB; it is not read\n"
        "  hint: keep long text in the note body; the note body is still used\n")
    assert sorted(text for _, text in _texts(built.deck)) == [
        "The {{c1::good note}} still builds.", "the {{c1::body}} survives",
        "the {{c1::deep}} body", "the {{c1::itself}} body", "the {{c1::long}} body"]
    start = time.perf_counter()  # and the frontmatter alone, in this process
    found: list[Diagnostic] = []
    split_frontmatter(BOMB.splitlines(), "bomb.md", found)
    assert time.perf_counter() - start < 0.5 and len(found) == 1


def test_a_deck_file_that_expands_too_far_is_a_clear_error(tmp_path: Path) -> None:
    """Its anchors under an unknown key, the bomb itself where a setting's value is
    written into a message: it took a gigabyte before it stopped with an internal error."""
    project = tmp_path / "project"
    (project / "decks").mkdir(parents=True)
    (project / "notes").mkdir()
    (project / "notes" / "n.md").write_text(GOOD)
    anchors = "".join(f"  {line.split(': ', 1)[1]},\n" for line in BOMB.splitlines()[1:9])
    (project / "decks" / "bomb.yaml").write_text(
        f"deck: Bomb\nnotes: ../notes\nanchors: [\n{anchors}]\n"
        "review:\n  learning_steps: [[*h,*h,*h,*h,*h,*h,*h,*h,*h]]\n")
    result, seconds = _run(project, "build")
    assert seconds < 15
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: decks/bomb.yaml:3: the deck definition expands to over 10,000 values (YAML "
        "aliases)\n  hint: write the values out instead of repeating them with &anchors "
        "and *aliases\n")



@pytest.mark.parametrize("char", ["\0", "\x7f", "\x90"])
def test_a_deck_file_with_a_character_yaml_refuses_names_it_and_its_line(
        tmp_path: Path, char: str) -> None:
    project = tmp_path / "project"
    (project / "decks").mkdir(parents=True)
    (project / "notes").mkdir()
    (project / "notes" / "n.md").write_text(GOOD)
    (project / "decks" / "d.yaml").write_text(f"deck: D\nnotes: ../notes\ntags: [a{char}b]\n")
    result, _ = _run(project, "build")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: decks/d.yaml:3: invalid YAML: the character U+{ord(char):04X}, which YAML "
        "does not allow\n  hint: delete it (an editor that shows invisible characters "
        "helps)\n")


def test_a_control_character_moved_is_said_where_it_is_now(
        make_vault: Callable[..., Path]) -> None:
    """The note's text without it is the same, so its cards come from the last build: the
    warning is this reading's (it was the last build's, naming the old line and
    character)."""
    vault = make_vault({"n.md": "- the ==first\0== fact\n- the ==second== fact\n",
                        "good.md": GOOD})
    first = _build(vault)
    assert first.stderr.startswith("vault/n.md:1: warning: control character U+0000 removed")
    (vault / "n.md").write_text("- the ==first== fact\n- the ==second\x7f== fact\n")
    moved = _build(vault)
    assert moved.code == 0, moved.stderr
    assert moved.stderr == (
        f"vault/n.md:2: warning: control character U+007F removed\n{CONTROLS_HINT}\n")
    assert "no card changed" in moved.stdout
    (vault / "n.md").write_text("- the ==first== fact\n- the ==second== fact\n")
    assert _build(vault).stderr == ""

LINK = re.compile(r"\\(?:href|url|hyperref)(?![A-Za-z])")


def test_mathjax_never_gets_a_link_command(make_vault: Callable[..., Path]) -> None:
    """Anki's MathJax would make ``\\href{javascript:…}{…}`` a link. The commands go,
    their text stays; code is shown as written (MathJax leaves code alone)."""
    vault = make_vault({"math.md": (
        "# \\\\(\\href{javascript:alert(0)}{heading}\\\\)\n"
        "- ==one== $\\href{javascript:alert(1)}{click}$\n"
        "- ==two== $\\url{javascript:alert(2)}$ and $$\\hyperref[sec]{see}$$\n"
        "- ==three== \\\\(\\href {javascript:alert(3)} {typed}\\\\)\n"
        "- {{c1::four}} \\\\(\\hr{{c2::ef}}{javascript:alert(4)}{y}\\\\)\n"
        "- ==five== `\\href{javascript:alert(5)}{code}`\n"), "good.md": GOOD})
    built = _build(vault)
    assert (built.code, built.stderr) == (0, "")
    assert built.deck is not None
    math = built.deck.by_source("math.md")
    assert sorted({c.fields["Text"] for c in math}) == [
        "{{c1::five}} <code>\\href{javascript:alert(5)}{code}</code>",
        "{{c1::four}} \\( {{c2::ef}}{javascript:alert(4)}{y}\\)",
        "{{c1::one}} \\( {click}\\)",
        "{{c1::three}} \\(  {typed}\\)",
        "{{c1::two}} \\( {javascript:alert(2)}\\) and \\[ {see}\\]",
    ]
    assert {c.fields["Context"] for c in math} == {"math › \\( {heading}\\)"}
    assert len(math) == 6  # "four" is two cards
    for card in math:  # as Anki shows each side, clozes as their bare text
        assert not LINK.search(card.without_anki_markup()), card.answer


# A file name that would drive the terminal ------------------------------------------------

ESCAPE_NAME = "a\x1b[31m\x1fb.md"  # an ANSI colour code, then a unit separator
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters a terminal obeys
NAMED = ("vault/a\\x1b[31m\\x1fb.md: warning: the file name holds a control character; it "
         "is removed from the note's title on its cards\n  hint: rename the note\n")


def _spawn(vault: Path, *args: str) -> tuple[pexpect.spawn[str], io.StringIO]:
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "highyield", *args], cwd=str(vault.parent),
                          env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.logfile_read = seen = io.StringIO()
    return child, seen


def test_control_characters_in_a_file_name_never_reach_the_terminal(
        make_vault: Callable[..., Path]) -> None:
    """A card is made from the note, with the control characters removed from its title
    (as the warning says); every command shows the name escaped, never sends it raw."""
    vault = make_vault({ESCAPE_NAME: "# C\n\n- The ==heart== pumps.\n",
                        "new\nline.md": "- The ==aorta== is big.\n", "good.md": GOOD})
    built, _ = _run(vault.parent, "build", "vault", "-o", "out.apkg", "-v")
    assert (built.returncode, built.stderr) == (0, NAMED)
    assert built.stdout.splitlines()[2:] == [
        "  + new      a\\x1b[31m\\x1fb.md:3  The {{c1::heart}} pumps.",
        "  + new      good.md:1  The {{c1::good note}} still builds.",
        "  + new      new\\x0aline.md:1  The {{c1::aorta}} is big."]
    deck = import_apkg(vault.parent / "out.apkg", vault.parent / "anki")
    assert sorted((_source(c), c.fields["Context"]) for c in deck.cards) == [
        ("a[31mb.md", "a[31mb › C"), ("good.md", "good"), ("new\nline.md", "new line")]
    cards, _ = _run(vault.parent, "cards", "vault")
    assert (cards.returncode, cards.stderr) == (0, "")
    assert [line for line in cards.stdout.splitlines() if not line.startswith("  ")] == [
        "a\\x1b[31m\\x1fb.md:3  cloze  " + deck.by_source("a[31mb")[0].guid, "",
        "good.md:1  cloze  " + deck.by_source("good.md")[0].guid, "",
        "new\\x0aline.md:1  cloze  " + deck.by_source("new\nline")[0].guid, "",
        "3 notes read · 3 cards in 3 Anki notes (3 cloze, 0 basic, 0 reversed) · 0 errors "
        "· 1 warning"]
    assert "  a[31mb › C\n" in cards.stdout and "  new line\n" in cards.stdout
    checked, _ = _run(vault.parent, "check", "vault")
    assert (checked.returncode, checked.stdout.split("Checked")[0]) == (0, NAMED)
    quiz, seen = _spawn(vault, "quiz", "vault", "--state", "s.sqlite3")
    quiz.expect_exact("a[31mb › C")
    quiz.send(" ")
    quiz.expect_exact("Source: a\\x1b[31m\\x1fb.md:3")
    quiz.send("e")
    quiz.expect_exact("Edit: vault/a\\x1b[31m\\x1fb.md:3")
    quiz.send("q")
    quiz.expect(pexpect.EOF)
    watch, watched = _spawn(vault, "watch", "vault", "-o", "w.apkg", "-v")
    watch.expect_exact(NAMED.replace("\n", "\r\n"))
    watch.expect_exact("Watching vault for changes; Ctrl-C stops.")
    with (vault / "new\nline.md").open("a", encoding="utf-8") as f:
        f.write("- The ==vena cava== is big too.\n")
    watch.expect_exact("+ new      new\\x0aline.md:2  The {{c1::vena cava}} is big too.")
    watch.kill(signal.SIGINT)
    watch.expect(pexpect.EOF)
    for said in (built.stdout, built.stderr, cards.stdout, checked.stdout, seen.getvalue(),
                 watched.getvalue()):
        assert not RAW.search(said.replace("\r\n", "\n")), said  # a terminal's line ends


def test_a_control_character_in_a_folder_name_is_removed_from_the_tags(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Ne\x1buro\tlogy/x.md": GOOD})
    built = _build(vault)
    assert (built.code, built.stderr) == (0, (
        "vault/Ne\\x1buro\\x09logy/x.md: warning: a folder name holds a control character; it "
        "is removed from the note's tags on its cards\n  hint: rename the folder\n"))
    assert built.deck is not None
    [card] = built.deck.cards
    assert (card.fields["Context"], card.tags) == ("x", ["Neuro_logy"])


def test_cloze_numbers_outside_the_limit_are_said_to_be_left_out(
        make_vault: Callable[..., Path]) -> None:
    """``{{c1::`` to ``{{c500::`` are deletions (Anki makes no card past c500: sixteenth
    fault probe); another number (c501, c1000, c0, c-1, twenty digits) is shown as
    written, the warning says so at the item's line, and its ``::`` never makes a
    Front::Back card."""
    many = " ".join(f"{{{{c{n}::w{n}}}}}" for n in range(1, 1201))
    vault = make_vault({"many.md": f"# Many\n\n- {many}\n- {{{{c1000::one}}}} more ==here==\n"
                                   "- `{{c1000::code}}` is ==shown as written==\n"
                                   "- {{c0::zero}} is ==not a card number==\n"
                                   "- {{c-1::minus}} and {{c99999999999999999999::huge}} y\n",
                        "good.md": GOOD})
    built = _build(vault)
    hint = ("  hint: number the deletions from c1 to c500 (each number is a card; Anki "
            "makes none past it); split a longer list into several items\n")
    assert (built.code, built.stderr) == (0, (
        "vault/many.md:3: warning: cloze numbers outside c1 to c500 are left out: "
        "{{c501::…}} and 699 more are shown as written, not hidden\n" + hint +
        "vault/many.md:4: warning: a cloze number outside c1 to c500 is left out: "
        "{{c1000::…}} is shown as written, not hidden\n" + hint +
        "vault/many.md:6: warning: a cloze number outside c1 to c500 is left out: "
        "{{c0::…}} is shown as written, not hidden\n" + hint +
        "vault/many.md:7: warning: cloze numbers outside c1 to c500 are left out: "
        "{{c-1::…}} and 1 more are shown as written, not hidden\n" + hint))
    assert built.deck is not None
    many_cards = [c for c in built.deck.by_source("many.md") if "w1 " in c.answer_text]
    assert len(many_cards) == 500
    assert max(c.ord for c in built.deck.cards) < 500  # Anki makes no card past c500
    assert many_cards[0].question_text.endswith("{{c1199::w1199}} {{c1200::w1200}}")
    [more] = [c for c in built.deck.by_source("many.md") if "here" in c.answer_text]
    assert more.question_text == "many {{c1000::one}} more [...]"
    [zero] = [c for c in built.deck.by_source("many.md") if "zero" in c.answer_text]
    assert zero.question_text == "many {{c0::zero}} is [...]"
    assert not [c for c in built.deck.cards if "minus" in c.answer_text]
    assert "basic" not in built.stdout.replace("0 basic", "")


def test_highlights_past_the_500th_deletion_stay_text_and_anki_takes_the_deck(
        make_vault: Callable[..., Path]) -> None:
    """A statement of 70,000 highlights made a deck Anki refuses; deletions stop at c500,
    past which Anki makes no card (after the statement's own clozes), and the warning says
    how many were left."""
    line = "- {{c5::first}} " + "==ab== " * 70_000 + "\n"
    vault = make_vault({"hl.md": "# Highlights\n\n" + line, "good.md": GOOD})
    built = _build(vault)
    assert (built.code, built.stderr) == (0, (
        "vault/hl.md:3: warning: 69,505 highlights past the 500th deletion of one "
        "statement are left as text, not hidden\n  hint: number the deletions from c1 to "
        "c500 (each number is a card; Anki makes none past it); split a longer list into "
        "several items\n"))
    assert built.deck is not None
    cards = built.deck.by_source("hl.md")
    assert len(cards) == 496  # c5, then c6 to c500
    assert cards[0].fields["Text"].count("{{c") == 496
    assert _texts(built.deck)[0] == ("good.md", "The {{c1::good note}} still builds.")


def test_a_highlight_of_html_only_is_said_and_leaves_no_empty_item_on_other_cards(
        make_vault: Callable[..., Path]) -> None:
    """``==<svg onload=…>==`` keeps nothing of its HTML: it hides nothing, which is said at
    its line, and its item is no blank bullet in its neighbours' lists (eighth fault probe:
    it vanished without a word, leaving an empty item on each neighbour's card)."""
    note = ("Causes of microcytic anemia:\n- ==<svg onload=alert(1)>==\n"
            "- ==Iron deficiency==\n- ==Lead poisoning==\n")
    vault = make_vault({"anemia.md": note, "good.md": GOOD})
    built = _build(vault)
    assert (built.code, built.stderr) == (0, (
        "vault/anemia.md:2: warning: a highlight has nothing to hide (HTML other than "
        "formatting is left out, and an image cannot be hidden): no deletion made\n"
        "  hint: write the fact as text between == and ==\n"))
    assert built.deck is not None
    cards = built.deck.by_source("anemia.md")
    assert len(cards) == 2
    for card in cards:
        assert "<li></li>" not in card.fields["Text"] and "svg" not in card.fields["Text"]
        assert card.fields["Text"].count("<li>") == 2  # its own blank and the other item


def test_one_mistake_repeated_two_thousand_times_is_shown_five_times_and_counted_whole(
        make_vault: Callable[..., Path]) -> None:
    """The line that stands for the rest follows its examples and says from where, and
    the summaries count every one (eighth fault probe: it came first, with no line, and
    the summary said 7 warnings)."""
    vault = make_vault({"hl.md": "- " + "==a " * 2000 + "\n", "good.md": GOOD})
    unclosed = ("vault/hl.md:1: warning: unclosed highlight ==\n  hint: add the closing == "
                "(write \\== for literal equals signs); the text is kept without a highlight\n")
    checked, _ = _run(vault.parent, "check", vault.name)
    assert checked.stdout.startswith(unclosed * 5 + unclosed.replace(
        "unclosed", "and 1,995 more like this from here on: unclosed", 1))
    assert "· 0 errors · 2,000 warnings" in checked.stdout
    built = _build(vault)
    assert "· 0 errors · 2,000 warnings" in built.stdout
    assert built.stderr.index("1,995 more like this") > built.stderr.rindex(
        "warning: unclosed highlight ==")


def test_a_statement_of_1500_highlights_reworded_rebuilds_in_seconds(
        make_vault: Callable[..., Path]) -> None:
    """Every one of its highlights reworded: the card is matched to its old self (one
    card updated, none new) in seconds (seventh fault probe: 999 took 44 s, 1,500 over
    100 s; the word-by-word comparison grew with the square of the repeated words)."""
    line = "Facts: " + " ".join(f"word{i} ==w{i} alpha beta==" for i in range(1500))
    vault = make_vault({"big.md": f"# Big\n\n{line}\n"})
    first = _build(vault)
    assert first.code == 0 and "+1 new" in first.stdout
    (vault / "big.md").write_text(f"# Big\n\n{line.replace('beta==', 'betta==')}\n")
    again = _build(vault)
    assert again.seconds < 15, again.seconds
    assert again.stdout.startswith("Built vault → out.apkg: ~1 updated\n"), again.stdout
    assert again.deck is not None and len(again.deck.cards) == 500


def test_clozes_nested_50000_deep_build_in_seconds_and_deeper_ones_are_text(
        make_vault: Callable[..., Path]) -> None:
    """A 250 KB item of clozes nested 50,000 deep. Clozes nest 3 deep, as Anki 24.11
    allowed (Anki renders each level into the one around it, so a long note nested 10
    deep, all Anki 26 allows, takes it minutes and gigabytes); deeper ones are text. Each
    nested deletion is a card in Anki (genanki's own count made only the outer one)."""
    depth = 50_000
    four = ("- Layers of the wall: {{c1::adventitia {{c2::media {{c3::intima "
            "{{c4::endothelium}}}}}}}} from outside in\n")
    vault = make_vault({"deep.md": "# Deep\n\n- " + "{{c1::" * depth + "x" + "}}" * depth + "\n",
                        "three.md": four, "good.md": GOOD})
    built = _build(vault)
    assert built.seconds < 15  # it took minutes, and gigabytes
    hint = "  hint: close some clozes before opening more; the deeper ones are kept as text\n"
    assert (built.code, built.stderr) == (0, (
        f"vault/deep.md:3: warning: clozes nested more than 3 deep\n{hint}"
        "vault/deep.md:3: warning: card shows nothing but its title and headings\n"
        "  hint: highlight only the words worth hiding, or write a label before them, "
        "e.g. `Mechanism: ==…==`\n"
        f"vault/three.md:1: warning: clozes nested more than 3 deep\n{hint}"))
    assert built.deck is not None
    [deep] = built.deck.by_source("deep.md")
    text = "{{c1::" * (depth - 3) + "x" + "}}" * (depth - 3)
    assert deep.fields["Text"] == "{{c1::" * 3 + text.replace("{{c1::", "{&#123;c1:&#58;") \
        .replace("}}", "}&#125;") + "}}" * 3  # a cloze kept as text keeps its }} too
    assert deep.question_text == "deep [...]"
    assert deep.answer_text == f"deep {text} deep.md"
    three, *inner = built.deck.by_source("three.md")
    assert [c.question_text for c in inner] == [
        "three Layers of the wall: adventitia [...] from outside in",
        "three Layers of the wall: adventitia media [...] from outside in"]
    assert three.fields["Text"] == (
        "Layers of the wall: {{c1::adventitia {{c2::media {{c3::intima "
        "{&#123;c4:&#58;endothelium}&#125;}}}}}} from outside in")
    assert three.answer_text == ("three Layers of the wall: adventitia media intima "
                                 "{{c4::endothelium}} from outside in three.md")
    assert _texts(built.deck)[1] == ("good.md", "The {{c1::good note}} still builds.")


SURROGATE_LINES = ['deck: "D\\ud800"', 'tags: ["\\ud800"]', 'obsidian_vault: "\\ud800"',
                   'auto_cloze: {include: ["\\ud800"]}']


@pytest.mark.parametrize("line", SURROGATE_LINES)
def test_a_lone_surrogate_in_yaml_is_text_not_an_internal_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    """YAML's "\\ud800" escape gives a lone surrogate, which no file, database or terminal
    takes: it is read as U+FFFD, in a deck file and in a note's frontmatter."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text('---\ntags: ["x\\ud800"]\n---\n- ==a== fact\n')
    (tmp_path / "decks").mkdir()
    lines = ["deck: D", "notes: ../notes", "output: d.apkg"]
    key = line.split(":")[0]
    (tmp_path / "decks" / "d.yaml").write_text(
        "\n".join([*(kept for kept in lines if not kept.startswith(key + ":")), line]) + "\n")
    monkeypatch.chdir(tmp_path)
    for command in (["build"], ["check"], ["cards"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code in (0, 1), (command, result.output)
        assert "internal error" not in result.output
    imported = import_apkg(tmp_path / "decks" / "d.apkg", tmp_path / "anki")
    assert [c.question_text.split()[-2:] for c in imported.cards] == [["[...]", "fact"]]
    assert any("x\ufffd" in c.tags for c in imported.cards)


def test_frontmatter_tags_that_are_not_text_are_left_out_with_a_warning(
        make_vault: Callable[..., Path]) -> None:
    """A YAML set, mapping or binary value under ``tags`` became a Python repr as an Anki
    tag (a set's in a random order); it is left out, with a warning at its line."""
    vault = make_vault({
        "set.md": "---\ntitle: x\ntags: !!set {b, a}\n---\n- The ==set== note\n",
        "map.md": "---\ntags: [cardio, {a: 1}, [x], step1]\n---\n- The ==map== note\n",
        "bin.md": "---\naliases: !!binary aGk=\ntags: 2024\n---\n- The ==bin== note\n",
        "good.md": GOOD})
    built = _build(vault)
    hint = "; the note body is still used\n"
    assert (built.code, built.stderr) == (0, (
        "vault/bin.md:2: warning: `aliases` holds a value that is not text (a mapping, a set "
        "or binary data); it is left out\n  hint: write a list of words, e.g. `aliases: "
        f"[cardio, step1]`{hint}"
        "vault/map.md:2: warning: `tags` holds a value that is not text (a mapping, a set or "
        f"binary data); it is left out\n  hint: write a list of words, e.g. `tags: [cardio, "
        f"step1]`{hint}"
        "vault/set.md:3: warning: `tags` holds a value that is not text (a mapping, a set or "
        f"binary data); it is left out\n  hint: write a list of words, e.g. `tags: [cardio, "
        f"step1]`{hint}"))
    assert built.deck is not None
    tags = {_source(c): sorted(c.tags) for c in built.deck.cards}
    assert tags == {"bin.md": ["2024"], "good.md": [], "map.md": ["cardio", "step1"],
                    "set.md": []}


NUL_LINES = ['include: ["a\\0b"]', 'highlights: {syntaxes: ["\\0x"]}',
             'highlights: {colors: ["\\0x"]}', 'review: {learning_steps: ["1\\0m"]}',
             'output: "x\\0.apkg"', 'deck: "A\\0B"']


@pytest.mark.parametrize("line", NUL_LINES)
def test_a_nul_in_a_deck_file_value_is_shown_escaped(tmp_path: Path, line: str) -> None:
    """A value quoted back in an error message keeps its control characters out of the
    terminal (a NUL was printed raw), and an output name with a NUL is an error at its
    line, not an internal error."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("- ==a== fact\n")
    (tmp_path / "decks").mkdir()
    key = line.split(":")[0]
    kept = [k for k in ("deck: D", "notes: ../notes") if not k.startswith(key + ":")]
    (tmp_path / "decks" / "d.yaml").write_text("\n".join([*kept, line]) + "\n")
    result, _ = _run(tmp_path, "build")
    assert "\x00" not in result.stderr + result.stdout
    assert "\\x00" in result.stderr or line.startswith("output"), result.stderr
    assert re.search(r"decks/d.yaml:\d+: ", result.stderr), result.stderr
    assert "internal error" not in result.stderr


def test_spaces_around_the_parts_of_a_deck_name_are_the_name_anki_keeps(
        tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("- ==a== fact\n")
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "d.yaml").write_text('deck: " Step 1 ::  Cardio "\nnotes: ../notes\n')
    result, _ = _run(tmp_path, "build")
    assert result.stdout.startswith("Built Step 1::Cardio → decks/Step 1-Cardio.apkg")
    imported = import_apkg(tmp_path / "decks" / "Step 1-Cardio.apkg", tmp_path / "anki")
    assert [c.deck for c in imported.cards] == ["Step 1::Cardio"]


def test_a_right_to_left_mark_in_a_name_is_shown_escaped(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """U+202E turns what follows it around on screen: "Built x\u202ey → d.apkg" could
    read as another name. It is shown as \\u202e, as control characters are shown."""
    vault = tmp_path / "x\u202ey"
    vault.mkdir()
    (vault / "a.md").write_text("- ==a== fact\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", vault.name, "-o", "d.apkg"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built x\\u202ey → d.apkg: +1 new\n")
