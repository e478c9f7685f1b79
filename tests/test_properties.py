"""Property tests: the parser never raises, highlights always become deletions, and a
card's key is the same in every process and wherever the vault is."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from highyield.config import folder_deck
from highyield.deck.html import HtmlRenderer
from highyield.extract import ExtractRules, extract_note
from highyield.identity.clozes import deletions, top_number
from highyield.identity.collect import collect
from highyield.identity.keys import assign_keys
from highyield.model import Cloze, Embed, Source
from highyield.model import preview_text as plain
from highyield.parse import parse_note
from tests.conftest import FIXTURES, PROJECT

MARKUP = ["==", "{{c1::", "{{c2::", "::", "}}", "[[", "]]", "![[", "|", "\\|", "%%", "<!--",
          "-->", "`", "```", "$", "$$", "**", "*", "_", "<mark>", "</mark>",
          '<span style="background:#ff0">', "</span>", "<b>", "</b>", "<script>", "#tag",
          "^id", "\n", "\n\n", "\t", "- ", "1. ", "> ", "> [!tip] ", "# ", "---", "|a|b|",
          "\n|---|---|\n", "?", "\n?\n", "\n??\n", "&amp;", "&", "<", ">", "[x](y)", "![a](b.png)",
          "\\", "•", "[^1]", "{{date}}", "\ufffd", "\x00",
          "<table>", "\n<table class='t'>", "</table>", "<tr>", "</tr>", "<td>", "</td>",
          "<th style=\"x\">", "<p>", "</p>", "<br>", "__", "\n**Bold line**\n"]

markdownish = st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=8)),
                       max_size=60).map("".join)
NEVER_IN_HTML = re.compile(r"<script|<iframe|\son\w+=|javascript:", re.IGNORECASE)


def _everything(text: str) -> None:
    note, _ = parse_note(Source("p/n.md", "p/n.md", text))
    drafts = extract_note(note, ExtractRules()).drafts
    cards = assign_keys(drafts).cards
    renderer = HtmlRenderer(lambda embed: "x.png")
    for card in cards:
        d = card.draft
        for part in (d.front, d.back, *d.cue, *d.extra):
            html = renderer.inlines(part)
            assert not NEVER_IN_HTML.search(html), html
            plain(part)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_parse_and_extract_never_raise_on_markdownish_text(text: str) -> None:
    _everything(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_and_extract_never_raise_on_any_text(text: str) -> None:
    _everything(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=30))
def test_line_numbers_stay_inside_the_note(sizes: list[int]) -> None:
    text = "\n".join(f"- item {n} with ==fact {n}==" + "\n" * (n % 3) for n in sizes)
    note, _ = parse_note(Source("n.md", "n.md", text))
    last = text.count("\n") + 1
    for block in note.blocks:
        assert 1 <= block.line <= block.end_line <= last
        assert "fact" in text.splitlines()[block.line - 1]


words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")),
                min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(before=st.lists(words, min_size=1, max_size=5), fact=st.lists(words, min_size=1,
                                                                     max_size=4),
       after=st.lists(words, min_size=1, max_size=5),
       syntax=st.sampled_from(["==", "mark", "span"]))
def test_a_highlight_becomes_exactly_its_deletion(before: list[str], fact: list[str],
                                                  after: list[str], syntax: str) -> None:
    # Words beside it to read: a highlight with only "0" or "x" beside it covers the
    # whole statement, and hides only a part of it (test_wholeline.py).
    assume(re.search(r"[^\W_]{2,}", " ".join(before + after)))
    fact_text = " ".join(fact)
    marked = {"==": f"=={fact_text}==", "mark": f"<mark>{fact_text}</mark>",
              "span": f'<span style="background:rgba(240,200,0,.2)">{fact_text}</span>'}[syntax]
    text = f"- {' '.join(before)} {marked} {' '.join(after)}\n"
    note, problems = parse_note(Source("n.md", "n.md", text))
    drafts = extract_note(note, ExtractRules()).drafts
    assert problems == []
    assert len(drafts) == 1
    deletions = [n for n in drafts[0].front if isinstance(n, Cloze)]
    assert [plain(d.children) for d in deletions] == [fact_text]
    assert plain(drafts[0].front) == f"{' '.join(before)} {{{{c1::{fact_text}}}}} {' '.join(after)}"


def _hostile_notes(folder: Path, count: int) -> None:
    """Notes of markup soup, the same every run: a fixed seed, not the process's."""
    rng = random.Random(1234)
    words = ["Riluzole", "ALS", "motor", "neuron", "x", "é", "Ünïcode", "1", " ", "  "]
    for n in range(count):
        pieces = rng.choices(MARKUP + words, k=rng.randint(5, 60))
        text = f"# N{n}\n- ==fact {n}== in " + "".join(pieces) + f"\n- a ==second {n}==\n"
        (folder / f"n{n:02}.md").write_text(text, encoding="utf-8")


