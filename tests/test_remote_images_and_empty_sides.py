"""Issue 12, item 4 and parts of 8: http(s) images are kept on the card by their address,
no card is written with an empty side, a build with errors exits 1, a build's summary
groups many problems by kind, and an emoji is no words. Every deck is imported into
Anki."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import folder_deck
from highyield.identity.collect import collect
from highyield.model import preview_text
from highyield.vault.media import remote_url
from tests.anki_client import Imported, import_apkg

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"

HEART = (
    "# Heart sounds\n\n"
    "What does an S4 sound like?\n?\n![](https://example.org/s4.png)\n\n"
    "- The ==S3== gallop ![wave](https://example.org/a%20b.png?x=1&y=2)\n"
    '- The ==S2== splits <img src="https://example.org/s2.png">\n'
    "- The ==S1== is loudest at the apex ![[https://example.org/s1.png]]\n"
)
REFUSED = (
    "- ==a== ![](javascript:alert(1))\n"
    "- ==b== ![](data:image/png;base64,AAAA)\n"
    "- ==c== ![](file:///etc/x.png)\n"
    "- ==d== ![](ftp://example.org/x.png)\n"
)
# a `?` card whose answer is only an image that cannot be packed, and one whose question
# is; the fact between them is a card as ever
EMPTY = (
    "What does an S3 sound like?\n?\n![[s3.png]]\n\n"
    "- The ==mitral valve== has two cusps\n\n"
    "![[murmur.png]]\n?\nA mid-systolic click\n"
)


def _messages(vault: Path) -> list[str]:
    return [f"{Path(d.path).name}:{d.line}: {d.severity.value}: {d.message}"
            for d in collect(folder_deck(vault, None)).diagnostics]


def test_remote_image_is_kept_by_its_address(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"heart.md": HEART})
    assert _messages(vault) == []
    cards = collect(folder_deck(vault, None)).cards  # as `cards` and the quiz see them
    s4 = next(c for c in cards if preview_text(c.draft.front) == "What does an S4 sound like?")
    assert preview_text(s4.draft.back) == "[image: s4.png]"
    deck = build_and_import(vault)
    assert deck.media == []  # nothing packed
    front = "What does an S4 sound like?"
    card = next(c for c in deck.cards if c.fields.get("Front") == front)
    assert card.fields["Back"] == '<img src="https://example.org/s4.png">'
    assert '<img src="https://example.org/s4.png">' in card.answer
    s3 = next(c for c in deck.cards if "S3" in c.fields.get("Text", ""))
    img = '<img src="https://example.org/a%20b.png?x=1&amp;y=2" alt="wave">'
    assert s3.fields["Text"] == "The {{c1::S3}} gallop " + img
    assert img in s3.answer
    s2 = next(c for c in deck.cards if "S2" in c.fields.get("Text", ""))
    assert '<img src="https://example.org/s2.png">' in s2.answer
    s1 = next(c for c in deck.cards if "S1" in c.fields.get("Text", ""))
    assert '<img src="https://example.org/s1.png">' in s1.answer


def test_other_schemes_stay_refused(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"n.md": REFUSED})
    url = "is a URL, not a file in the vault; it is not packed"
    assert _messages(vault) == [
        f"n.md:1: warning: image 'javascript:alert(1)' {url}",
        f"n.md:2: warning: image 'data:image/png;base64,AAAA' {url}",
        f"n.md:3: warning: image 'file:///etc/x.png' {url}",
        f"n.md:4: warning: image 'ftp://example.org/x.png' {url}",
    ]
    deck = build_and_import(vault)
    assert len(deck.cards) == 4
    assert all("<img" not in c.question + c.answer for c in deck.cards)


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "https:///no-host.png", "http//example.org/x.png",
    "HTTPS://example.org/\"><script>.png", "data:text/html,<b>",
])
def test_remote_url_only_takes_http_with_a_host(target: str) -> None:
    url = remote_url(target)
    if target.startswith("HTTPS"):
        assert url == "HTTPS://example.org/%22%3E%3Cscript%3E.png"
    else:
        assert url is None


def test_a_card_with_an_empty_side_is_an_error_and_left_out(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"sounds.md": EMPTY})
    assert _messages(vault) == [
        "sounds.md:1: error: card has an empty back; it is left out",
        "sounds.md:3: warning: image 's3.png' was not found in the vault",
        "sounds.md:7: warning: image 'murmur.png' was not found in the vault",
        "sounds.md:7: error: card has an empty front; it is left out",
    ]
    deck = build_and_import(vault)
    assert [c.fields["Text"] for c in deck.cards] == ["The {{c1::mitral valve}} has two cusps"]


def test_the_card_comes_back_when_its_image_appears(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    from highyield.deck.build import build

    vault = make_vault({"sounds.md": EMPTY})
    deck = folder_deck(vault, tmp_path / "out" / "deck.apkg")
    first = build(deck, now=1_800_000_000)
    assert first.tally is not None and first.tally.errors == 2
    (vault / "s3.png").write_bytes(PNG)
    second = build(deck, now=1_800_000_100)
    assert second.tally is not None and second.tally.errors == 1
    cards = import_apkg(deck.output, tmp_path / "anki").cards
    s3 = next(c for c in cards if c.fields.get("Front") == "What does an S3 sound like?")
    assert s3.fields["Back"] == '<img src="s3.png">'
    collected = collect(deck)
    assert collected.errors == 1 and len(collected.cards) == 2  # the two paths agree


def test_emoji_beside_a_whole_statement_highlight_is_no_words(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"nodes.md": "# Lymph nodes\n\n- 🚩 ==rubbery node==\n",
                        "signs.md": "# Signs\n\n- 🚩 ==Red flag: hard fixed node==\n",
                        "af.md": "# AF\n\n- ==Pulse: irregularly irregular==.\n",
                        "cancer.md": "# Nodes\n\n- 🚩 ==red flag for malignancy==\n"})
    assert _messages(vault) == [
        "nodes.md:3: warning: card shows nothing but its title and headings"]
    deck = build_and_import(vault)
    texts = sorted(c.fields["Text"] for c in deck.cards)
    assert texts == ["Pulse: {{c1::irregularly irregular}}.",
                     "🚩 Red flag: {{c1::hard fixed node}}",
                     "🚩 red flag for {{c1::malignancy}}",  # the part auto cards hide
                     "🚩 {{c1::rubbery node}}"]
    narrowed = next(c for c in deck.cards if "hard fixed" in c.fields["Text"])
    assert "🚩 Red flag: [...]" in narrowed.question_text


def test_build_with_an_error_writes_the_deck_and_exits_1(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"sounds.md": EMPTY})
    out = tmp_path / "deck.apkg"
    result = runner.invoke(cli, ["build", str(vault), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "sounds.md:1: error: card has an empty back; it is left out" in result.stderr
    assert "1 card in 1 Anki note" in result.stdout and "2 errors" in result.stdout
    assert len(import_apkg(out, tmp_path / "anki").cards) == 1
    checked = runner.invoke(cli, ["check", str(vault)])
    assert checked.exit_code == 1


def test_build_with_warnings_only_exits_0(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"n.md": REFUSED})
    out = tmp_path / "deck.apkg"
    result = runner.invoke(cli, ["build", str(vault), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 errors · 4 warnings" in result.stdout
    assert len(import_apkg(out, tmp_path / "anki").cards) == 4


def test_many_problems_are_grouped_by_kind_in_a_build(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path) -> None:
    notes = {f"n{i:02}.md": f"- The ==fact {i}== ![](file:///x{i}.png)\n" for i in range(30)}
    notes["q.md"] = "What does an S3 sound like?\n?\n![[s3.png]]\n"
    vault = make_vault(notes)
    out = tmp_path / "deck.apkg"
    result = runner.invoke(cli, ["build", str(vault), "-o", str(out)])
    assert result.exit_code == 1
    lines = [line.replace(f"{vault}/", "") for line in result.stderr.splitlines()
             if not line.startswith("  hint")]
    url = "is a URL, not a file in the vault; it is not packed"
    assert lines == [
        "q.md:1: error: card has an empty back; it is left out",
        f"n00.md:1: warning: image 'file:///x0.png' {url}",
        f"n01.md:1: warning: image 'file:///x1.png' {url}",
        f"n02.md:1: warning: image 'file:///x2.png' {url}",
        "  … and 27 more like this",
        "q.md:3: warning: image 's3.png' was not found in the vault",
        "32 problems in all; `highyield check` lists each one",
    ]
    assert result.stderr.count("hint:") == 3  # once for each kind
    assert len(import_apkg(out, tmp_path / "anki").cards) == 30
    checked = runner.invoke(cli, ["check", str(vault)])
    assert checked.stdout.count("is a URL") == 30  # check still lists each one

