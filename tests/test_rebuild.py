"""Editing notes between builds: every scenario builds v1, imports it into a real Anki
collection, edits the notes, builds v2 and imports it into the same collection. No note
may be duplicated, and each card keeps its Anki card (and with it, its history)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import DeckConfig, folder_deck
from highyield.deck.build import Built, build
from highyield.deck.settled import settled as settled_keys
from highyield.errors import display_path
from highyield.identity.ledger import ledger_path
from highyield.model import RETIRED_TAG
from tests.anki_client import Imported, RenderedCard, import_apkg
from tests.conftest import FIXED_NOW

ALS = """# ALS
## Drugs
- ==Riluzole== inhibits glutamate release.
- Edaravone is a ==free radical scavenger==.

## Signs
- ==Fasciculations== are a lower motor neuron sign.
- Upper motor neuron signs include ==spasticity== and hyperreflexia.
"""
POLIO = """# Polio
- Poliovirus destroys the ==anterior horn== cells.
"""


class Project:
    """A vault, its deck and one Anki collection that every build is imported into."""

    def __init__(self, root: Path, files: dict[str, str]) -> None:
        self.vault = root / "vault"
        for rel, text in files.items():
            self.write(rel, text)
        self.deck: DeckConfig = folder_deck(self.vault, root / "out" / "deck.apkg")
        self.anki = root / "anki"
        self.anki.mkdir()
        self.col = Collection(str(self.anki / "collection.anki2"))
        self.builds = 0

    def write(self, rel: str, text: str) -> None:
        path = self.vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = (self.vault / rel).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new))

    def build(self, force: bool = False) -> Built:
        # Every build in the same second: Anki must still take the edits.
        return build(self.deck, now=FIXED_NOW, force=force)

    def build_and_import(self) -> tuple[Built, Imported]:
        built = self.build()
        self.builds += 1
        return built, import_apkg(self.deck.output, self.anki, self.col)

    def card(self, imported: Imported, answer: str) -> RenderedCard:
        found = [c for c in imported.cards if f"{{{{c{c.ord + 1}::{answer}" in
                 c.fields.get("Text", "")]
        assert len(found) == 1, [c.fields.get("Text") for c in imported.cards]
        return found[0]

    def rewrite(self, before: dict[str, str], after: dict[str, str]) -> None:
        """The notes ``before`` deleted, the notes ``after`` written."""
        for rel in before:
            (self.vault / rel).unlink()
        for rel, text in after.items():
            self.write(rel, text)

    def card_ids(self) -> dict[tuple[str, int], int]:
        return {(self.col.get_note(self.col.get_card(cid).nid).guid,
                 self.col.get_card(cid).ord): cid for cid in self.col.find_cards("")}


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Project]]:
    made: list[Project] = []

    def make(files: dict[str, str]) -> Project:
        made.append(Project(tmp_path, files))
        return made[-1]
    yield make
    for p in made:
        p.col.close()


def _no_duplicates(imported: Imported) -> None:
    texts = [(c.fields.get("Text") or c.fields.get("Front"), c.ord) for c in imported.cards
             if RETIRED_TAG not in c.tags]
    assert len(texts) == len(set(texts)), "a card is in the collection twice"


def test_a_rebuild_without_edits_changes_nothing(project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS})
    first, v1 = p.build_and_import()
    assert (first.changes.count("new"), v1.new) == (4, 4)
    apkg = p.deck.output.stat()
    again = p.build()
    assert again.up_to_date
    assert p.deck.output.stat().st_mtime_ns == apkg.st_mtime_ns  # not rewritten
    forced = p.build(force=True)
    assert not forced.changes
    v2 = import_apkg(p.deck.output, p.anki, p.col)
    assert (v2.new, v2.updated) == (0, 0)
    assert sorted(c.guid for c in v2.cards) == sorted(c.guid for c in v1.cards)


def test_a_typo_fix_updates_the_card_in_place(project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS, "Polio.md": POLIO})
    _, v1 = p.build_and_import()
    before = p.card(v1, "Riluzole")
    ids = p.card_ids()
    p.edit("ALS.md", "inhibits glutamate release", "inhibits glutamate relase")
    p.edit("ALS.md", "==free radical scavenger==", "==free-radical scavenger==")
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated", "updated"]
    assert (v2.new, v2.updated, len(v2.cards)) == (0, 2, len(v1.cards))
    after = p.card(v2, "Riluzole")
    assert after.guid == before.guid and "relase" in after.question_text
    assert p.card(v2, "free-radical scavenger").guid == p.card(v1, "free radical scavenger").guid
    assert p.card_ids() == ids  # the same Anki cards, so the same review history
    _no_duplicates(v2)


def test_moving_a_section_a_statement_and_a_note_keeps_every_card(
        project: Callable[..., Project]) -> None:
    p = project({"Neuro/ALS.md": ALS, "Neuro/Polio.md": POLIO})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    drugs = "## Drugs\n- ==Riluzole== inhibits glutamate release.\n" \
            "- Edaravone is a ==free radical scavenger==.\n\n"
    p.edit("Neuro/ALS.md", drugs, "")
    p.write("Neuro/ALS.md", (p.vault / "Neuro/ALS.md").read_text() + "\n" + drugs)
    p.edit("Neuro/ALS.md", "- ==Fasciculations== are a lower motor neuron sign.\n", "")
    p.write("Neuro/Polio.md", POLIO + "- ==Fasciculations== are a lower motor neuron sign.\n")
    (p.vault / "Neuro/Polio.md").rename(p.vault / "Poliomyelitis.md")
    built, v2 = p.build_and_import()
    assert built.changes.count("new") == built.changes.count("retired") == 0
    assert built.changes.count("moved") == 2  # the statement and the renamed note's card
    assert (v2.new, v2.updated, len(v2.cards)) == (0, 2, len(v1.cards))
    assert p.card_ids() == ids
    assert "Poliomyelitis.md" in p.card(v2, "Fasciculations").fields["Source"]
    _no_duplicates(v2)


def test_an_added_highlight_gets_its_own_card(project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    old = p.card(v1, "Riluzole")
    p.edit("ALS.md", "==Riluzole== inhibits glutamate release",
           "==Riluzole== inhibits ==glutamate== release")
    p.edit("ALS.md", "include ==spasticity== and hyperreflexia",
           "include ==spasticity== and ==hyperreflexia==")
    p.edit("ALS.md", "- Edaravone is a ==free radical scavenger==",
           "- ==Edaravone== is a ==free radical scavenger==")  # added before the old one
    built, v2 = p.build_and_import()
    assert (built.changes.count("updated"), v2.new, v2.updated) == (3, 0, 3)
    assert len(v2.cards) == len(v1.cards) + 3
    assert p.card(v2, "Riluzole").guid == old.guid
    kept = p.card(v2, "free radical scavenger")
    assert kept.ord == p.card(v1, "free radical scavenger").ord == 0
    assert p.card(v2, "Edaravone").ord == 1  # c2, a new card, not c1's history
    ids_after = p.card_ids()
    assert all(ids_after[k] == v for k, v in ids.items())


def test_a_removed_highlight_leaves_the_others_on_their_cards(
        project: Callable[..., Project]) -> None:
    p = project({"n.md": "- ==Riluzole== inhibits ==glutamate== release via ==NMDA==.\n"})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    p.edit("n.md", "==Riluzole==", "Riluzole")
    built, v2 = p.build_and_import()
    assert (built.changes.count("updated"), v2.new, v2.updated) == (1, 0, 1)
    assert p.card(v2, "glutamate").ord == 1 and p.card(v2, "NMDA").ord == 2
    ids_after = p.card_ids()
    guid = v1.cards[0].guid
    assert ids_after[(guid, 1)] == ids[(guid, 1)] and ids_after[(guid, 2)] == ids[(guid, 2)]
    p.edit("n.md", "release via", "release through ==AMPA== and")
    _, v3 = p.build_and_import()
    assert p.card(v3, "AMPA").ord == 3  # never c1 again: that card had Riluzole's history


def test_a_deleted_fact_is_retired_and_kept_tagged(project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS})
    _, v1 = p.build_and_import()
    p.edit("ALS.md", "- Edaravone is a ==free radical scavenger==.\n", "")
    built, v2 = p.build_and_import()
    assert [(c.what, c.source) for c in built.changes.items] == [("retired", "ALS.md:4")]
    assert (v2.new, v2.updated, len(v2.cards)) == (0, 1, len(v1.cards))
    retired = p.card(v2, "free radical scavenger")
    assert RETIRED_TAG in retired.tags
    assert p.col.find_notes(f"tag:{RETIRED_TAG}") and len(p.col.find_notes(
        f"tag:{RETIRED_TAG}")) == 1
    again = p.build(force=True)
    assert not again.changes  # still retired, not retired again
    p.edit("ALS.md", "## Signs\n", "- Edaravone is a ==free radical scavenger==.\n\n## Signs\n")
    back, v3 = p.build_and_import()
    assert back.changes.count("back") == 1 and (v3.new, v3.updated) == (0, 1)
    assert RETIRED_TAG not in p.card(v3, "free radical scavenger").tags


def test_the_ledger_is_text_sorted_and_deterministic(project: Callable[..., Project],
                                                     tmp_path: Path) -> None:
    p = project({"ALS.md": ALS, "Polio.md": POLIO})
    p.build()
    text = ledger_path(p.vault).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(lines) == 5 * 2 and lines == sorted(lines)  # each card, and its context
    assert all(len(line.split("\t")) == 6 for line in lines)
    assert [line.split("\t")[1] for line in lines] == ["cloze", "context"] * 5
    assert sorted(line.split("\t")[4] for line in lines if "\tcontext\t" in line) == [
        "als › drugs", "als › drugs", "als › signs", "als › signs", "polio"]
    copy = tmp_path / "copy"
    shutil.copytree(p.vault, copy, ignore=shutil.ignore_patterns(".highyield"))
    build(folder_deck(copy, tmp_path / "copy.apkg"), now=FIXED_NOW + 999)
    assert ledger_path(copy).read_text(encoding="utf-8") == text


def test_a_deleted_ledger_comes_back_from_this_computers_copy(
        project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS})
    p.build_and_import()
    p.edit("ALS.md", "inhibits glutamate release", "inhibits glutamate relase")
    p.build_and_import()
    ledger_path(p.vault).unlink()
    p.edit("ALS.md", "==free radical scavenger==", "==free-radical scavenger==")
    built, v3 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (v3.new, v3.updated) == (0, 1)
    assert built.tally is not None
    assert [d.message for d in built.tally.diagnostics] == [
        "the ledger was missing; this computer's copy from the last build is used"]
    assert ledger_path(p.vault).exists()


def test_without_any_ledger_cards_match_by_exact_text(project: Callable[..., Project]) -> None:
    from highyield.identity.ledger import local_copy

    p = project({"ALS.md": ALS})
    _, v1 = p.build_and_import()
    ledger_path(p.vault).unlink()
    local_copy(p.vault).unlink()  # a vault synced without its .highyield/ folder
    p.edit("ALS.md", "inhibits glutamate release", "inhibits glutamate relase")
    built, v2 = p.build_and_import()
    # The unchanged cards keep their keys; the reworded one cannot be told from a new
    # card, so the old one is retired (kept, tagged) rather than lost or overwritten.
    assert [c.what for c in built.changes.items] == ["new", "retired"]
    assert (v2.new, v2.updated) == (1, 1)
    unchanged = {c.guid for c in v1.cards} & {c.guid for c in v2.cards}
    assert len(unchanged) == len(v1.cards)


def test_a_damaged_ledger_line_is_skipped_and_the_rest_kept(
        project: Callable[..., Project]) -> None:
    from highyield.identity.ledger import local_copy

    p = project({"ALS.md": ALS})
    p.build()
    p.edit("ALS.md", "inhibits glutamate release", "inhibits glutamate relase")
    with ledger_path(p.vault).open("ab") as f:
        f.write(b"<<<<<<< HEAD\n\xff\xfe garbage\nk\tbasic\tx\ty\tz\tw\n\tbasic\t3\ty\tz\tw\n")
    built = p.build()
    assert built.tally is not None
    copy = display_path(local_copy(p.vault))
    assert [(d.line, d.message) for d in built.tally.diagnostics] == [
        (None, "the ledger is damaged; this computer's copy from the last build fills in any "
               f"card it lost ({copy})"),
        (12, "unreadable ledger line (a merge conflict?), skipped"),  # 3 + 4 cards × 2
        (13, "unreadable ledger line (not UTF-8), skipped"),
        (14, "unreadable ledger line (the third column is not a line number (x)), skipped"),
        (15, "unreadable ledger line (no key in the first column), skipped")]
    assert [c.what for c in built.changes.items] == ["updated"]
    assert b"garbage" not in ledger_path(p.vault).read_bytes()


def test_a_ledger_saved_with_a_byte_order_mark_reads_without_a_warning(
        project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS})
    p.build()
    ledger = ledger_path(p.vault)
    ledger.write_bytes(b"\xef\xbb\xbf" + ledger.read_bytes().replace(b"\n", b"\r\n"))
    p.edit("ALS.md", "inhibits glutamate release", "inhibits glutamate relase")
    built = p.build()
    assert built.tally is not None and built.tally.diagnostics == ()
    assert [c.what for c in built.changes.items] == ["updated"]


def test_write_ids_anchors_cards_and_the_anchor_wins(project: Callable[..., Project],
                                                     runner: CliRunner) -> None:
    p = project({"ALS.md": ALS.replace("\n", "\r\n"),
                 "Para.md": "Riluzole is ==neuroprotective==. It ==prolongs== survival.\n"})
    _, v1 = p.build_and_import()
    result = runner.invoke(cli, ["build", str(p.vault), "-o", str(p.deck.output),
                                 "--write-ids"])
    assert result.exit_code == 0, result.output
    assert "wrote 4 block ids into 1 note" in result.stdout  # not in the two-card paragraph
    text = (p.vault / "ALS.md").read_bytes().decode()
    riluzole = p.card(v1, "Riluzole").guid
    assert f"- ==Riluzole== inhibits glutamate release. ^hy-{riluzole}\r\n" in text
    assert text.count("\r\n") == ALS.count("\n")  # line endings kept
    assert (p.vault / "Para.md").read_text() == \
        "Riluzole is ==neuroprotective==. It ==prolongs== survival.\n"
    p.edit("ALS.md", "==Riluzole== inhibits glutamate release.",
           "The benzothiazole ==riluzole== reduces presynaptic glutamate output.")
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]  # far too different to match
    assert (v2.new, v2.updated) == (0, 1)  # by text alone; the id kept the card
    assert p.card(v2, "riluzole").guid == riluzole


def test_a_line_copied_with_its_id_and_edited_leaves_the_card_to_the_original(
        project: Callable[..., Project], runner: CliRunner) -> None:
    """The copy above the original, then edited into another fact: the unchanged original
    keeps its card (seventh fault probe: the edited copy took it, being first)."""
    line = "- ==Ethosuximide== is the drug of choice for absence seizures."
    p = project({"Epi.md": f"# Epilepsy\n{line}\n- ==Lithium== treats bipolar disorder.\n"})
    result = runner.invoke(cli, ["build", str(p.vault), "-o", str(p.deck.output),
                                 "--write-ids"])
    assert result.exit_code == 0, result.output
    _, v1 = p.build_and_import()
    original = p.card(v1, "Ethosuximide").guid
    text = (p.vault / "Epi.md").read_text()
    anchored = next(t for t in text.splitlines() if t.startswith(line))
    copy = anchored.replace("==Ethosuximide== is the drug of choice for absence seizures",
                            "==Valproate== is the drug of choice for juvenile myoclonic "
                            "epilepsy")
    p.write("Epi.md", text.replace(anchored, f"{copy}\n{anchored}"))
    built, v2 = p.build_and_import()
    assert p.card(v2, "Ethosuximide").guid == original
    assert p.card(v2, "Valproate").guid != original
    assert built.tally is not None
    assert [d.message for d in built.tally.diagnostics] == [
        f"block id ^hy-{original} is also on another line (of this note or another); this "
        "copy is a card of its own"]


def test_only_changed_notes_are_read_again(project: Callable[..., Project]) -> None:
    p = project({"ALS.md": ALS, "Polio.md": POLIO, "Other.md": "- ==x== is y.\n"})
    assert p.build().fresh == 3
    os.utime(p.vault / "Polio.md", ns=(1, 1))  # touched, or checked out again: same text
    touched = p.build()
    assert not touched.written and touched.fresh == 0 and not touched.changes
    p.edit("ALS.md", "inhibits", "blocks")
    edited = p.build()
    assert edited.fresh == 1 and [c.what for c in edited.changes.items] == ["updated"]
    assert p.build().up_to_date


def test_the_cache_holds_card_text_once_and_reads_a_cache_of_two_parts(
        project: Callable[..., Project]) -> None:
    import pickle

    from highyield.deck.cache import cache_file, load

    p = project({"ALS.md": ALS, "Polio.md": POLIO})
    p.build_and_import()
    where = cache_file(p.deck.name, p.deck.vault)
    cache = load(where)
    made = {id(m.fields) for n in cache.notes.values() for m in n.made}
    assert len(cache.packed) == 5 and {id(k.fields) for k in cache.packed.values()} <= made
    for shard in where.parent.glob(f"{where.stem}.*.pickle"):  # as versions before wrote
        with shard.open("rb") as f:
            notes, packed = pickle.load(f)
        with shard.open("wb") as f:
            pickle.dump(notes, f)
            pickle.dump(packed, f)
    p.edit("ALS.md", "inhibits", "blocks")
    edited, imported = p.build_and_import()
    assert edited.fresh == 1 and [c.what for c in edited.changes.items] == ["updated"]
    assert (imported.new, imported.updated) == (0, 1)
    assert "Riluzole}} blocks glutamate release" in p.card(imported, "Riluzole").fields["Text"]


def test_an_image_edited_in_place_rewrites_the_deck(project: Callable[..., Project]) -> None:
    p = project({"n.md": "# N\n- ==Riluzole== inhibits glutamate.\n\n![[x.png]]\n"})
    (p.vault / "x.png").write_bytes(b"\x89PNG one")
    first = p.build()
    assert first.tally is not None and first.tally.images == 1
    (p.vault / "x.png").write_bytes(b"\x89PNG two, larger")
    again = p.build()
    assert again.written and not again.changes  # same cards, new image
    assert b"two, larger" in _apkg_member(p.deck.output, "0")


def test_a_deleted_apkg_or_a_damaged_cache_means_a_full_build(
        project: Callable[..., Project]) -> None:
    from highyield.deck.cache import cache_file

    p = project({"ALS.md": ALS})
    p.build()
    p.deck.output.unlink()
    rebuilt = p.build()
    assert not rebuilt.up_to_date and rebuilt.deck.output.exists()
    assert not rebuilt.changes  # the same cards as the last build wrote
    cache_file(p.deck.name, p.deck.vault).write_bytes(b"not a pickle")
    damaged = p.build()
    # read afresh, and each card as the deck's last package has it: no card changed (they
    # were "known" from the ledger, each with the build's time)
    assert damaged.fresh == 1 and not damaged.changes and not damaged.changes.first
    assert damaged.tally is not None and damaged.tally.anki_notes == 4
    where = display_path(cache_file(p.deck.name, p.deck.vault))
    assert [(d.path, d.message) for d in damaged.tally.diagnostics] == [(
        where, "the build cache could not be read (its contents are damaged): every note "
               "was read again")]  # (eighth fault probe: it said only "no build recorded")
    cache = cache_file(p.deck.name, p.deck.vault)
    shard = next(cache.parent.glob(f"{cache.stem}.0.*.pickle"))
    shard.unlink()
    p.edit("ALS.md", "inhibits glutamate release", "inhibits glutamate relase")
    lost = p.build()
    assert lost.tally is not None and [d.message for d in lost.tally.diagnostics] == [
        f"the build cache could not be read ({shard.name} is missing): every note was "
        "read again"]
    whole = p.build(force=True).tally
    assert whole is not None and whole.diagnostics == ()


def test_a_note_saved_during_a_build_is_read_by_the_next(
        project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch) -> None:
    from highyield.extract import Extracted, ExtractRules
    from highyield.extract.reading import note_drafts as real
    from highyield.model import Source
    from highyield.parse.embeds import Embedder
    from highyield.vault.media import MediaSet

    p = project({"ALS.md": ALS})
    used = "highyield.deck.reader.note_drafts"  # the name the build's reader calls

    def save_meanwhile(source: Source, rules: ExtractRules, media: MediaSet,
                       embeds: Embedder | None = None) -> Extracted:
        found = real(source, rules, media, embeds)
        p.edit("ALS.md", "inhibits", "blocks")  # after it was read
        return found

    monkeypatch.setattr(used, save_meanwhile)
    p.build()
    monkeypatch.setattr(used, real)
    second = p.build()
    assert [c.what for c in second.changes.items] == ["updated"]


def _apkg_member(apkg: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(apkg) as z:
        return z.read(name)


def test_a_patched_deck_is_the_deck_a_full_build_writes(project: Callable[..., Project],
                                                        tmp_path: Path) -> None:
    p = project({"ALS.md": ALS, "Polio.md": POLIO})
    p.build()
    p.edit("ALS.md", "inhibits", "blocks")
    p.edit("ALS.md", "- Edaravone is a ==free radical scavenger==.\n", "")
    p.write("New.md", "- ==Tofersen== targets SOD1.\n")
    patched = p.build()  # the last collection, with three notes written again
    assert patched.changes.count("new") == patched.changes.count("updated") == 1
    copy = tmp_path / "patched.apkg"
    shutil.copyfile(p.deck.output, copy)
    p.build(force=True)  # every note written afresh

    def seen(apkg: Path, name: str) -> list[tuple[object, ...]]:
        cards = import_apkg(apkg, tmp_path / name).cards
        return sorted((c.guid, c.ord, c.question, c.answer, tuple(c.tags)) for c in cards)
    assert seen(copy, "a") == seen(p.deck.output, "b")
    assert len(seen(copy, "c")) == 6  # 5 live cards and the retired one


def test_a_copy_of_a_note_never_takes_the_originals_cards(
        project: Callable[..., Project]) -> None:
    p = project({"M.md": "- ==Alpha== is one\n- ==Beta== is two\n"})
    p.build_and_import()
    ids = p.card_ids()
    p.write("A.md", "- ==Alpha== is one\n- ==Beta== is two\n")  # sorts before M.md
    built, v2 = p.build_and_import()
    assert [(c.what, c.source) for c in built.changes.items] == [("new", "A.md:1"),
                                                                ("new", "A.md:2")]
    assert (v2.new, v2.updated, len(v2.cards)) == (2, 0, 4)
    assert all(p.card_ids()[k] == v for k, v in ids.items())
    (p.vault / "A.md").unlink()
    gone = p.build()
    assert [c.source for c in gone.changes.items] == ["A.md:1", "A.md:2"]  # the copies


def test_new_words_around_the_same_answer_keep_the_card(project: Callable[..., Project]
                                                       ) -> None:
    p = project({"GBS.md": "# GBS\n- ==Albuminocytologic dissociation== in CSF\n"})
    p.build_and_import()
    p.edit("GBS.md", "- ==Albuminocytologic dissociation== in CSF",
           "- CSF shows high protein with normal cell count "
           "(==albuminocytologic dissociation==)")
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (v2.new, v2.updated) == (0, 1)


def test_another_fact_in_the_same_words_is_a_new_card(project: Callable[..., Project]
                                                      ) -> None:
    """A deleted fact's card (and history) is never taken by a new fact that shares only
    its template: "The drug of choice for X is ==Y==" with another X and another Y (fifth
    fault probe). A fact whose answer is put another way, and nothing else, keeps it."""
    p = project({"Neuro.md": "# Neuro\nThe drug of choice for absence seizures is "
                             "==ethosuximide==.\n",
                 "Tox.md": "# Tox\nThe antidote for acetaminophen is ==N-acetylcysteine==.\n"})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    (p.vault / "Neuro.md").unlink()
    p.write("Pain.md", "# Pain\nThe drug of choice for trigeminal neuralgia is "
                       "==carbamazepine==.\n")
    p.edit("Tox.md", "==N-acetylcysteine==", "==NAC (N-acetylcysteine)==")
    built, v2 = p.build_and_import()
    assert sorted((c.what, c.source) for c in built.changes.items) == [
        ("new", "Pain.md:2"), ("retired", "Neuro.md:2"), ("updated", "Tox.md:2")]
    assert (v2.new, v2.updated) == (1, 2)
    assert RETIRED_TAG in p.card(v2, "ethosuximide").tags
    assert p.card(v2, "carbamazepine").guid not in {c.guid for c in v1.cards}
    assert p.card(v2, "NAC (N-acetylcysteine)").guid == p.card(v1, "N-acetylcysteine").guid
    assert set(ids.items()) <= set(p.card_ids().items())  # every old card kept its history


@pytest.mark.parametrize(("before", "after", "gone", "came"), [
    ("| Disease | Inheritance |\n| --- | --- |\n| Huntington disease | ==Autosomal dominant== "
     "|\n| Cystic fibrosis | ==Autosomal recessive== |\n",
     "| Disease | Inheritance |\n| --- | --- |\n| Cystic fibrosis | ==Autosomal recessive== "
     "|\n| Achondroplasia | ==Autosomal dominant== |\n", "Huntington", "Achondroplasia"),
    ("- Huntington disease is inherited as ==autosomal dominant==.\n- Cystic fibrosis is "
     "==autosomal recessive==.\n",
     "- Cystic fibrosis is ==autosomal recessive==.\n- Marfan syndrome, a fibrillin-1 "
     "disorder of connective tissue, is ==autosomal dominant==.\n", "Huntington", "Marfan"),
    ("| Disease | Repeat | Inheritance | Anticipation | Neurologic features |\n| --- | --- | "
     "--- | --- | --- |\n| ==Huntington disease== | CAG | Autosomal dominant | yes, paternal "
     "| chorea and dementia |\n| ==Friedreich ataxia== | GAA | Autosomal recessive | no | "
     "ataxia |\n",
     "| Disease | Repeat | Inheritance | Anticipation | Neurologic features |\n| --- | --- | "
     "--- | --- | --- |\n| ==Friedreich ataxia== | GAA | Autosomal recessive | no | ataxia "
     "|\n| ==Spinocerebellar ataxia 1== | CAG | Autosomal dominant | yes, paternal | ataxia "
     "and dysarthria |\n", "Huntington", "Spinocerebellar"),
    ("- Huntington disease is inherited in an ==autosomal dominant== pattern.\n- Lithium "
     "treats ==bipolar disorder==.\n",
     "- Achondroplasia is inherited in an ==autosomal dominant== pattern.\n- Lithium "
     "treats ==bipolar disorder==.\n", "Huntington", "Achondroplasia"),
    ("- ==Carbamazepine== is the drug of choice for trigeminal neuralgia.\n",
     "- ==Carbamazepine== is the drug of choice for focal seizures.\n", "trigeminal", "focal"),
    ("- Myotonic dystrophy is caused by ==CTG== trinucleotide repeats.\n",  # (ninth probe)
     "- Spinocerebellar ataxia is caused by ==CTG== trinucleotide repeats.\n", "Myotonic",
     "Spinocerebellar"),
    ("| Drug | Adverse effect |\n| --- | --- |\n| Amiodarone | ==pulmonary fibrosis== |\n",
     "| Drug | Adverse effect |\n| --- | --- |\n| Bleomycin | ==pulmonary fibrosis== |\n",
     "Amiodarone", "Bleomycin"),
    ("- Wilson disease is inherited in an ==autosomal recessive== pattern.\n",  # (tenth
     "- Cystic fibrosis is inherited in an ==autosomal recessive== pattern.\n",  # probe)
     "Wilson", "Cystic"),
    ("- Metformin is contraindicated in patients with severe renal impairment because it "
     "can cause ==lactic acidosis==.\n", "- Phenformin is contraindicated in patients with "
     "severe renal impairment because it can cause ==lactic acidosis==.\n", "Metformin",
     "Phenformin"),
    # a question turned by a little word (twelfth fault probe): its opposite, a number,
    # a negation
    ("- Hyperkalemia causes ==peaked T waves==.\n",
     "- Hypokalemia causes ==peaked T waves==.\n", "Hyper", "Hypo"),
    ("- Factor VIII deficiency causes a ==prolonged PTT==.\n",
     "- Factor IX deficiency causes a ==prolonged PTT==.\n", "VIII", "IX"),
    ("- Type 1 DM: ==DKA== is the classic acute complication.\n",
     "- Type 2 DM: ==DKA== is the classic acute complication.\n", "1", "2"),
    ("- HbA1c of 6.5% or more indicates ==diabetes mellitus==.\n",
     "- HbA1c of 5.7% or more indicates ==diabetes mellitus==.\n", "6.5", "5.7"),
    ("- Warfarin crosses the ==placenta==.\n",
     "- Warfarin does not cross the ==placenta==.\n", "crosses", "not"),
    # (thirteenth fault probe) a letter, arrows, opposites that trade places, a short
    # subject
    ("- Hemophilia A: deficiency of ==factor VIII==\n",
     "- Hemophilia B: deficiency of ==factor VIII==\n", "Hemophilia A", "Hemophilia B"),
    ("- Serum calcium ↑, phosphate ↓, PTH ==↑==\n",
     "- Serum calcium ↓, phosphate ↑, PTH ==↑==\n", "calcium ↑", "calcium ↓"),
    ("- High ferritin, low TIBC: ==anemia of chronic disease==\n",
     "- Low ferritin, high TIBC: ==anemia of chronic disease==\n", "High ferritin",
     "Low ferritin"),
    ("- MCD shows ==effaced podocyte foot processes== on EM\n",
     "- MN shows ==effaced podocyte foot processes== on EM\n", "MCD", "MN"),
])
def test_another_row_or_item_with_the_same_answer_or_columns_is_a_new_card(
        project: Callable[..., Project], before: str, after: str, gone: str,
        came: str) -> None:
    """Within one note, a fact replaced by another with the same answer (a table row, a
    list item), or a row whose answer and its own cells changed while the column names
    stayed, or a sentence whose subject changed: the new fact is a new card, the old one
    retired with its history (sixth and seventh fault probes: the new fact took the old
    one's history)."""
    p = project({"Inheritance.md": "# Inheritance\n" + before})
    _, v1 = p.build_and_import()
    p.write("Inheritance.md", "# Inheritance\n" + after)
    built, v2 = p.build_and_import()
    whats = sorted(c.what for c in built.changes.items)
    assert whats in (["new", "retired"], ["moved", "new", "retired"]), whats
    [old] = [c for c in v2.cards if gone in c.answer_text or gone in c.question_text]
    [new] = [c for c in v2.cards if came in c.answer_text or came in c.question_text]
    assert RETIRED_TAG in old.tags and old.guid in {c.guid for c in v1.cards}
    assert new.guid not in {c.guid for c in v1.cards}


def test_a_question_kept_with_its_answer_rewritten_keeps_its_card(
        project: Callable[..., Project]) -> None:
    """The answer corrected, as an edit in Anki would be (thirteenth identity probe: a
    multi-line card whose answer became a list of the same names written out was a new
    card, its history retired)."""
    before = "# Cardio\nWhich murmurs increase with Valsalva?\n?\nHCM and MVP\n"
    p = project({"Cardio.md": before})
    _, v1 = p.build_and_import()
    p.write("Cardio.md", before.replace("HCM and MVP", "- Hypertrophic cardiomyopathy\n"
                                        "- Mitral valve prolapse"))
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert [c.guid for c in v2.cards] == [c.guid for c in v1.cards]
    assert "Mitral valve prolapse" in v2.cards[0].answer_text


@pytest.mark.parametrize(("before", "after"), [
    ("- {{c1::Imatinib}} inhibits {{c2::BCR-ABL tyrosine kinase}}\n",
     "- {{c2::Imatinib}} inhibits {{c1::BCR-ABL tyrosine kinase}}\n"),
    ("- {{c1::Trastuzumab}} targets {{c3::HER2}} and causes {{c4::cardiotoxicity}}\n",
     "- {{c1::Trastuzumab}} targets {{c2::HER2}} and causes {{c3::cardiotoxicity}}\n"),
])
def test_cloze_numbers_the_author_renumbered_keep_each_card(
        project: Callable[..., Project], before: str, after: str) -> None:
    """Each deletion the author numbered keeps its Anki card (and history) when the
    numbers are changed, every group as it was (twelfth fault probe: the c1 card, with
    Imatinib's history, asked BCR-ABL; HER2's card asked cardiotoxicity, and c4 was left
    with no deletion)."""
    p = project({"Onc.md": "# Onc\n" + before})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    p.write("Onc.md", "# Onc\n" + after)
    _, v2 = p.build_and_import()
    assert (v2.new, len(v2.cards)) == (0, len(v1.cards))
    for answer in ("Imatinib", "BCR-ABL", "HER2", "cardiotoxicity", "Trastuzumab"):
        if answer in before:
            assert p.card(v2, answer).ord == p.card(v1, answer).ord
    assert p.card_ids() == ids


def test_a_highlight_removed_and_put_back_gets_its_card_back(
        project: Callable[..., Project]) -> None:
    """Its deletion number, and with it its Anki card and history, come back with it
    (sixth fault probe: it became a new c3, its history left on an empty card); a
    different highlight added meanwhile does not take that number."""
    p = project({"Renal.md": "- Thiazides cause ==hypercalcemia== and ==hyperglycemia==.\n"})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    p.write("Renal.md", "- Thiazides cause hypercalcemia and ==hyperglycemia==.\n")
    p.build_and_import()
    p.write("Renal.md", "- Thiazides cause hypercalcemia, ==hyperuricemia== and "
                        "==hyperglycemia==.\n")
    _, v3 = p.build_and_import()
    assert p.card(v3, "hyperuricemia").ord == 2  # c3: not the lost c1
    p.write("Renal.md", "- Thiazides cause ==hypercalcemia==, ==hyperuricemia== and "
                        "==hyperglycemia==.\n")
    built, v4 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    back = p.card(v4, "hypercalcemia")
    assert back.ord == 0 and back.guid == p.card(v1, "hypercalcemia").guid
    assert set(ids.items()) <= set(p.card_ids().items())  # the same Anki cards
    assert len(v4.cards) == 3 and (v4.new, v4.updated) == (0, 1)


MG = "- MG: antibodies against ==AChR==, treated with ==pyridostigmine==, associated with "


@pytest.mark.parametrize(("before", "after", "answer"), [
    ("- Digoxin toxicity causes ==hyperkalemia==\n",
     "- Digoxin toxicity leads to ==hyperkalaemia==\n", "hyperkalaemia"),
    ("- Lithium toxcity causes ==nephrogenic diabetes insipidus==.\n",
     "- Lithium toxicity causes ==nephrogenic DI==.\n", "nephrogenic DI"),
    ("- Kartagener syndrome: defect in ==dynein arms== causes ==situs inversus== and "
     "==infertility==.\n", "- Kartagener syndrome: ==situs inversus== and ==infertility== "
     "result from defective ==dynein arm==.\n", "dynein arm"),
    ("- Vitamin B12 deficiency causes ==megaloblastic anemia== and ==subacute combined "
     "degeneration==.\n", "- ==Vitamin B12== deficiency causes megaloblastic anemia and "
     "==subacute combined degeneration==.\n", "subacute combined degeneration"),
])
def test_an_answer_spelt_otherwise_or_a_highlight_moved_keeps_the_card(
        project: Callable[..., Project], before: str, after: str, answer: str) -> None:
    """A spelling of the answer with the question reworded, a short form of it, deletions
    reordered, another word highlighted beside one that stays (ninth fault probe: each
    made a new card, the history of the unchanged deletions lost)."""
    p = project({"Note.md": "# Note\n" + before})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    p.write("Note.md", "# Note\n" + after)
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert {c.guid for c in v2.cards} == {c.guid for c in v1.cards}
    assert not [c for c in v2.cards if RETIRED_TAG in c.tags]
    kept = {k: v for k, v in p.card_ids().items() if k in ids}
    assert kept and set(kept.items()) <= set(ids.items())
    assert p.card(v2, answer).guid == v1.cards[0].guid


@pytest.mark.parametrize("target", ["Pharm.md", "Riluzole.md"])
def test_a_fact_moved_to_another_note_and_reworded_keeps_its_card(
        project: Callable[..., Project], target: str) -> None:
    """Moved and reworded in one build (eighth fault probe: a new card, the old one
    retired, though each change alone kept it)."""
    als = "# ALS\n- ALS has ==UMN and LMN== signs\n"
    pharm = "# Pharm\n- Edaravone is a ==free radical scavenger==\n"
    p = project({"ALS.md": als + "- ==Riluzole== slows ALS progression\n", "Pharm.md": pharm})
    _, v1 = p.build_and_import()
    p.write("ALS.md", als)
    moved = "- ==Riluzole== modestly slows the progression of ALS\n"
    p.write(target, pharm + moved if target == "Pharm.md" else moved)
    built, v2 = p.build_and_import()
    assert sorted(c.what for c in built.changes.items) == ["updated"]
    assert p.card(v2, "Riluzole").guid == p.card(v1, "Riluzole").guid
    assert (v2.new, v2.updated) == (0, 1)


@pytest.mark.parametrize(("after", "kept"), [
    ("- MG: antibodies against ==AChR==, treated with pyridostigmine, associated with "
     "==thymoma==\n", "AChR"),
    ("- MG: antibodies against ==AChR==, associated with ==thymoma==\n", "AChR"),
    ("- MG: antibodies against AChR, treated with ==pyridostigmine==, associated with "
     "==thymoma==\n", "pyridostigmine"),
])
def test_a_highlight_moved_to_other_words_gets_a_new_number(
        project: Callable[..., Project], after: str, kept: str) -> None:
    """One highlight taken off (or its phrase deleted) and another word highlighted, in
    one build: the new one is a new card, c3, not the one taken off (eighth fault probe:
    thymoma took pyridostigmine's card and history). A highlight reworded in its place
    keeps its number."""
    p = project({"MG.md": "# MG\n" + MG + "thymoma\n"})
    _, v1 = p.build_and_import()
    ids = p.card_ids()
    p.write("MG.md", "# MG\n" + after)
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert p.card(v2, "thymoma").ord == 2
    assert p.card(v2, kept).ord == p.card(v1, kept).ord
    assert set(ids.items()) <= set(p.card_ids().items())  # no card changed its history
    if kept == "AChR":  # reworded in its place: the same number
        p.write("MG.md", "# MG\n" + after.replace("==AChR==", "==acetylcholine receptor=="))
        _, v3 = p.build_and_import()
        assert p.card(v3, "acetylcholine receptor").ord == 0


@pytest.mark.parametrize(("before", "after"), [
    ("- ==Edaravone== is an antioxidant.\n", "- ==Edaravone== is an antioxidnt.\n"),
    ("- ==Edaravone== is an antioxidant.\n", "- ==Edaravone== is an anti-oxidant.\n"),
    ("| Disease | Inheritance |\n| --- | --- |\n| Huntington disease | ==Autosomal dominant== "
     "|\n| Cystic fibrosis | ==Autosomal recessive== |\n",
     "| Disease | Inheritance |\n| --- | --- |\n| Huntingtons disease | ==Autosomal "
     "dominant== |\n| Cystic fibrosis | ==Autosomal recessive== |\n"),
])
def test_a_typo_fixed_in_a_short_fact_keeps_its_card(project: Callable[..., Project],
                                                      before: str, after: str) -> None:
    """One telling word besides the answer, spelt another way (seventh fault probe: it
    became a new card, its history left on a retired one)."""
    p = project({"Drugs.md": "# Drugs\n- ==Riluzole== slows progression.\n" + before})
    _, v1 = p.build_and_import()
    p.write("Drugs.md", "# Drugs\n- ==Riluzole== slows progression.\n" + after)
    built, v2 = p.build_and_import()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert {c.guid for c in v2.cards} == {c.guid for c in v1.cards}


def test_a_reworded_fact_keeps_its_card_when_a_similar_one_is_added_beside_it(
        project: Callable[..., Project]) -> None:
    """The words the new fact shares with it do not count against the reworded one
    (seventh fault probe: it became a new card)."""
    p = project({"Epi.md": "# Epi\n- ==Ethosuximide== is the drug of choice for absence "
                           "seizures.\n"})
    _, v1 = p.build_and_import()
    p.write("Epi.md", "# Epi\n- ==Ethosuximide== is the first-line drug for absence "
                      "seizures.\n- ==Valproate== is the drug of choice for absence seizures "
                      "with tonic-clonic seizures.\n")
    built, v2 = p.build_and_import()
    assert sorted(c.what for c in built.changes.items) == ["new", "updated"]
    assert p.card(v2, "Ethosuximide").guid == p.card(v1, "Ethosuximide").guid


def test_reordered_items_with_the_same_text_keep_their_own_cards(
        project: Callable[..., Project]) -> None:
    """"Adverse effect: ==GI upset==" under two drugs: when the drugs are reordered, each
    keeps its card and history (seventh fault probe: they swapped, both "updated")."""
    from highyield.identity.collect import collect

    ethosuximide = "- Ethosuximide\n  - Adverse effect: ==GI upset==\n"
    metformin = "- Metformin\n  - Adverse effect: ==GI upset==\n"
    p = project({"Pharm.md": "# Pharm\n\n" + ethosuximide + metformin})
    p.build_and_import()

    def keys() -> dict[str, str]:
        return {c.draft.context[-1]: c.key for c in collect(p.deck).cards}
    before = keys()
    p.write("Pharm.md", "# Pharm\n\n" + metformin + ethosuximide)
    built, _ = p.build_and_import()
    assert keys() == before and len(set(before.values())) == 2
    assert not [c for c in built.changes.items if c.what != "moved"]


DRUG = "  - Class: ==succinimide==\n  - Adverse effect: ==GI upset==\n"
SPECIFIC = "- Teratogen causing ==neural tube defects==\n- Induces ==cytochrome P450==\n"
GENERIC = "- Inheritance: ==autosomal dominant==\n- Contraindicated in ==renal failure==\n"


@pytest.mark.parametrize(("before", "after"), [
    ({"Pharm.md": "# Pharm\n- Ethosuximide\n" + DRUG},
     {"Pharm.md": "# Pharm\n- Metformin\n" + DRUG}),
    ({"Pharm.md": "# Pharm\n## Ethosuximide\n" + DRUG.replace("  - ", "- ")},
     {"Pharm.md": "# Pharm\n## Metformin\n" + DRUG.replace("  - ", "- ")}),
    ({"Ethosuximide.md": DRUG.replace("  - ", "- ")},
     {"Metformin.md": DRUG.replace("  - ", "- ")}),
    ({"Pharm.md": "# Pharm\n- Carbamazepine\n" + DRUG},  # (eighth fault probe)
     {"Pharm.md": "# Pharm\n- Oxcarbazepine\n" + DRUG}),
    ({"Pharm.md": "# Pharm\n## Valproate\n" + SPECIFIC},  # items whose question has a
     {"Pharm.md": "# Pharm\n## Carbamazepine\n" + SPECIFIC}),  # specific word (ninth
    ({"Pharm.md": "# Pharm\n- Phenytoin\n" + SPECIFIC.replace("- ", "  - ")},  # probe)
     {"Pharm.md": "# Pharm\n- Cyclosporine\n" + SPECIFIC.replace("- ", "  - ")}),
    ({"ID.md": "# ID\n## Hepatitis B\n" + GENERIC},  # names of everyday words, a letter
     {"ID.md": "# ID\n## Hepatitis C\n" + GENERIC}),  # (tenth fault probe)
    ({"G.md": "# G\n## Huntington disease\n" + GENERIC},
     {"G.md": "# G\n## Wilson disease\n" + GENERIC}),
    ({"P.md": "# P\n## Ethosuximide\n### Adverse effects\n" + GENERIC},  # past a generic
     {"P.md": "# P\n## Valproate\n### Adverse effects\n" + GENERIC}),  # sub-heading
    ({"Ethosuximide.md": "## Adverse effects\n" + GENERIC},
     {"Valproate.md": "## Adverse effects\n" + GENERIC}),
    # the heading, parent, note or callout named by its opposite (thirteenth fault probe)
    ({"R.md": "# R\n## Acute kidney injury\n" + GENERIC},
     {"R.md": "# R\n## Chronic kidney disease\n" + GENERIC}),
    ({"K.md": "# K\n- Hyperkalemia\n" + GENERIC.replace("- ", "  - ")},
     {"K.md": "# K\n- Hypokalemia\n" + GENERIC.replace("- ", "  - ")}),
    ({"Left heart failure.md": GENERIC}, {"Right heart failure.md": GENERIC}),
    ({"C.md": "# C\n> [!note] Hypercalcemia\n" + GENERIC.replace("- ", "> - ")},
     {"C.md": "# C\n> [!note] Hypocalcemia\n" + GENERIC.replace("- ", "> - ")}),
])
def test_an_item_under_another_drug_is_another_fact(
        project: Callable[..., Project], before: dict[str, str],
        after: dict[str, str]) -> None:
    """"Adverse effect: ==GI upset==" says nothing of its drug: the parent item, heading
    or note above it does. When that names another drug now, the items are new cards, and
    the old drug's keep their history, retired (seventh fault probe: Metformin's card took
    Ethosuximide's history). The ledger keeps each card's context for this."""
    p = project(before)
    _, v1 = p.build_and_import()
    p.rewrite(before, after)
    built, v2 = p.build_and_import()
    assert sorted(c.what for c in built.changes.items) == ["new"] * 2 + ["retired"] * 2
    assert {c.guid for c in v1.cards} == {c.guid for c in v2.cards
                                          if RETIRED_TAG in c.tags}
    drug = next(d for d in ("Oxcarbazepine", "Carbamazepine", "Cyclosporine", "Metformin",
                            "Hepatitis C", "Wilson", "Valproate", "Chronic", "Hypokalemia",
                            "Right", "Hypocalcemia") if d in str(after))
    assert all(drug in c.fields["Context"] for c in v2.cards if RETIRED_TAG not in c.tags)
    assert "context" in ledger_path(p.vault).read_text()


def test_an_item_moved_to_another_drugs_note_under_the_same_heading_is_another_fact(
        project: Callable[..., Project]) -> None:
    """"GI upset" moved from Ethosuximide's "Adverse effects" to Metformin's: the same
    nearest heading, another drug above it (tenth fault probe: it kept Ethosuximide's
    card)."""
    p = project({"Ethosuximide.md": "## Adverse effects\n- ==GI upset==\n- ==Rash==\n",
                 "Metformin.md": "## Adverse effects\n- ==Lactic acidosis==\n"})
    _, v1 = p.build_and_import()
    p.write("Ethosuximide.md", "## Adverse effects\n- ==Rash==\n")
    p.write("Metformin.md", "## Adverse effects\n- ==Lactic acidosis==\n- ==GI upset==\n")
    built, v2 = p.build_and_import()  # (the other items' cards: their lists changed)
    assert sorted(c.what for c in built.changes.items) == [
        "new", "retired", "updated", "updated"]
    [gi] = [c for c in v2.cards if "GI upset}}" in c.fields["Text"] and
            RETIRED_TAG not in c.tags]
    assert gi.guid not in {c.guid for c in v1.cards} and "Metformin" in gi.fields["Context"]
    assert p.card(v2, "Rash").guid == p.card(v1, "Rash").guid


@pytest.mark.parametrize(("before", "after"), [
    ({"Pharm.md": "# Pharm\n- Ethosuximide\n" + DRUG},
     {"Pharm.md": "# Pharm\n- Ethosuximide (Zarontin)\n" + DRUG}),
    ({"Pharm.md": "# Pharm\n## Epilepsy\n- Ethosuximide\n" + DRUG},
     {"Pharm.md": "# Pharm\n## Antiepileptics\n- Ethosuximide\n" + DRUG}),
    ({"ALS.md": "- Tx: ==riluzole==\n- Cause of death: ==respiratory failure==\n"},
     {"ALS.md": "- Treatment: ==riluzole==\n- Cause of death: ==respiratory failure==\n"}),
    ({"ALS.md": "- Tx: ==riluzole==\n- Cause of death: ==respiratory failure==\n"},
     {"Amyotrophic lateral sclerosis.md": "- Tx: ==riluzole==\n"
                                          "- Cause of death: ==respiratory failure==\n"}),
    ({"Pharm.md": "# Pharm\n## Epilepsy\n- ==Ethosuximide== treats absence seizures.\n"
                  "- ==Valproate== treats myoclonic seizures.\n## Pediatrics\n"},
     {"Pharm.md": "# Pharm\n## Epilepsy\n- ==Valproate== treats myoclonic seizures.\n"
                  "## Pediatrics\n- ==Ethosuximide== treats absence seizures.\n"}),
    ({"Neuro.md": "# Neuro\n- ==Riluzole== slows ALS progression.\n- ==Edaravone== is an "
                  "antioxidant.\n", "MND.md": "# MND\n- ==Fasciculations== are LMN signs.\n"},
     {"Neuro.md": "# Neuro\n- ==Edaravone== is an antioxidant.\n",
      "MND.md": "# MND\n- ==Fasciculations== are LMN signs.\n- ==Riluzole== slows "
                "amyotrophic lateral sclerosis progression.\n"}),
    ({"E.md": "# E\n- DKA presents with ==Kussmaul respirations==\n- GERD is treated with "
              "==PPIs==\n- Estrogen increases ==SHBG==\n"},  # (tenth fault probe)
     {"E.md": "# E\n- Diabetic ketoacidosis presents with ==Kussmaul respirations==\n- "
              "Gastroesophageal reflux disease is treated with ==PPIs==\n- Oestrogen "
              "increases ==SHBG==\n"}),
    ({"E.md": "# E\n- ==Ethosuximide== treats ==absence seizures==\n"},
     {"E.md": "# E\n- ==Absence seizures== are treated with ==ethosuximide==\n"}),
    ({"E.md": "# ALS\n## Treatment\n- ==Riluzole== slows progression\n"},
     {"E.md": "# ALS\n## Management\n- ==Riluzole== slows progression\n"}),
    # (twelfth fault probe) a note renamed whose items start with their drug; a generic
    # word of the parent changed, its drug kept; a verb put another way; an item moved
    # to a new heading, its old one left empty
    ({"Cardio.md": "- Amiodarone causes ==pulmonary fibrosis==\n- Sotalol causes "
                   "==torsades de pointes==\n"},
     {"Antiarrhythmics.md": "- Amiodarone causes ==pulmonary fibrosis==\n- Sotalol causes "
                            "==torsades de pointes==\n"}),
    ({"Cardio.md": "# Cardio\n- {{c1::Lithium}} causes nephrogenic {{c2::DI}}\n"},
     {"Cardiology.md": "# Cardiology\n- {{c1::Lithium}} causes nephrogenic {{c2::DI}}\n"}),
    ({"A.md": "# A\n- Class IB: lidocaine\n  - Best post-MI for ==ventricular "
              "arrhythmias==\n  - Contraindicated in ==structural heart disease== post-MI\n"},
     {"A.md": "# A\n- Class IB: lidocaine\n  - Useful post-MI for ==ventricular "
              "arrhythmias==\n  - Contraindicated in ==structural heart disease== post-MI\n"}),
    ({"P.md": "# Psych\n- Side effects of lithium\n  - ==Nephrogenic DI==\n  - "
              "==Hypothyroidism==\n"},
     {"P.md": "# Psych\n- Adverse effects of lithium\n  - ==Nephrogenic DI==\n  - "
              "==Hypothyroidism==\n"}),
    ({"D.md": "# Diabetes\n- Metformin inhibits hepatic ==gluconeogenesis==\n- "
              "Sulfonylureas close ==K-ATP channels==\n"},
     {"D.md": "# Diabetes\n- Metformin suppresses hepatic ==gluconeogenesis==\n- "
              "Sulfonylureas close ==K-ATP channels==\n"}),
    ({"E.md": "# ENT\n- Ménière triad\n  - ==Tinnitus==\n  - ==Peripheral vertigo==\n"},
     {"E.md": "# ENT\n- Meniere triad\n  - ==Tinnitus==\n  - ==Peripheral vertigo==\n"}),
    ({"M.md": "# Micro\n- Staphylococcus aureus food poisoning: ==preformed toxin==\n- "
              "Escherichia coli O157:H7 causes ==HUS==\n"},  # (thirteenth fault probe)
     {"M.md": "# Micro\n- S. aureus food poisoning: ==preformed toxin==\n- E. coli "
              "O157:H7 causes ==HUS==\n"}),
    ({"P.md": "# Pharm\n## Class II (beta blockers)\n- Decrease ==SA and AV nodal== "
              "activity\n"},
     {"P.md": "# Pharm\n## Class II (β-blockers)\n- Decrease ==SA and AV nodal== "
              "activity\n"}),
    ({"A.md": "# Antiepileptics\n## Absence\n- ==Ethosuximide== blocks T-type calcium "
              "channels\n## Focal\n- ==Carbamazepine== induces CYP3A4\n"},
     {"A.md": "# Antiepileptics\n## Absence\n## Focal\n- ==Carbamazepine== induces CYP3A4"
              "\n## Mechanisms\n- ==Ethosuximide== blocks T-type calcium channels\n"}),
])
def test_a_context_renamed_or_a_short_form_written_out_keeps_each_card(
        project: Callable[..., Project], before: dict[str, str],
        after: dict[str, str]) -> None:
    """Words added to the parent, a heading above it renamed, a note renamed from its
    abbreviation, "Tx" written out, a card that names something specific moved under
    another heading or note that was there: the same facts, the same cards. (A nearest
    heading renamed to another specific term is taken for another subject: a new card.)"""
    p = project(before)
    _, v1 = p.build_and_import()
    p.rewrite(before, after)
    built, v2 = p.build_and_import()
    assert {c.what for c in built.changes.items} <= {"updated", "moved"}
    assert {c.guid for c in v2.cards} == {c.guid for c in v1.cards}
    assert not [c for c in v2.cards if RETIRED_TAG in c.tags]


def test_the_listing_shows_the_numbers_the_deck_has(project: Callable[..., Project]) -> None:
    p = project({"n.md": "- PLS affects ==only UMN==.\n"})
    p.build()
    p.edit("n.md", "- PLS", "- ==Primary lateral sclerosis== (PLS)")
    built = p.build()
    assert [c.label for c in built.changes.items] == [
        "{{c2::Primary lateral sclerosis}} (PLS) affects {{c1::only UMN}}."]


def test_write_ids_leaves_read_only_notes_and_keeps_permissions(
        project: Callable[..., Project], runner: CliRunner) -> None:
    p = project({"a.md": "- ==Alpha== is one\n", "b.md": "- ==Beta== is two\n"})
    (p.vault / "a.md").chmod(0o444)
    (p.vault / "b.md").chmod(0o640)
    result = runner.invoke(cli, ["build", str(p.vault), "-o", str(p.deck.output),
                                 "--write-ids"])
    (p.vault / "a.md").chmod(0o644)
    assert result.exit_code == 0, result.output
    assert "wrote 1 block id into 1 note\n  left alone a.md: read-only" in result.stdout
    assert (p.vault / "a.md").read_text() == "- ==Alpha== is one\n"
    assert "^hy-" in (p.vault / "b.md").read_text()
    assert (p.vault / "b.md").stat().st_mode & 0o777 == 0o640


def test_a_cached_notes_problems_are_shown_from_the_current_folder(
        project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch) -> None:
    p = project({"sub/n.md": "- ==Riluzole== inhibits glutamate.\n\n![[missing.png]]\n"})
    monkeypatch.chdir(p.vault / "sub")
    first = p.build()
    assert first.tally is not None
    assert [d.path for d in first.tally.diagnostics] == ["n.md"]
    monkeypatch.chdir(p.vault)
    again = p.build(force=True)
    assert again.fresh == 0 and again.tally is not None
    assert [d.path for d in again.tally.diagnostics] == ["sub/n.md"]


def test_a_week_of_edits_leaves_no_duplicate_and_every_card_its_history(
        project: Callable[..., Project]) -> None:
    p = project({"Neuro/ALS.md": ALS, "Neuro/Polio.md": POLIO})
    days: list[Callable[[], object]] = [
        lambda: p.edit("Neuro/ALS.md", "glutamate release", "glutamate relase"),
        lambda: (p.vault / "Neuro/Polio.md").rename(p.vault / "Neuro/Poliomyelitis.md"),
        lambda: p.edit("Neuro/ALS.md", "and hyperreflexia", "and ==hyperreflexia=="),
        lambda: (p.vault / "Neuro").rename(p.vault / "Neurology"),
        lambda: p.edit("Neurology/ALS.md", "- Edaravone is a ==free radical scavenger==.\n", ""),
        lambda: p.edit("Neurology/ALS.md", "==Fasciculations==", "==Fasciculation=="),
        lambda: p.edit("Neurology/ALS.md", "## Signs\n",
                       "- Edaravone is a ==free radical scavenger==.\n## Signs\n"),
    ]
    _, first = p.build_and_import()
    history = p.card_ids()
    for day in days:
        day()
        _, imported = p.build_and_import()
        assert imported.conflicting == 0
        _no_duplicates(imported)
        now = p.card_ids()
        assert all(now[k] == v for k, v in history.items())  # every card kept its Anki card
        history = now
    assert len(history) == len(first.cards) + 1  # the one added highlight
    assert not p.col.find_notes(f"tag:{RETIRED_TAG}")  # the deleted fact came back


def test_a_build_keys_cards_as_one_without_a_cache_would(
        project: Callable[..., Project], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Cards of notes the last build read as they are keep their keys without matching
    (issue 17); every key is the one matching all cards again gives (a build on a fresh
    cache, the same ledger), through edits that renumber, copy, move and rename."""
    p = project({"Neuro/ALS.md": ALS, "Neuro/Polio.md": POLIO, "Renal.md": "- Thiazides "
                 "cause ==hypercalcemia== and ==hyperglycemia==.\n"})
    edits: list[Callable[[], object]] = [
        lambda: p.edit("Renal.md", "==hypercalcemia== and ", ""),  # renumbered after
        lambda: p.edit("Neuro/ALS.md", "glutamate release", "glutamate relase"),
        lambda: shutil.copytree(p.vault / "Neuro", p.vault / "Copy"),  # the same cards
        lambda: p.edit("Copy/ALS.md", "Riluzole", "Riluzol"),
        lambda: (p.vault / "Neuro/Polio.md").rename(p.vault / "Neuro/Poliomyelitis.md"),
        lambda: p.edit("Renal.md", "cause ", "cause ==hypercalcemia== and "),  # put back
        lambda: p.edit("Neuro/ALS.md", "- Edaravone is a ==free radical scavenger==.\n", ""),
    ]
    from highyield.deck import build as building

    counted: list[int] = []

    def counting(*args: Any) -> dict[int, str]:
        found = settled_keys(*args)
        counted.append(len(found))
        return found
    monkeypatch.setattr(building, "settled", counting)
    p.build()
    for n, edit in enumerate(edits):
        edit()
        p.build()  # the cache says which notes are as they were
        settled = _live(import_apkg(p.deck.output, tmp_path / f"settled {n}"))
        monkeypatch.setenv("HIGHYIELD_HOME", str(tmp_path / f"fresh {n}"))
        shutil.copy2(ledger_path(p.vault), tmp_path / "ledger.tsv")  # its time too
        p.build(force=True)  # no cache: every card matched
        monkeypatch.setenv("HIGHYIELD_HOME", str(tmp_path / "_home" / "highyield"))
        shutil.copy2(tmp_path / "ledger.tsv", ledger_path(p.vault))
        assert settled == _live(import_apkg(p.deck.output, tmp_path / f"fresh {n}")), n
    assert min(counted[1::2]) >= 1  # each build on the cache took some keys as they were
    # ALS and its copy: one card each for the three they share (same title, same
    # headings), a Riluzole each; Polio and its copy; Renal's two clozes
    assert len(settled) == 3 + 2 + 2 + 2


def _live(imported: Imported) -> list[tuple[str, int, str]]:
    """Each card of the deck but the retired: its Anki note, its number and its text."""
    return sorted((c.guid, c.ord, c.fields.get("Text", "")) for c in imported.cards
                  if RETIRED_TAG not in c.tags)


def test_a_same_name_copy_in_another_folder_leaves_the_original_alone(
        project: Callable[..., Project]) -> None:
    p = project({"Neurology/ALS.md": ALS})
    p.build_and_import()
    ids = p.card_ids()
    p.write("Neuro2/ALS.md", ALS)  # the same title, so the same cards: merged, not moved
    built, v2 = p.build_and_import()
    assert not built.changes and (v2.new, v2.updated) == (0, 0)
    assert built.tally is not None and built.tally.merged == 4
    p.edit("Neuro2/ALS.md", "inhibits", "blocks")  # the copy drifts: a card of its own
    edited, v3 = p.build_and_import()
    assert [(c.what, c.source) for c in edited.changes.items] == [("new", "Neuro2/ALS.md:3")]
    assert all(p.card_ids()[k] == v for k, v in ids.items())
    original = [c for c in v3.cards if "inhibits" in c.question_text]
    assert len(original) == 1 and "Neurology/ALS.md" in original[0].fields["Source"]


def test_a_new_problem_shows_even_when_no_card_changed(project: Callable[..., Project],
                                                      runner: CliRunner) -> None:
    p = project({"ALS.md": ALS})
    p.build()
    p.write("ALS.md", ALS + "\n![[missing-figure.png]]\n")
    result = runner.invoke(cli, ["build", str(p.vault), "-o", str(p.deck.output)])
    assert result.exit_code == 0, result.output
    assert "ALS.md:10: warning: image 'missing-figure.png' was not found" in result.stderr
    assert result.stdout.startswith("vault → ") and \
        "no card changed; the deck is left as it was" in result.stdout


def test_a_build_to_another_path_keeps_each_cards_time(project: Callable[..., Project],
                                                       tmp_path: Path) -> None:
    p = project({"ALS.md": ALS})
    p.build_and_import()
    note = p.col.get_note(p.col.find_notes("Riluzole")[0])
    note["Extra"] = "my own words, added in Anki"
    p.col.update_note(note)
    elsewhere = build(replace(p.deck, output=tmp_path / "elsewhere.apkg"), now=FIXED_NOW + 60)
    assert elsewhere.written and not elsewhere.changes
    again = import_apkg(elsewhere.output, p.anki, p.col)
    assert (again.new, again.updated) == (0, 0)
    assert p.col.get_note(note.id)["Extra"] == "my own words, added in Anki"


@pytest.mark.parametrize("order", ["cardio first", "neuro first"])
def test_a_card_moved_to_another_deck_on_the_vault_is_not_retired(
        project: Callable[..., Project], tmp_path: Path, order: str) -> None:
    from highyield.vault.globs import Selection

    murmur_line = "- ==Murmur== rises with Valsalva.\n"
    p = project({"Neuro/ALS.md": ALS, "Cardio/HCM.md": "# HCM\n" + murmur_line})
    neuro = replace(p.deck, name="Neuro", selection=Selection(("Neuro/**",)),
                    output=tmp_path / "neuro.apkg")
    cardio = replace(p.deck, name="Cardio", selection=Selection(("Cardio/**",)),
                     output=tmp_path / "cardio.apkg")
    decks = [cardio, neuro] if order == "cardio first" else [neuro, cardio]
    clock = iter(range(100))
    for deck in decks:
        build(deck, now=FIXED_NOW + next(clock))
        import_apkg(deck.output, p.anki, p.col)
    p.edit("Cardio/HCM.md", murmur_line, "")
    p.write("Neuro/ALS.md", ALS + murmur_line)
    for _ in range(2):  # the second round settles what the first could not know
        for deck in decks:
            build(deck, now=FIXED_NOW + next(clock))
            import_apkg(deck.output, p.anki, p.col)
    murmur = p.col.get_note(p.col.find_notes("Murmur")[0])
    assert RETIRED_TAG not in murmur.tags
    assert len(p.col.find_notes("Murmur")) == 1


def test_a_first_basic_card_in_a_deck_of_clozes_imports(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """The kept collection of a cloze-only deck has no Basic note type; the next build
    must not patch a Basic note into it (Anki refused such a package)."""
    vault = make_vault({"a.md": "- The ==mitral valve== has two cusps\n"})
    deck = folder_deck(vault, tmp_path / "out" / "deck.apkg")
    build(deck, now=1_800_000_000)
    with (vault / "a.md").open("a") as f:
        f.write("Normal heart rate::60 to 100\n")
    build(deck, now=1_800_000_100)
    cards = import_apkg(deck.output, tmp_path / "anki").cards
    assert sorted(c.notetype for c in cards) == ["highyield Basic", "highyield Cloze"]


def test_a_renamed_clipping_keeps_every_auto_card(project: Callable[..., Project]) -> None:
    # Two clippings on the same subject repeat each other; which one keeps a repeated
    # card must not depend on their names.
    heldout = Path(__file__).parent / "fixtures/heldout/Clippings"
    names = ("HIT Is a Prothrombotic Disorder—Not a Bleeding Disorder.md",
             "Heparin-Induced Thrombocytopenia Recognition and Management.md")
    p = project({f"Clippings/{n}": (heldout / n).read_text(encoding="utf-8") for n in names})
    _, v1 = p.build_and_import()
    auto = {c.guid: c.fields["Text"] for c in v1.cards if "highyield::auto" in c.tags}
    assert len(auto) > 20
    ids = p.card_ids()
    (p.vault / "Clippings" / names[0]).rename(p.vault / "Clippings" / "Zz HIT.md")
    built, v2 = p.build_and_import()
    assert built.changes.count("new") == built.changes.count("retired") == 0
    assert not any(RETIRED_TAG in c.tags for c in v2.cards)
    assert (v2.new, len(v2.cards)) == (0, len(v1.cards))
    assert p.card_ids() == ids
    assert {c.guid: c.fields["Text"] for c in v2.cards if "highyield::auto" in c.tags} == auto
    renamed = [c for c in v2.cards if "Zz HIT.md" in c.fields.get("Source", "")]
    assert renamed and all("Zz HIT" in c.question_text for c in renamed)
