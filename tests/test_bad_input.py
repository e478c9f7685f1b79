"""Bad input: a clear diagnostic naming the file and line, the rest of the vault still
built, and never a traceback."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import folder_deck
from highyield.deck.cache import collector_off
from highyield.errors import HighyieldError, Severity, display_path
from highyield.identity.collect import collect, deck_notes
from tests.anki_client import Imported, import_apkg

GOOD = "# Good\n- The ==good note== still builds.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def _messages(vault: Path) -> list[str]:
    collected = collect(folder_deck(vault, None))
    return [f"{Path(d.path).name}:{d.line}: {d.severity.value}: {d.message}"
            for d in collected.diagnostics]


def test_non_utf8_is_decoded_with_replacement_and_warned(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({
        "latin1.md": "# Caf\xe9\n\n- The ==na\xefve== fact\n".encode("latin-1"),
        "good.md": GOOD,
    })
    assert _messages(vault) == [
        "latin1.md:1: warning: not valid UTF-8; bad bytes shown as \ufffd"]
    deck = build_and_import(vault)
    texts = sorted(c.fields["Text"] for c in deck.cards)
    assert texts == ["The {{c1::good note}} still builds.", "The {{c1::na\ufffdve}} fact"]


def test_binary_file_is_skipped_and_warned(make_vault: Callable[..., Path],
                                           build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"image.md": PNG + b"\x00" * 20, "good.md": GOOD})
    assert _messages(vault) == ["image.md:None: warning: binary file skipped"]
    assert len(build_and_import(vault).cards) == 1


def test_invalid_frontmatter_warns_with_line_and_keeps_body(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({
        "bad.md": "---\ntitle: ok\ntags: [a, b\nmore: x\n---\n- the ==kept== fact\n"})
    messages = _messages(vault)
    assert len(messages) == 1
    assert messages[0] == ("bad.md:4: warning: invalid YAML frontmatter: expected ',' or "
                           "']', but got ':' (the [ opened at line 3)")
    assert [c.fields["Text"] for c in build_and_import(vault).cards] == ["the {{c1::kept}} fact"]


def test_unclosed_markup_warns_and_the_rest_of_the_note_is_used(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"n.md": "- one ==open\n- two {{c2::open\n- three ==closed== fact\n"})
    assert _messages(vault) == [
        "n.md:1: warning: unclosed highlight ==",
        "n.md:2: warning: unclosed cloze {{c2::",
    ]
    deck = build_and_import(vault)
    assert [c.fields["Text"] for c in deck.cards] == ["three {{c1::closed}} fact"]


def test_embed_outside_the_vault_or_missing_is_never_packed(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported],
        tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    vault = make_vault({
        "n.md": "- ==a== ![](../secret.png)\n- ==b== ![[/etc/passwd.png]]\n"
                "- ==c== ![[nowhere.png]]\n- ==d== ![](file:///etc/x.png)\n",
        # inside the vault from the note, missing: not "outside" (from the vault's top it
        # would be; fault probe)
        "sub/m.md": "- The ==ulna== is medial ![[../img/gone.png]]\n",
    })
    assert _messages(vault) == [
        "n.md:1: warning: image '../secret.png' points outside the vault; it is not packed",
        "n.md:2: warning: image '/etc/passwd.png' was not found in the vault",
        "n.md:3: warning: image 'nowhere.png' was not found in the vault",
        "n.md:4: warning: image 'file:///etc/x.png' is a URL, not a file in the "
        "vault; it is not packed",
        "m.md:1: warning: image '../img/gone.png' was not found in the vault",
    ]
    deck = build_and_import(vault)
    assert deck.media == []
    assert all("<img" not in c.question + c.answer for c in deck.cards)


def test_a_symlink_out_of_the_vault_is_not_followed(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported],
        tmp_path: Path) -> None:
    (tmp_path / "private.md").write_text("- ==private== note\n")
    (tmp_path / "private.png").write_bytes(PNG)
    vault = make_vault({"good.md": GOOD + "- ==pic== ![[link.png]]\n"})
    (vault / "link.md").symlink_to(tmp_path / "private.md")
    (vault / "link.png").symlink_to(tmp_path / "private.png")
    messages = _messages(vault)
    assert "link.md:None: warning: note is a link to a file outside the vault; skipped" in messages
    deck = build_and_import(vault)
    assert deck.media == []
    assert all("private" not in c.fields["Text"] for c in deck.cards)


def test_unreadable_note_is_an_error_and_others_still_build(
        make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"locked.md": "- ==x==\n", "good.md": GOOD})
    from highyield.vault.opening import open_in_vault as real

    def open_in_vault(root: Path, path: Path) -> BinaryIO:
        if path.name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real(root, path)

    monkeypatch.setattr("highyield.vault.notes.open_in_vault", open_in_vault)
    collected = collect(folder_deck(vault, None))
    assert [(d.severity, d.message) for d in collected.diagnostics] == [
        (Severity.ERROR, "cannot read note: Permission denied")]
    assert len(build_and_import(vault).cards) == 1


def test_a_note_deleted_while_the_vault_is_read_is_a_warning_not_a_permission_error(
        make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        build_and_import: Callable[..., Imported]) -> None:
    """Under `watch`, a thousand notes deleted at once were a thousand errors that said to
    check the files' permissions (thirteenth fault probe)."""
    vault = make_vault({"gone.md": "- ==x==\n", "good.md": GOOD})
    from highyield.vault.opening import open_in_vault as real

    def open_in_vault(root: Path, path: Path) -> BinaryIO:
        if path.name == "gone.md":  # listed, then deleted before it was opened
            path.unlink()
        return real(root, path)

    monkeypatch.setattr("highyield.vault.notes.open_in_vault", open_in_vault)
    collected = collect(folder_deck(vault, None))
    assert [(d.severity, d.message, d.hint) for d in collected.diagnostics] == [
        (Severity.WARNING, "note deleted or moved while the vault was read; skipped",
         "nothing to do: the next build reads the vault again")]
    assert len(build_and_import(vault).cards) == 1