def _keys_in_a_process(vault: Path, seed: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "highyield", "cards", "--json", str(vault)],
                            env={**os.environ, "PYTHONHASHSEED": seed}, cwd=vault.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _source_keys(run: subprocess.Popen[str]) -> set[tuple[str, str]]:
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    cards = [json.loads(line) for line in out.splitlines()]
    return {(c["source"], c["key"]) for c in cards}


def test_keys_do_not_depend_on_the_process_or_the_vaults_folder(tmp_path: Path) -> None:
    """A key is the Anki guid: two computers, or two runs, must give the same one. Each
    run is its own process with its own string hashing, on a copy at another path."""
    one = tmp_path / "one" / "notes"
    shutil.copytree(PROJECT / "notes", one, ignore=shutil.ignore_patterns(".highyield"))
    shutil.copytree(FIXTURES / "syntax", one / "Syntax")
    (one / "Hostile").mkdir()
    _hostile_notes(one / "Hostile", 30)
    two = tmp_path / "elsewhere" / "deeper" / "copy"
    shutil.copytree(one, two)
    runs = [_keys_in_a_process(one, "1"), _keys_in_a_process(two, "2"),
            _keys_in_a_process(two, "3")]
    first, *others = [_source_keys(run) for run in runs]
    for keys in others:
        assert keys == first, sorted(keys ^ first)[:6]
    here = {(str(c.draft.ref), c.key) for c in collect(folder_deck(one, None)).cards}
    assert here == first  # and this process, with its own seed, agrees
    sources = {source.split("/")[0] for source, _ in first}
    assert {"Clippings", "USMLE", "Syntax", "Hostile"} <= sources
    assert len({key for _, key in first}) == len(first) > 150


def test_embeds_in_hostile_text_resolve_to_plain_names() -> None:
    note, _ = parse_note(Source("n.md", "n.md", '- ==x== <img src="javascript:alert(1)">\n'))
    drafts = extract_note(note, ExtractRules()).drafts
    embeds = [n for n in drafts[0].front if isinstance(n, Embed)]
    assert embeds and embeds[0].target == "javascript:alert(1)"
    # The resolver refuses URLs, so nothing is packed and no <img> is written.
    html = HtmlRenderer(lambda embed: None).inlines(drafts[0].front)
    assert html == "{{c1::x}} "


cloze_pieces = st.sampled_from(["{{c1::", "{{c7::", "{{c12::", "{{c3::", "{{", "}}", "{",
                                "}", "a", " ", "::", "c2"])


@given(st.lists(cloze_pieces, max_size=80), st.integers(min_value=0, max_value=40))
def test_top_number_is_the_highest_deletion(pieces: list[str], deep: int) -> None:
    """The ledger's quick top number agrees with reading every deletion, nested too deep
    or not."""
    nested = "".join(f"{{{{c{n}::x " for n in range(1, deep + 1))
    text = "".join(pieces) + nested + "}}" * (deep // 2)
    assert top_number(text) == max((n for n, _ in deletions(text)), default=0)
