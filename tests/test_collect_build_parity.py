"""Two paths lead from notes to cards: ``collect`` (for ``cards``, ``check`` and the quiz)
and the build (the .apkg, through its cache). After every edit, the cards Anki makes from
the built deck must be the cards ``collect`` lists: the same keys, the same cloze numbers.
Each build is imported into a fresh collection, so only the .apkg is compared."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from highyield.identity.collect import Collected, collect
from highyield.identity.ledger import ledger_path
from highyield.model import RETIRED_TAG, Card, CardKind, anki_cards, cloze_numbers, preview_text
from tests.anki_client import Imported, import_apkg
from tests.test_rebuild import Project

ALS = """# ALS
## Drugs
- ==Riluzole== inhibits glutamate release.
- Edaravone is a ==free radical scavenger==.
- {{c1::Tofersen}} targets {{c2::SOD1}} mutations.
- Drug that prolongs survival in ALS::Riluzole
- Edaravone:::Free radical scavenger

## Signs
- ==Fasciculations== are a lower motor neuron sign.
- Upper motor neuron signs include ==spasticity== and ==hyperreflexia==.
"""
POLIO = "# Polio\n- Poliovirus destroys the ==anterior horn== cells.\n"
CLIPPING = """---
source: https://example.org/ms-vs-als
---
# MS and ALS are different diseases

Multiple sclerosis is an autoimmune disorder in which the immune system attacks the \
myelin sheath of the central nervous system.
Amyotrophic lateral sclerosis is a neurodegenerative disease that destroys both upper \
and lower motor neurons.
Optic neuritis is a common first presentation of multiple sclerosis in young women.
"""
FASCICULATIONS = "- ==Fasciculations== are a lower motor neuron sign.\n"

# One Anki note: its guid, its kind and its cards (cloze numbers, or how many cards)
Shape = tuple[str, str, tuple[int, ...]]


def _anki_shapes(imported: Imported) -> set[Shape]:
    cards: dict[tuple[str, str], list[int]] = defaultdict(list)
    for c in imported.cards:
        assert RETIRED_TAG not in c.tags  # nothing in these edits is deleted
        kind = "cloze" if c.notetype == "highyield Cloze" else "basic"
        cards[c.guid, kind].append(c.ord + 1)
    return {(guid, kind, tuple(sorted(ords)) if kind == "cloze" else (len(ords),))
            for (guid, kind), ords in cards.items()}


def _collected_shape(card: Card) -> Shape:
    if card.kind is CardKind.CLOZE:
        return card.key, "cloze", tuple(sorted(cloze_numbers(card.draft.front)))
    return card.key, "basic", (anki_cards(card),)


def _build_and_compare(p: Project, anki: Path) -> Collected:
    """Build, then collect the same notes: the ledger the build wrote is read, not written."""
    p.build()
    ledger = ledger_path(p.vault)
    written = ledger.read_bytes(), ledger.stat().st_mtime_ns
    collected = collect(p.deck)
    assert (ledger.read_bytes(), ledger.stat().st_mtime_ns) == written
    from_anki = _anki_shapes(import_apkg(p.deck.output, anki))
    assert from_anki == {_collected_shape(c) for c in collected.cards}
    return collected


def _card(collected: Collected, fragment: str) -> Card:
    found = [c for c in collected.cards if fragment in preview_text(c.draft.front)]
    assert len(found) == 1, [preview_text(c.draft.front) for c in collected.cards]
    return found[0]


def _numbers(card: Card) -> set[int]:
    return cloze_numbers(card.draft.front)


@pytest.fixture
def p(tmp_path: Path) -> Iterator[Project]:
    made = Project(tmp_path, {"Neuro/ALS.md": ALS, "Neuro/Polio.md": POLIO,
                              "Clippings/MS.md": CLIPPING})
    yield made
    made.col.close()  # the project's own collection, which these builds do not use


def test_collect_lists_the_cards_anki_makes_from_the_build_after_every_edit(
        p: Project, tmp_path: Path) -> None:
    steps = iter(range(100))

    def step() -> Collected:
        return _build_and_compare(p, tmp_path / f"fresh{next(steps)}")

    first = step()
    kinds = {(c.kind, c.draft.auto) for c in first.cards}
    assert {(CardKind.CLOZE, False), (CardKind.CLOZE, True), (CardKind.BASIC, False),
            (CardKind.REVERSED, False)} <= kinds
    assert _numbers(_card(first, "Tofersen")) == {1, 2}

    riluzole = _card(first, "{{c1::Riluzole}}").key
    p.edit("Neuro/ALS.md", "inhibits glutamate release", "blocks glutamate release")
    reworded = _card(step(), "blocks glutamate")
    assert reworded.key == riluzole

    fasciculations = _card(first, "Fasciculations").key
    p.edit("Neuro/ALS.md", FASCICULATIONS, "")
    p.write("Neuro/Polio.md", POLIO + FASCICULATIONS)
    moved = _card(step(), "Fasciculations")
    assert (moved.key, moved.draft.ref.path) == (fasciculations, "Neuro/Polio.md")

    edaravone = _card(first, "free radical scavenger")
    p.edit("Neuro/ALS.md", "- Edaravone is a", "- ==Edaravone== is a")
    added = _card(step(), "free radical scavenger")
    assert added.key == edaravone.key
    assert _numbers(added) == _numbers(edaravone) | {max(_numbers(edaravone)) + 1}

    umn = _card(first, "spasticity")
    p.edit("Neuro/ALS.md", "==spasticity==", "spasticity")
    removed = _card(step(), "hyperreflexia")
    assert removed.key == umn.key and _numbers(umn) == {1, 2}
    assert _numbers(removed) == {2}  # not renumbered: c2 keeps its Anki card

    optic = _card(first, "Optic neuritis")
    assert optic.draft.auto
    p.edit("Clippings/MS.md", "a common first presentation", "a frequent first presentation")
    auto = _card(step(), "Optic neuritis")
    assert auto.key == optic.key and "frequent" in preview_text(auto.draft.front)