HOSTILE = ["==a ", "{{c1::x ", "<mark>", "[[", "$", "`", "**", "<span style='background:red'>",
           "%%", "<!--", "![[", "<b>", "{{c1::{{c2::", "> ", "- [[", "\t- ==x\n",
           "<script>",  # an element skipped to its close tag, which never comes
           "START\n",  # an Obsidian_to_Anki note that never ends
           "- ==x==\n",  # one list of highlighted items: each card shows a few siblings
           "a ==b== c:\n- ==d==\n",  # lead-ins, each owning a list
           "AB::CD ", "LH:FSH::2:1 ", "[k:: ",  # gene fusions, ratios, an unclosed field
           "<table>\n", "<table><tr><td a='<td ", "<td>a", "<p>a</p>", "<table>\n<tr><td>x\n"
           "</table>\n", "**Bold line**\n\n", "<h2>x</h",  # HTML tables and headings
           "==a **b== c** ", "**==a** b== ", "_**==a_ b**== ",  # crossing delimiters
           "==a **b== ", "as== b== ",  # split bold never closed; spaces inside the edge
           # multi-line cards stacked without blank lines, and fences in their answers
           "Q\n?\n", "Q\n?\nA\n", "- q\n?\n```\n", "?\n~~~\n",
           # nested as deep as the line is long: "- {{c1::{{c1::…x…}}}}" (one opener, its
           # closer), and the same with highlights
           ("- {{c1::", "}}"), ("==a ", " b=="), ("{{c1::==a ", " b==}}")]
SAMPLE_AT_LEAST = 0.01  # seconds: grow the input until one parse takes this long
GROWTH = 16  # time the input and one 16 times as long: linear is 16x the time, quadratic 256x
LARGEST = 64_000  # so the long input is the megabyte a user might paste
LINEAR_ENOUGH = 3 * GROWTH  # room for a loaded machine; quadratic would be 16 * GROWTH


def _vault_of(make_vault: Callable[..., Path], unit: str | tuple[str, str], size: int) -> Path:
    if isinstance(unit, tuple):
        opener, closer = unit
        depth = size // (len(opener) + len(closer))
        line = opener * depth + "x" + closer * depth
    else:
        line = (unit * (size // len(unit) + 1))[:size]
    return make_vault({"huge.md": line + "\n", "good.md": GOOD}, name=f"v{size}")


def _timed(vault: Path) -> float:
    deck = folder_deck(vault, None)
    with collector_off():  # the cyclic collector's pauses are not the parser's time
        start = time.perf_counter()
        collected = collect(deck)
        took = time.perf_counter() - start
    assert collected.notes == 2
    # per kind of problem: five examples and a count, not a flood
    assert len(collected.diagnostics) <= 12
    assert any(c.draft.ref.path == "good.md" for c in collected.cards)
    return took


def _size_worth_timing(make_vault: Callable[..., Path], unit: str | tuple[str, str]) -> int:
    """The smallest input that takes long enough to time above the clock's noise."""
    size = 1_000
    while size < LARGEST and _timed(_vault_of(make_vault, unit, size)) < SAMPLE_AT_LEAST:
        size *= 2
    return size


@pytest.mark.parametrize("unit", HOSTILE)
def test_unclosed_markup_on_one_line_takes_linear_time(make_vault: Callable[..., Path],
                                                      unit: str | tuple[str, str]) -> None:
    size = _size_worth_timing(make_vault, unit)
    small, large = _vault_of(make_vault, unit, size), _vault_of(make_vault, unit, GROWTH * size)
    # Best of three for the short input: a loaded machine only ever adds time, and time
    # added to the short input could hide a quadratic parser. Time added to the long one
    # can only fail the test, so it is timed again only when it looks too slow.
    shortest = min(_timed(small) for _ in range(3))
    longest = float("inf")
    for _ in range(5):
        longest = min(longest, _timed(large))
        if longest / shortest < LINEAR_ENOUGH:
            break
    ratio = longest / shortest
    assert ratio < LINEAR_ENOUGH, f"{size} → {GROWTH * size} characters: {ratio:.1f}x the time"


def test_cli_never_shows_a_traceback_for_a_broken_vault(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    make_vault({
        "a.md": b"\xff\xfe\x00\x00binary",
        "b.md": "---\n: : :\n---\n- ==x== {{c1::y\n```\nunclosed fence\n",
        "c.md": "%% never closed\n- ==hidden==\n",
        "d.md": GOOD,
    })
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out.apkg"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "vault/c.md:1: warning: unclosed %% comment hides the rest of the note" in result.stderr
    assert "vault/b.md:5: warning: unclosed code fence hides the rest of the note" in result.stderr
    # a.md opens with UTF-16's byte-order mark: read as UTF-16, its NUL removed
    assert "vault/a.md:1: warning: control character U+0000 removed" in result.stderr
    assert result.stdout.startswith("Built vault → out.apkg: +2 new\n  4 notes read")


def test_no_notes_is_an_error(runner: CliRunner, make_vault: Callable[..., Path],
                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_vault({"readme.txt": "not a note"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out.apkg"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no notes in vault for deck vault\n"
        "  hint: notes are .md files; check the folder and the deck's include and exclude "
        "(**/*.md; not Templates/**)\n")
    assert not (tmp_path / "out.apkg").exists()
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "d.yaml").write_text("deck: D\nnotes: ../vault\ninclude: [Nope/**]\n")
    located = runner.invoke(cli, ["build"])
    assert (located.exit_code, located.stderr) == (2, (
        "error: decks/d.yaml:3: no notes in vault for deck D\n"
        "  hint: notes are .md files; check the folder and the deck's include and exclude "
        "(Nope/**)\n"))


def test_notes_without_cards_warn_and_still_build(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    make_vault({"n.md": "# Plain\nNothing highlighted here.\n"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out.apkg"])
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "vault: warning: no cards: nothing is highlighted or written as a card\n")
    assert import_apkg(tmp_path / "out.apkg", tmp_path / "anki").cards == []


def test_highlights_in_a_multiline_question_are_said_to_make_no_cards(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Highlighted items right above a ``?`` line are the card's question, as the
    spaced-repetition plugin reads them: their cloze cards are not made, and that is said
    (sixth fault probe: they vanished without a word)."""
    make_vault({"n.md": "# Drugs\n- ==Furosemide== acts on the loop.\n- ==Thiazides== act "
                        "distally.\nWhich diuretic spares potassium?\n?\nSpironolactone\n\n"
                        "- ==Amiloride== blocks ENaC.\n"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out.apkg"])
    assert (result.exit_code, result.stderr) == (0, (
        "vault/n.md:2: warning: highlights in the question of a multi-line card (the lines "
        "above its ?) make no cloze cards\n  hint: leave a blank line between the "
        "highlighted lines and the question, or take the highlights out of the question\n"))
    cards = import_apkg(tmp_path / "out.apkg", tmp_path / "anki").cards
    assert sorted(c.notetype for c in cards) == ["highyield Basic", "highyield Cloze"]


def test_folder_builds_leave_out_templates(make_vault: Callable[..., Path],
                                           build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({
        "Templates/disease.md": "# {{title}}\n- ==template fact==\n",
        "Meta/tpl/drug.md": "- ==templater fact==\n",
        ".obsidian/templates.json": '{"folder": "Meta/tpl"}',
        "note.md": GOOD,
    })
    deck = build_and_import(vault)
    assert [c.fields["Text"] for c in deck.cards] == ["The {{c1::good note}} still builds."]


def test_every_embed_of_a_missing_image_is_reported(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"n.md": "- ==a== ![[gone.png]]\n- ==b== ![[gone.png]]\n"})
    assert _messages(vault) == [
        "n.md:1: warning: image 'gone.png' was not found in the vault",
        "n.md:2: warning: image 'gone.png' was not found in the vault",
    ]


def test_a_notes_folder_that_is_gone_is_said_to_be_gone(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """As when a vault is moved away while `watch` runs: not "no notes" with a hint about
    include and exclude."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("- ==a== fact\n")
    deck = folder_deck(vault, tmp_path / "d.apkg")
    vault.rename(tmp_path / "moved")
    with pytest.raises(HighyieldError) as raised:
        deck_notes(deck, [])
    assert str(raised.value).startswith(
        f"the notes folder {display_path(vault)} of deck vault is not there (moved or "
        "deleted?)")
