"""``highyield sync-anki``: one review history with a real Anki collection, made by the
official package: the deck highyield built is imported, cards are answered in Anki (its
own scheduler) and in the quiz's store, and ``sync-anki`` runs as a real process."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import libfaketime  # type: ignore[import-untyped]
import pexpect
import pytest
from anki.collection import Collection
from anki.decks import DeckId

from highyield.config import ReviewSettings, folder_deck
from highyield.review.localzone import LOCAL
from highyield.review.schedule import Phase, Rating, answer, fuzz_seed
from highyield.review.store import Store
from highyield.review.sync import sync_deck
from tests.anki_client import import_apkg

UTC = timezone.utc
NOTE = """# Renal
- Furosemide acts on the ==thick ascending limb==.
- Thiazides act on the ==distal convoluted tubule==.
- Spironolactone blocks ==aldosterone== receptors.
- Acetazolamide inhibits ==carbonic anhydrase==.
"""


@dataclass
class Sides:
    """A vault, its deck imported into an Anki collection, and a review store."""

    root: Path
    vault: Path
    collection: Path
    store: Path
    clock: Path | None = None  # the file libfaketime reads the time from, if faked

    def sync(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "highyield", "sync-anki", str(self.collection),
             str(self.vault), "--state", str(self.store), *args], cwd=self.root,
            capture_output=True, encoding="utf-8", timeout=120, env=self.env())

    def key_of(self, answer_text: str) -> tuple[str, int]:
        with Store.open(self.store) as store:
            for key, ord_, view in store.db.execute("SELECT key, ord, view FROM cards"):
                if answer_text in view:
                    return str(key), int(ord_)
        raise KeyError(answer_text)

    def quiz(self, answer_text: str, rating: Rating, at: datetime) -> None:
        """Answer a card as the quiz would, at ``at``."""
        key, ord_ = self.key_of(answer_text)
        with Store.open(self.store) as store:
            state = store.state(key, ord_)
            outcome = answer(state, rating, at, ReviewSettings(),
                             fuzz_seed(f"{key}:{ord_}", state.reps), tz=LOCAL)
            store.answer(key, ord_, outcome, 4000)

    def anki(self, answer_text: str, rating: Rating, at_ms: int) -> None:
        """Answer a card in Anki, with Anki's scheduler, in a process whose clock says
        ``at_ms`` when the sides run on a faked clock."""
        self.at(at_ms)
        done = subprocess.run([sys.executable, "-c", ANSWER, str(self.collection),
                               answer_text, str(rating), str(at_ms)], env=self.env(),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    def at(self, ms: int) -> None:
        if self.clock is not None:
            self.clock.write_text(f"{ms / 1000:.3f}\n")

    def env(self) -> dict[str, str]:
        env = {**os.environ, "HIGHYIELD_HOME": str(self.root / "home")}
        if self.clock is not None:
            _, additions = libfaketime.get_reload_information()
            env.update(additions, TZ="UTC", FAKETIME_FMT="%s",
                       FAKETIME_TIMESTAMP_FILE=str(self.clock))
        return env


ANSWER = """
import sys
from anki.collection import Collection
from anki.decks import DeckId
from anki.scheduler.v3 import CardAnswer
path, text, rating, at_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
col = Collection(path)
[cid] = [c for c in col.find_cards("") if text in col.get_card(c).note()["Text"]]
states = col._backend.get_scheduling_states(cid)
new = (states.again, states.hard, states.good, states.easy)[rating - 1]
buttons = (CardAnswer.AGAIN, CardAnswer.HARD, CardAnswer.GOOD, CardAnswer.EASY)
col.sched.answer_card(CardAnswer(card_id=cid, current_state=states.current, new_state=new,
                      rating=buttons[rating - 1], answered_at_millis=at_ms,
                      milliseconds_taken=3000))
col.close()
"""


@pytest.fixture
def sides(tmp_path: Path) -> Iterator[Sides]:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Renal.md").write_text(NOTE)
    built = subprocess.run([sys.executable, "-m", "highyield", "build", str(vault), "-o",
                            str(tmp_path / "deck.apkg")], capture_output=True, text=True,
                           env={**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home")})
    assert built.returncode == 0, built.stderr
    import_apkg(tmp_path / "deck.apkg", tmp_path / "anki")
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    col.set_config("fsrs", True)  # as docs/anki-sync.md asks: one scheduler on both sides
    col.close()
    store = tmp_path / "reviews.sqlite3"
    with Store.open(store) as opened:
        sync_deck(opened, folder_deck(vault, None), datetime.now(UTC))
    yield Sides(tmp_path, vault, tmp_path / "anki" / "collection.anki2", store)


def _said(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What sync-anki said of the sync (after what the build of the deck said)."""
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(
        ("Merged", "Would merge", "Finished")))
    return lines[start:]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _store_log(sides: Sides) -> dict[tuple[str, int], list[tuple[int, int]]]:
    found: dict[tuple[str, int], list[tuple[int, int]]] = {}
    db = sqlite3.connect(sides.store)
    try:
        for key, ord_, at, rating in db.execute(
                "SELECT key, ord, reviewed_at, rating FROM reviews ORDER BY reviewed_at"):
            found.setdefault((key, ord_), []).append((at, rating))
    finally:
        db.close()
    return found


def _anki_log(sides: Sides) -> dict[tuple[str, int], list[tuple[int, int]]]:
    found: dict[tuple[str, int], list[tuple[int, int]]] = {}
    col = Collection(str(sides.collection))
    try:
        assert col.db is not None
        for rid, guid, ord_, ease in col.db.all(
                "SELECT r.id, n.guid, c.ord, r.ease FROM revlog r JOIN cards c ON c.id = "
                "r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id"):
            found.setdefault((guid, ord_ + 1), []).append((rid, ease))
    finally:
        col.close()
    return found


def _agree(sides: Sides) -> None:
    """Both sides hold the same answers, and each card is due on the same day, with the
    same memory (as Anki rounds it), in the same phase."""
    assert _store_log(sides) == _anki_log(sides)
    col = Collection(str(sides.collection))
    try:
        created = col.crt  # the start of day 0, so no clock is read
        anki = {(n.guid, c.ord + 1): c for c in (col.get_card(cid) for cid in
                col.find_cards("")) for n in [c.note()]}
    finally:
        col.close()
    with Store.open(sides.store) as store:
        for (key, ord_), card in anki.items():
            state = store.state(key, ord_)
            assert int(card.type) == int(state.phase), (key, ord_)
            if state.phase is Phase.REVIEW:
                assert state.due is not None
                due_day = (int(state.due.timestamp()) + 3600 - created) // 86400
                assert card.due == due_day and card.ivl == state.interval_days
            if state.stability is not None:
                assert card.memory_state is not None
                assert round(card.memory_state.stability, 2) == round(state.stability, 2)
                assert round(card.memory_state.difficulty, 2) == round(state.difficulty or 0, 2)
            assert (card.reps, card.lapses) == (state.reps, state.lapses)
            assert (int(card.queue) == -1) == state.suspended


def _check_database(path: Path, env: dict[str, str] | None = None) -> None:
    """Anki's own Check Database finds nothing to fix (run where the clock is the
    sides' own, so that no answer is in the future)."""
    done = subprocess.run([sys.executable, "-c", CHECK, str(path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ok, problems = done.stdout.split("\n", 1)
    assert ok == "True" and problems.strip() in ("", "Database rebuilt and optimized."), \
        problems


CHECK = """
import sys
from anki.collection import Collection
from anki.decks import DeckId
col = Collection(sys.argv[1])
problems, ok = col.fix_integrity()
col.close()
print(ok)
print(problems)
"""


def test_answers_in_anki_reach_the_store_and_a_second_sync_changes_nothing(
        sides: Sides) -> None:
    sides.anki("thick ascending limb", Rating.Good, _now_ms())
    sides.anki("aldosterone", Rating.Easy, _now_ms() + 5000)
    first = sides.sync()
    assert first.returncode == 0, first.stderr
    lines = _said(first)
    assert lines[0] == ("Merged with anki/collection.anki2: 4 cards on both sides; 0 only "
                        "here and 0 only in Anki (another deck's, or notes deleted here), left "
                        "alone")
    assert lines[1] == "  answers: 0 to Anki, 2 to the review store · schedules changed: " \
                       "0 in Anki, 2 here"
    assert lines[2].startswith("  backup of the collection: anki/backups/")
    assert Path(sides.root / lines[2].split(": ", 1)[1]).is_file()
    _agree(sides)
    _check_database(sides.collection)
    before = sides.collection.stat().st_mtime_ns
    again = sides.sync()
    assert _said(again)[1] == "  answers: 0 to Anki, 0 to the review store · " \
                                           "schedules changed: 0 in Anki, 0 here"
    assert "backup" not in again.stdout
    assert sides.collection.stat().st_mtime_ns == before  # not even opened for writing
    _agree(sides)
    dry = sides.sync("--dry-run")
    assert dry.returncode == 0, dry.stderr
    # nothing left beside the collection: reading it read-only left an empty -wal and a
    # -shm in the profile (Anki keeps collections in WAL mode), which another user's
    # Anki or sync then could not use (second fault probe)
    assert [p.name for p in sides.collection.parent.iterdir()
            if p.name.startswith("collection.anki2-")] == []


def test_answers_in_the_quiz_reach_anki(sides: Sides) -> None:
    now = datetime.now(UTC)
    sides.quiz("distal convoluted tubule", Rating.Good, now - timedelta(seconds=90))
    sides.quiz("distal convoluted tubule", Rating.Good, now - timedelta(seconds=60))  # early
    sides.quiz("carbonic anhydrase", Rating.Again, now - timedelta(seconds=30))
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert _said(result)[1] == "  answers: 3 to Anki, 0 to the review store · " \
                                            "schedules changed: 2 in Anki, 0 here"
    _agree(sides)
    _check_database(sides.collection)


def test_answers_on_both_sides_the_same_day_are_all_kept(sides: Sides) -> None:
    now_ms = _now_ms()
    sides.quiz("thick ascending limb", Rating.Good, datetime.fromtimestamp(
        (now_ms - 60_000) / 1000, UTC))
    sides.anki("thick ascending limb", Rating.Good, now_ms)
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert _said(result)[1] == "  answers: 1 to Anki, 1 to the review store · " \
                                            "schedules changed: 1 in Anki, 1 here"
    key = sides.key_of("thick ascending limb")
    assert [r for _, r in _store_log(sides)[key]] == [3, 3]
    _agree(sides)


def test_dry_run_changes_nothing(sides: Sides) -> None:
    """Also counted: the card of another highyield deck, which the store does not have."""
    other = sides.root / "other"
    other.mkdir()
    (other / "Cardio.md").write_text("- ==Digoxin== slows the heart.\n")
    assert subprocess.run([sys.executable, "-m", "highyield", "build", str(other), "-o",
                           str(sides.root / "other.apkg")], env=sides.env(),
                          capture_output=True).returncode == 0
    import_apkg(sides.root / "other.apkg", sides.root / "anki")
    sides.anki("aldosterone", Rating.Good, _now_ms())
    before = sides.collection.read_bytes(), sides.store.read_bytes()
    result = sides.sync("--dry-run")
    assert result.returncode == 0, result.stderr
    assert _said(result) == [
        "Would merge with anki/collection.anki2: 4 cards on both sides; 0 only here and 1 "
        "only in Anki (another deck's, or notes deleted here), left alone",
        "  answers: 0 to Anki, 1 to the review store · schedules changed: 0 in Anki, 1 here",
        "  nothing was changed (--dry-run); notes' text and tags as the last build left them"]
    assert _store_log(sides) == {}
    assert (sides.collection.read_bytes(), sides.store.read_bytes()) == before


def test_a_collection_with_fsrs_off_is_said_so(sides: Sides) -> None:
    col = Collection(str(sides.collection))
    col.set_config("fsrs", False)
    col.close()
    result = sides.sync()
    assert "  note: FSRS is off in this collection, so Anki schedules the answers given " \
        "there with its older SM-2; turn FSRS on in Anki (Deck Options → FSRS) for one " \
        "schedule on both sides" in _said(result)


@pytest.mark.parametrize(("given", "said", "hint"), [
    ("anki", "anki is a folder, not an Anki collection",
     "give the collection in it: anki/collection.anki2"),
    ("deck.apkg", "deck.apkg is a package to import into Anki, not a collection",
     "give the collection.anki2 of the Anki profile you imported it into, e.g. "
     "~/.local/share/Anki2/User 1/collection.anki2"),
    ("anki/colection.anki2", "no Anki collection at anki/colection.anki2",
     "give the collection.anki2 file of your Anki profile, e.g. ~/.local/share/Anki2/User "
     "1/collection.anki2"),
])
def test_a_wrong_collection_path_is_said_before_anything_is_built(
        sides: Sides, given: str, said: str, hint: str) -> None:
    """A folder, a package or a typo: said at once, and the deck is not built first (a
    build would have written the .apkg again, losing a --with-progress one)."""
    apkg = sides.root / "deck.apkg"
    before = apkg.stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-m", "highyield", "sync-anki", given, str(sides.vault), "--state",
         str(sides.store)], cwd=sides.root, capture_output=True, encoding="utf-8",
        env=sides.env(), timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"error: {said}\n  hint: {hint}\n")
    assert apkg.stat().st_mtime_ns == before


def test_refused_while_anki_has_the_collection_open(sides: Sides) -> None:
    sides.quiz("aldosterone", Rating.Good, datetime.now(UTC))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom anki.collection import Collection\n"
         f"c = Collection({str(sides.collection)!r})\nprint('open', flush=True)\n"
         "sys.stdin.readline()\nc.close()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        result = sides.sync()
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert result.returncode == 2
    assert result.stderr == (
        "error: Anki has anki/collection.anki2 open (or another sync-anki does); it was not "
        "changed\n  hint: close Anki (or wait for its media sync, or the other sync, to "
        "finish), then run sync-anki again\n")
    assert _anki_log(sides) == {}
    assert sides.sync().returncode == 0
    assert len(_anki_log(sides)) == 1


def test_a_card_suspended_in_anki_is_suspended_here_and_a_deleted_note_is_left_alone(
        sides: Sides) -> None:
    col = Collection(str(sides.collection))
    try:
        [suspended] = [c for c in col.find_cards("") if
                       "aldosterone" in col.get_card(c).note()["Text"]]
        col.sched.suspend_cards([suspended])
        [gone] = [col.get_card(c).nid for c in col.find_cards("") if
                  "carbonic anhydrase" in col.get_card(c).note()["Text"]]
        col.remove_notes([gone])
    finally:
        col.close()
    sides.quiz("carbonic anhydrase", Rating.Good, datetime.now(UTC))  # only here now
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert _said(result)[:2] == [
        "Merged with anki/collection.anki2: 3 cards on both sides; 1 only here and 0 only "
        "in Anki (another deck's, or notes deleted here), left alone",
        "  answers: 0 to Anki, 0 to the review store · schedules changed: 0 in Anki, 1 here"]
    with Store.open(sides.store) as store:
        assert store.state(*sides.key_of("aldosterone")).suspended
        assert store.state(*sides.key_of("carbonic anhydrase")).reps == 1  # left alone
    _check_database(sides.collection)


def test_a_card_retired_in_the_notes_still_shares_its_history(sides: Sides) -> None:
    sides.quiz("thick ascending limb", Rating.Good, datetime.now(UTC))
    (sides.vault / "Renal.md").write_text(NOTE.replace(
        "- Furosemide acts on the ==thick ascending limb==.\n", ""))
    result = sides.sync()  # reads the notes first: the card is retired here
    assert result.returncode == 0, result.stderr
    assert "Read vault: 3 cards (0 added, 1 retired (gone from the notes; history kept))" \
        in result.stderr
    assert _said(result)[1].startswith("  answers: 1 to Anki, 0 to the review ")
    _agree(sides)


def _both_sides_busy(sides: Sides) -> None:
    """Answers only Anki has, only the store has, and on one card both."""
    now_ms = _now_ms()
    sides.anki("thick ascending limb", Rating.Good, now_ms - 50_000)
    sides.anki("aldosterone", Rating.Easy, now_ms - 40_000)
    sides.quiz("distal convoluted tubule", Rating.Again, datetime.fromtimestamp(
        (now_ms - 30_000) / 1000, UTC))
    sides.quiz("aldosterone", Rating.Good, datetime.fromtimestamp((now_ms - 20_000) / 1000,
                                                                  UTC))


def _pending(store: Path) -> bool:
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return bool(db.execute("SELECT count() FROM pending_sync").fetchone()[0] > 0)
    except sqlite3.Error:
        return False
    finally:
        db.close()


def _marked(collection: Path) -> bool:
    db = sqlite3.connect(f"file:{collection}?mode=ro", uri=True)
    try:
        return bool(db.execute("SELECT count() FROM config WHERE KEY = 'highyieldSync'"
                               ).fetchone()[0] > 0)
    except sqlite3.Error:
        return False
    finally:
        db.close()


def _wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.002)


def _backed_up(sides: Sides) -> bool:
    folder = sides.collection.parent / "backups"
    return folder.is_dir() and any(folder.iterdir())


@pytest.mark.parametrize("moment", ["backing up", "collection written"])
def test_a_sync_killed_at_its_worst_moments_leaves_each_side_whole(
        sides: Sides, tmp_path: Path, moment: str) -> None:
    """SIGKILL while the collection is being backed up, or once the collection's
    transaction has committed and the store's has not (the test holds the store's write
    lock, so the sync waits there): each side is as before or fully synced; the quiz waits
    for a sync that must be finished; the next sync finishes it, and a third changes
    nothing."""
    _both_sides_busy(sides)
    before = (_store_log(sides), _anki_log(sides))
    final = _synced_twin(sides, tmp_path / "twin")
    sync = subprocess.Popen(
        [sys.executable, "-m", "highyield", "sync-anki", str(sides.collection),
         str(sides.vault), "--state", str(sides.store)], cwd=sides.root,
        env={**os.environ, "HIGHYIELD_HOME": str(sides.root / "home")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = sqlite3.connect(sides.store, isolation_level=None, timeout=60)
    try:
        if moment == "collection written":
            _wait_for(lambda: _pending(sides.store))
            lock.execute("BEGIN IMMEDIATE")  # the store's second transaction must wait
            _wait_for(lambda: _marked(sides.collection))
        else:
            _wait_for(lambda: _backed_up(sides))  # the backup is being written
        sync.kill()
        sync.wait()
    finally:
        lock.close()
    # Each side as before or fully synced; the store waits only for a written collection.
    # (Where the kill lands depends on the machine: the store may already be finished.)
    state = (_anki_log(sides) == final[1], _store_log(sides) == final[0],
             _pending(sides.store))
    assert state in ((False, False, False), (True, False, True), (True, True, False)), state
    assert _anki_log(sides) in (before[1], final[1])
    assert _store_log(sides) in (before[0], final[0])
    waiting = state[2]
    quiz = subprocess.run([sys.executable, "-m", "highyield", "quiz", str(sides.vault),
                           "--state", str(sides.store), "--limit", "1"], cwd=sides.root,
                          capture_output=True, encoding="utf-8", timeout=60,
                          stdin=subprocess.DEVNULL)
    assert ("the quiz waits for it" in quiz.stderr) == waiting
    again = sides.sync()
    assert again.returncode == 0, again.stderr
    assert _said(again)[0].startswith("Finished the sync that was interrupted.") == waiting
    assert (_store_log(sides), _anki_log(sides)) == final
    _agree(sides)
    third = sides.sync()
    assert _said(third)[-1] == "  answers: 0 to Anki, 0 to the review store · " \
                                            "schedules changed: 0 in Anki, 0 here"
    _check_database(sides.collection)


def _synced_twin(sides: Sides, twin: Path) -> tuple[dict[tuple[str, int], list[tuple[int, int]]],
                                                   dict[tuple[str, int], list[tuple[int, int]]]]:
    """Both logs after a sync that was not interrupted, of a copy of both sides."""
    twin.mkdir()
    (twin / "collection.anki2").write_bytes(sides.collection.read_bytes())
    (twin / "reviews.sqlite3").write_bytes(sides.store.read_bytes())
    done = Sides(twin, sides.vault, twin / "collection.anki2", twin / "reviews.sqlite3")
    assert done.sync().returncode == 0
    return _store_log(done), _anki_log(done)


def test_a_sync_stopped_between_its_two_transactions_is_finished_by_the_next(
        sides: Sides, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state the worst-timed kill leaves, made for certain: the collection has its
    side and the marker, the store only the pending record. The quiz waits; the next
    sync finishes the store's side, as the record says, and nothing else changes."""
    from highyield.review.anki import syncing

    _both_sides_busy(sides)
    final = _synced_twin(sides, sides.root / "twin")

    def killed(store: Store, record: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(syncing, "finish", killed)
    with Store.open(sides.store) as store, pytest.raises(KeyboardInterrupt):
        syncing.sync_anki(store, [folder_deck(sides.vault, None)], sides.collection, LOCAL)
    assert _anki_log(sides) == final[1] and _pending(sides.store)
    monkeypatch.undo()
    quiz = subprocess.run([sys.executable, "-m", "highyield", "quiz", str(sides.vault),
                           "--state", str(sides.store)], cwd=sides.root, capture_output=True,
                          encoding="utf-8", timeout=60, stdin=subprocess.DEVNULL)
    assert quiz.returncode == 2 and "the quiz waits for it" in quiz.stderr
    again = sides.sync()
    assert again.returncode == 0, again.stderr
    assert _said(again)[0] == "Finished the sync that was interrupted."
    assert (_store_log(sides), _anki_log(sides)) == final
    _agree(sides)


def test_a_record_whose_collection_never_got_its_side_is_dropped(sides: Sides) -> None:
    """The state a kill between the store's record and the collection's commit leaves:
    the next sync drops the record (the collection has no marker) and syncs afresh."""
    from highyield.review.store.exchange import Pending, hold

    _both_sides_busy(sides)
    with Store.open(sides.store) as store:
        hold(store, Pending("never-written", str(sides.collection.resolve()), ()))
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert not _said(result)[0].startswith("Finished")
    assert not _pending(sides.store)
    _agree(sides)


def test_a_record_an_earlier_version_wrote_is_read(sides: Sides) -> None:
    """Its changes are the list of cards alone (the moved answers came later)."""
    from highyield.review.schedule import CardState
    from highyield.review.store import state_json
    from highyield.review.store.exchange import pending

    old = json.dumps([{"key": "k", "ord": 1, "answers": [], "state": state_json(CardState())}])
    with Store.open(sides.store) as store, store.transaction() as db:
        db.execute("INSERT INTO pending_sync VALUES (?, ?, ?)",
                   ("old", str(sides.collection.resolve()), old))
    with Store.open(sides.store) as store:
        record = pending(store)
    assert record is not None and [c.key for c in record.cards] == ["k"]
    assert record.moved == ()
    result = sides.sync()  # the collection has no marker: the record is dropped
    assert result.returncode == 0 and not _pending(sides.store), result.stderr


def test_a_students_week_keeps_every_answer_and_one_schedule(sides: Sides,
                                                             tmp_path: Path) -> None:
    """Quiz on Monday, Anki on Tuesday, both on Wednesday (one card on both sides the same
    morning), a sync each evening, every process on a faked clock a week from now: each
    evening both sides hold every answer given, and agree on each card's day."""
    clock = tmp_path / "clock"
    week = Sides(sides.root, sides.vault, sides.collection, sides.store, clock)
    monday = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + \
        timedelta(days=7)
    given = 0

    def evening(day: datetime) -> None:
        week.at(int((day + timedelta(hours=12)).timestamp() * 1000))
        result = week.sync()
        assert result.returncode == 0, result.stderr
        _agree(week)
        assert sum(len(v) for v in _store_log(week).values()) == given

    for n, text in enumerate(("thick ascending limb", "distal convoluted tubule",
                              "aldosterone", "carbonic anhydrase")):
        for step in (0, 11):  # the 10-minute step, then graduated
            week.quiz(text, Rating.Good, monday + timedelta(minutes=n + step))
            given += 1
    evening(monday)
    tuesday = monday + timedelta(days=1)
    for n, (text, rating) in enumerate((("thick ascending limb", Rating.Good),
                                        ("aldosterone", Rating.Again))):
        week.anki(text, rating, int((tuesday + timedelta(minutes=n)).timestamp() * 1000))
        given += 1
    evening(tuesday)
    wednesday = tuesday + timedelta(days=1)
    week.quiz("aldosterone", Rating.Good, wednesday)
    week.anki("distal convoluted tubule", Rating.Hard,
              int((wednesday + timedelta(minutes=2)).timestamp() * 1000))
    week.quiz("carbonic anhydrase", Rating.Easy, wednesday + timedelta(minutes=3))
    week.anki("carbonic anhydrase", Rating.Good,
              int((wednesday + timedelta(minutes=4)).timestamp() * 1000))
    given += 4
    evening(wednesday)
    _check_database(sides.collection, week.env())


def test_parameters_fitted_here_go_to_the_decks_preset_in_anki(sides: Sides) -> None:
    from highyield.review.fsrs6 import DEFAULT
    from highyield.review.store import fitted

    weights = tuple(w * 1.1 for w in DEFAULT)  # as optimize fits them: every digit
    with Store.open(sides.store) as store:
        fitted.keep(store, "vault", weights, 500, 0.41, datetime.now(UTC))
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert "  FSRS parameters fitted here written to 1 option preset in Anki" in \
        _said(result)
    col = Collection(str(sides.collection))
    try:
        [did] = {col.get_card(c).did for c in col.find_cards("")}
        conf = col.decks.config_dict_for_deck_id(did)
        assert [round(w, 4) for w in conf["fsrsParams6"]] == [round(w, 4) for w in weights]
    finally:
        col.close()
    again = sides.sync()  # (thirteenth fault probe: Anki keeps 32 bits of each, and every
    assert "FSRS parameters" not in again.stdout and "backup" not in again.stdout  # sync
    # wrote them again, with a backup)


def test_without_the_anki_package_it_says_how_to_install_it(sides: Sides) -> None:
    """A Python where ``import anki`` fails (sys.modules says so, as for a package that is
    not installed): the error names the extra to install, and nothing is changed."""
    before = sides.collection.read_bytes()
    run = ("import runpy, sys\nsys.modules['anki'] = None\n"
           f"sys.argv = ['highyield', 'sync-anki', {str(sides.collection)!r}, "
           f"{str(sides.vault)!r}, '--state', {str(sides.store)!r}]\n"
           "runpy.run_module('highyield', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", run], cwd=sides.root, env=sides.env(),
                            capture_output=True, encoding="utf-8", timeout=60)
    assert (result.returncode, result.stderr.splitlines()[-2:]) == (2, [
        "error: sync-anki needs the anki package, which is not installed",
        "  hint: install it: pip install 'highyield[anki]'"])
    assert sides.collection.read_bytes() == before


def test_the_notes_text_comes_up_to_date_and_the_students_tags_and_flags_stay(
        sides: Sides) -> None:
    """An .apkg import would replace the note's tags (``marked`` gone); through sync-anki
    only the fields and highyield's own tags change."""
    col = Collection(str(sides.collection))
    try:
        [cid] = [c for c in col.find_cards("") if
                 "aldosterone" in col.get_card(c).note()["Text"]]
        note = col.get_card(cid).note()
        note.add_tag("marked")
        col.update_note(note)
        col.set_user_flag_for_cards(3, [cid])
    finally:
        col.close()
    col = Collection(str(sides.collection))
    try:
        [edited] = [col.get_card(c).note() for c in col.find_cards("") if
                    "carbonic anhydrase" in col.get_card(c).note()["Text"]]
        edited["Extra"] = "My own mnemonic"
        col.update_note(edited)
    finally:
        col.close()
    kept = sides.sync()  # the notes unchanged: the edit made in Anki stays
    assert kept.returncode == 0 and "notes brought up to date" not in kept.stdout
    (sides.vault / "Renal.md").write_text("---\ntags: [pharm]\n---\n" + NOTE.replace(
        "blocks ==aldosterone== receptors", "blocks the ==aldosterone== receptor"))
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert "  notes brought up to date in Anki (text, highyield's tags): 4" in \
        _said(result)
    col = Collection(str(sides.collection))
    try:
        card = col.get_card(cid)
        note = card.note()
        assert note["Text"].startswith("Spironolactone blocks the {{c1::aldosterone}} receptor")
        assert sorted(note.tags) == ["marked", "pharm"]
        assert card.user_flag() == 3
        assert col.get_note(edited.id)["Extra"] == "My own mnemonic"  # its fields unchanged
    finally:
        col.close()
    again = sides.sync()
    assert "notes brought up to date" not in again.stdout
    text = (sides.vault / "Renal.md").read_text()
    (sides.vault / "Renal.md").write_text(text.replace("[pharm]", "[renal]"))
    assert sides.sync().returncode == 0
    col = Collection(str(sides.collection))
    try:
        assert sorted(col.get_card(cid).note().tags) == ["marked", "renal"]  # pharm was ours
    finally:
        col.close()


def test_build_with_progress_gives_new_cards_in_anki_the_quizs_history(
        sides: Sides, tmp_path: Path) -> None:
    """Imported with "Import any learning progress" into a collection that lacks the
    cards, they arrive with the quiz's schedule and review log; a collection that has
    them keeps its own (Anki's importer changes no card that exists)."""
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    now = datetime.now(UTC)
    sides.quiz("thick ascending limb", Rating.Good, now - timedelta(minutes=20))
    sides.quiz("thick ascending limb", Rating.Good, now - timedelta(minutes=5))
    sides.quiz("aldosterone", Rating.Again, now - timedelta(minutes=3))
    out = tmp_path / "progress.apkg"
    built = subprocess.run([sys.executable, "-m", "highyield", "build", str(sides.vault),
                            "-o", str(out), "--with-progress", "--state", str(sides.store)],
                           cwd=sides.root, capture_output=True, encoding="utf-8",
                           env=sides.env(), timeout=120)
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[-1] == (
        "  the quiz's progress of 2 cards is in progress.apkg: in Anki, import it with "
        "\"Import any learning progress\" (cards Anki has already keep their own)")
    (tmp_path / "fresh").mkdir()
    for folder, fresh in (("fresh", True), ("anki", False)):
        col = Collection(str(tmp_path / folder / "collection.anki2"))
        try:
            col.import_anki_package(ImportAnkiPackageRequest(
                package_path=str(out), options=ImportAnkiPackageOptions(with_scheduling=True)))
            cards = {col.get_card(c).note()["Text"].split("{{")[0]: col.get_card(c)
                     for c in col.find_cards("")}
            assert col.db is not None
            log = col.db.scalar("SELECT count() FROM revlog")
            limb, aldo = cards["Furosemide acts on the "], cards["Spironolactone blocks "]
            if fresh:
                assert (int(limb.type), limb.ivl > 0, limb.reps) == (2, True, 2)
                assert limb.memory_state is not None and aldo.lapses == 0
                assert int(aldo.type) == 1 and log == 3
                with Store.open(sides.store) as store:
                    state = store.state(*sides.key_of("thick ascending limb"))
                assert state.due is not None
                from highyield.review.days import study_date

                assert limb.due == col.sched.today + (study_date(state.due, UTC, 4) -
                                                      study_date(datetime.now(UTC), UTC, 4)).days
            else:  # imported before, without progress: left as they were
                assert (int(limb.type), limb.reps, log) == (0, 0, 0)
        finally:
            col.close()


def test_cards_in_a_filtered_deck_or_buried_while_learning_do_not_break_the_store(
        sides: Sides) -> None:
    """A filtered deck keeps a card's schedule aside (its due is a position there): the
    card is set aside and said, and the store stays whole; a learning card buried in Anki
    is due in seconds like any learning card (sync-anki probe: the first gave the store a
    due time in year -247, the second an internal error)."""
    now_ms = _now_ms()
    sides.anki("thick ascending limb", Rating.Easy, now_ms - 60_000)
    sides.anki("aldosterone", Rating.Good, now_ms - 50_000)  # learning, 10 minutes
    sides.anki("distal convoluted tubule", Rating.Good, now_ms - 40_000)
    col = Collection(str(sides.collection))
    try:
        [aldo] = [c for c in col.find_cards("") if "aldosterone" in
                  col.get_card(c).note()["Text"]]
        col.sched.bury_cards([aldo], manual=True)
        filtered = col.sched.get_or_create_filtered_deck(deck_id=DeckId(0))
        filtered.name = "Cram"
        filtered.config.search_terms[0].search = "distal"
        filtered.config.search_terms[0].limit = 100
        col.sched.add_or_update_filtered_deck(filtered)
    finally:
        col.close()
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
    result = sides.sync()
    assert result.returncode == 0, result.stderr
    assert "  1 card set aside: in a filtered deck in Anki, or with a schedule highyield " \
        "cannot read (empty the filtered deck in Anki, then sync again)" in _said(result)
    with Store.open(sides.store) as store:
        state = store.state(*sides.key_of("aldosterone"))
        assert state.phase is Phase.LEARNING and state.due is not None
        wait = state.due.timestamp() * 1000 - (now_ms - 50_000)  # the 10-minute step,
        assert 5 * 60_000 < wait < 20 * 60_000, wait  # fuzzed, from Anki's clock
    again = sides.sync()
    assert again.returncode == 0, again.stderr
    quiz = subprocess.run([sys.executable, "-m", "highyield", "stats", "--state",
                           str(sides.store)], capture_output=True, text=True, timeout=60)
    assert quiz.returncode == 0, quiz.stderr
    _check_database(sides.collection)


def test_a_collection_from_a_newer_anki_is_refused_before_anything_is_built(
        sides: Sides) -> None:
    db = sqlite3.connect(sides.collection)
    db.execute("UPDATE col SET ver = 99")
    db.commit()
    db.close()
    result = sides.sync()
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        "error: anki/collection.anki2 was made by a newer Anki (schema 99) than the anki "
        "package here reads; it was not changed\n  hint: update it: pip install -U "
        "'highyield[anki]'\n"))


def test_a_backups_folder_that_cannot_be_made_or_written_is_said_and_nothing_changes(
        sides: Sides) -> None:
    """A file named ``backups`` in the profile was an internal error; a backups folder
    that may not be written was called the collection's fault (thirteenth fault probe).
    Nothing is written without a backup."""
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
    before = sides.collection.read_bytes()
    backups = sides.collection.parent / "backups"
    backups.write_text("not a folder")
    result = sides.sync()
    assert (result.returncode, result.stderr) == (2, (
        "error: cannot make a backup of the collection in anki/backups (not a folder); "
        "nothing was changed\n  hint: the profile's backups folder must be a folder "
        "highyield may write (move aside a file of that name, free some space, check the "
        "folder's permissions), then sync again\n")), result.stderr
    assert sides.collection.read_bytes() == before
    backups.unlink()
    backups.mkdir()
    backups.chmod(0o555)
    command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--",
               sys.executable, "-m", "highyield", "sync-anki", str(sides.collection),
               str(sides.vault), "--state", str(sides.store)]
    refused = subprocess.run(command, cwd=sides.root, capture_output=True, text=True,
                             env=sides.env(), timeout=120)
    assert "cannot make a backup of the collection in anki/backups (Permission denied)" \
        in refused.stderr, refused.stderr
    assert refused.returncode == 2 and sides.collection.read_bytes() == before
    backups.chmod(0o755)
    synced = sides.sync()
    assert synced.returncode == 0, synced.stderr
    assert _said(synced)[1].startswith("  answers: 1 to Anki")
    _agree(sides)


def test_a_quiz_and_a_sync_never_write_the_store_at_once(sides: Sides) -> None:
    """A sync reads every card's state and writes the states it worked out at its end:
    an answer a quiz saved meanwhile was in both histories and in neither schedule
    (thirteenth fault probe). A sync is refused while a quiz is open, and a quiz while a
    sync runs; each says what to do."""
    from highyield.review.store.using import using
    from tests.test_quiz_terminal import FRONT_KEYS
    from tests.test_terminal import _highyield

    quiz = pexpect.spawn(_highyield(), ["quiz", str(sides.vault), "--state", str(sides.store)],
                         env={**sides.env(), "COLUMNS": "100", "TERM": "xterm",
                              "NO_COLOR": "1"}, encoding="utf-8", timeout=60)
    quiz.expect_exact(FRONT_KEYS)
    quiz.send(" ")
    quiz.send("3")  # an answer saved, the session open
    quiz.expect_exact(FRONT_KEYS)
    before = sides.collection.read_bytes()
    refused = sides.sync()
    assert (refused.returncode, refused.stderr.splitlines()[-2:]) == (2, [
        "error: a quiz, or another sync-anki, is using the review store reviews.sqlite3; "
        "nothing was synced",
        "  hint: end the quiz (q) or let the other sync finish, then sync again"])
    assert sides.collection.read_bytes() == before
    quiz.send("q")
    quiz.expect(pexpect.EOF)
    quiz.close()
    synced = sides.sync()
    assert synced.returncode == 0, synced.stderr
    assert _said(synced)[1].startswith("  answers: 1 to Anki")
    _agree(sides)
    with using(sides.store, alone=True):  # a sync running, as far as the quiz can tell
        waited = subprocess.run([_highyield(), "quiz", str(sides.vault), "--state",
                                 str(sides.store)], env=sides.env(), capture_output=True,
                                text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert (waited.returncode, waited.stderr) == (2, (
        f"error: sync-anki is writing the review store {sides.store}; the quiz waits for "
        "it\n  hint: it takes a few seconds: run the quiz again then\n"))


def test_an_answer_anki_moves_to_a_free_millisecond_is_one_answer_on_both_sides(
        sides: Sides) -> None:
    """Anki keeps one answer a millisecond over all cards, and Set Due Date writes a row
    a millisecond for each card it changes: a quiz answer at one of those times went to
    Anki 18 ms later, and each sync after took the two for two answers, one more on each
    side every time (thirteenth fault probe). The store's answer moves with Anki's, and
    the card's last review time with it: the answer here is 10 ms before a second's edge,
    so the move takes it into the next second (as Check Database would find)."""
    at_ms = (_now_ms() - 60_000) // 1000 * 1000 + 990
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.fromtimestamp(at_ms / 1000,
                                                                              UTC))
    [stored] = [t for t, _ in _store_log(sides)[sides.key_of("distal convoluted tubule")]]
    col = Collection(str(sides.collection))
    [other] = [c for c in col.find_cards("") if "aldosterone" in col.get_card(c).note()["Text"]]
    assert col.db is not None
    for rid in range(stored - 2, stored + 18):  # as Set Due Date on 20 cards writes them
        col.db.execute("INSERT INTO revlog VALUES (?, ?, -1, 0, 3, 0, 0, 0, 4)", rid, other)
    col.close()
    for _ in range(3):
        synced = sides.sync()
        assert synced.returncode == 0, synced.stderr
    ref = sides.key_of("distal convoluted tubule")
    here, there = _store_log(sides)[ref], _anki_log(sides)[ref]
    assert here == there and len(here) == 1 and here[0][0] == stored + 18
    with Store.open(sides.store) as store:
        assert store.state(*ref).reps == 1
    _check_database(sides.collection)


def test_a_damaged_collection_is_called_damaged_not_a_full_disk(sides: Sides) -> None:
    """(Thirteenth fault probe: a missing table was "a full disk, or a file or folder you
    may not write".)"""
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
    db = sqlite3.connect(sides.collection)
    db.execute("DROP TABLE revlog")
    db.commit()
    db.close()
    before = sides.collection.read_bytes()
    result = sides.sync()
    assert result.returncode == 2, result.stderr
    [message, hint] = result.stderr.splitlines()[-2:]
    assert message.startswith("error: anki/collection.anki2 is damaged (") and \
        message.endswith("); it is as it was"), message
    assert hint == ("  hint: open it in Anki and run Tools › Check Database (or restore a "
                    "backup: File › Switch Profile › Open Backup), then sync again")
    assert sides.collection.read_bytes() == before


def test_a_card_due_before_the_collection_was_made_keeps_syncing(sides: Sides) -> None:
    """A card overdue since before the collection's first day is due on a day number
    below 0 in Anki: it was set aside at every later sync, and its new answers never
    reached Anki (thirteenth fault probe)."""
    long_ago = datetime.now(UTC) - timedelta(days=40)
    sides.quiz("distal convoluted tubule", Rating.Easy, long_ago)
    first = sides.sync()
    assert first.returncode == 0, first.stderr
    col = Collection(str(sides.collection))
    [cid] = [c for c in col.find_cards("") if "distal" in col.get_card(c).note()["Text"]]
    assert col.get_card(cid).due < 0  # overdue since before the collection was made
    col.close()
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
    second = sides.sync()
    assert second.returncode == 0, second.stderr
    assert "set aside" not in second.stdout + second.stderr
    assert _said(second)[1].startswith("  answers: 1 to Anki, 0 to the review store")
    ref = sides.key_of("distal convoluted tubule")
    assert len(_store_log(sides)[ref]) == len(_anki_log(sides)[ref]) == 2
    _agree(sides)
    assert _said(sides.sync())[1].startswith("  answers: 0 to Anki, 0 to the review store")


def test_an_anki_answer_at_a_time_the_store_keeps_none_at_is_left_in_anki(
        sides: Sides) -> None:
    """A revlog row from the year 3000 (a damaged collection) went into the review store,
    which then called itself damaged (fifteenth fault probe)."""
    sides.anki("distal convoluted tubule", Rating.Good, _now_ms() - 60_000)
    col = Collection(str(sides.collection))
    assert col.db is not None
    col.db.execute("INSERT INTO revlog SELECT 32503680000001, cid, usn, 3, 10, 1, 2500, "
                   "3000, 1 FROM revlog LIMIT 1")
    col.close()
    synced = sides.sync()
    assert synced.returncode == 0, synced.stderr
    assert _said(synced)[1].startswith("  answers: 0 to Anki, 1 to the review store")
    stats = subprocess.run([sys.executable, "-m", "highyield", "stats", "--state",
                            str(sides.store)], capture_output=True, text=True,
                           env=sides.env(), timeout=60)
    assert stats.returncode == 0 and "damaged" not in stats.stderr, stats.stderr
    ref = sides.key_of("distal convoluted tubule")
    assert [at for at, _ in _store_log(sides)[ref]] == [
        at for at, _ in _anki_log(sides)[ref] if at < 32503680000000]


def test_a_backup_on_a_full_disk_is_said_and_leaves_no_broken_backup(sides: Sides,
                                                                        tmp_path: Path) -> None:
    """A full disk under the backups folder left a half-written or empty backup there,
    and an empty one blamed the collection (fifteenth fault probe)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], check=True)
    try:
        (disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(disk).free - 4096))
        backups = sides.collection.parent / "backups"
        backups.symlink_to(disk, target_is_directory=True)
        sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
        before = sides.collection.read_bytes()
        refused = sides.sync()
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "error: cannot make a backup of the collection in anki/backups (" in \
            refused.stderr, refused.stderr
        assert sides.collection.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _sync_in_a_read_only_folder(sides: Sides) -> subprocess.CompletedProcess[str]:
    """sync-anki with the profile folder mode 555, as root without the powers that would
    let it write there anyway."""
    folder = sides.collection.parent
    folder.chmod(0o555)
    try:
        return subprocess.run(
            ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--",
             sys.executable, "-m", "highyield", "sync-anki", str(sides.collection),
             str(sides.vault), "--state", str(sides.store)], cwd=sides.root,
            capture_output=True, text=True, env=sides.env(), timeout=120)
    finally:
        folder.chmod(0o755)


def test_a_read_only_profile_folder_is_called_read_only(sides: Sides) -> None:
    """(Fifteenth fault probe: "not an Anki collection this Anki package can open".)"""
    done = _sync_in_a_read_only_folder(sides)
    assert done.returncode == 2 and "not an Anki collection" not in done.stderr
    assert "error: anki/collection.anki2 is read-only (or its folder is); it was not changed" \
        in done.stderr, done.stderr


UNFINISHED = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("PRAGMA cache_size = 1")  # the change spills into the file: the journal is hot
db.execute("BEGIN")
db.execute("UPDATE notes SET flds = flds || 'x'")
db.execute("CREATE TABLE spill (b)")  # more pages than the cache holds: written to the file
db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
           "INSERT INTO spill SELECT randomblob(4000) FROM n")
print("written", flush=True)
os.kill(os.getpid(), 9)
"""


def test_a_change_anki_left_unfinished_is_said_so_not_called_read_only(sides: Sides) -> None:
    """Anki killed while writing leaves a journal whose change a read-only open cannot
    undo: SQLite says "readonly". That was called a read-only file or folder."""
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
    killed = subprocess.run([sys.executable, "-c", UNFINISHED, str(sides.collection)],
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9 and killed.stdout == "written\n", killed.stderr
    journal = Path(f"{sides.collection}-journal")
    assert journal.stat().st_size > 0
    before = sides.collection.read_bytes(), journal.read_bytes()
    result = sides.sync()
    assert result.returncode == 2, result.stdout
    assert result.stderr.splitlines()[-2:] == [
        "error: anki/collection.anki2 has a change Anki did not finish (Anki stopped while "
        "writing it: its journal, anki/collection.anki2-journal, is still there); it was not "
        "changed",
        "  hint: open the profile in Anki once and close it (Anki undoes the unfinished "
        "change), then sync again"]
    assert (sides.collection.read_bytes(), journal.read_bytes()) == before
    Collection(str(sides.collection)).close()  # Anki opened and closed: the change undone
    assert not journal.exists()
    again = sides.sync()
    assert again.returncode == 0, again.stderr
    _agree(sides)


def test_a_profile_folder_with_hash_and_question_marks_is_read_as_named(sides: Sides) -> None:
    """(Fault probe: the path went into an SQLite URI unescaped: `#` and `?` cut it short,
    a stray file `User ` was made, and the collection was called "not an Anki collection".)"""
    sides.quiz("distal convoluted tubule", Rating.Good, datetime.now(UTC))
    odd = sides.root / "User #1?x%41"
    odd.mkdir()
    shutil.copy(sides.collection, odd / "collection.anki2")
    moved = Sides(sides.root, sides.vault, odd / "collection.anki2", sides.store)
    result = moved.sync()
    assert result.returncode == 0, result.stderr
    assert "Merged with User #1?x%41/collection.anki2" in result.stdout, result.stdout
    assert sorted(p.name for p in sides.root.iterdir() if p.name.startswith("User")) == \
        ["User #1?x%41"]
    _agree(moved)


@pytest.mark.parametrize("end", ["-journal", "-wal"])
def test_a_folder_where_the_journal_goes_is_named_not_the_collection(sides: Sides,
                                                                      end: str) -> None:
    """(Fault probe: "not an Anki collection this Anki package can open".)"""
    Path(f"{sides.collection}{end}").mkdir()
    before = sides.collection.read_bytes()
    result = sides.sync()
    assert result.returncode == 2, result.stdout
    assert result.stderr.splitlines()[-2:] == [
        f"error: anki/collection.anki2{end} is not a file; SQLite keeps the collection's "
        "journal under that name, so neither Anki nor sync-anki can open the collection; "
        "it was not changed", f"  hint: move anki/collection.anki2{end} away, then sync again"]
    assert sides.collection.read_bytes() == before


LEFT_IN_WAL = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA wal_autocheckpoint = 0")
db.execute("UPDATE col SET mod = mod + 1")
os.kill(os.getpid(), 9)
"""


@pytest.mark.parametrize("left", ["wal", "journal"])
def test_a_read_only_profile_folder_with_a_journal_left_is_called_read_only(
        sides: Sides, left: str) -> None:
    """A journal left that SQLite cannot read without writing beside it (a -wal without
    its -shm), or a change Anki did not finish: in a read-only folder, the folder is the
    fault to mend first, and the journal is named too (fault probe: "not an Anki
    collection", and a second step to learn of the unfinished change)."""
    script = LEFT_IN_WAL if left == "wal" else UNFINISHED
    killed = subprocess.run([sys.executable, "-c", script, str(sides.collection)],
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9, killed.stderr
    Path(f"{sides.collection}-shm").unlink(missing_ok=True)
    assert Path(f"{sides.collection}-{left}").stat().st_size > 0
    done = _sync_in_a_read_only_folder(sides)
    assert done.returncode == 2, done.stdout
    message, hint = done.stderr.splitlines()[-2:]
    assert message == ("error: anki/collection.anki2 is read-only (or its folder is); it "
                       "was not changed"), done.stderr
    unfinished = "its journal also holds a change Anki did not finish" in hint
    assert unfinished == (left == "journal"), hint


def test_a_card_one_deck_retired_and_another_brought_back_loses_the_retired_tag(
        tmp_path: Path) -> None:
    """Two decks share a note. Its fact is deleted and `sync-anki --deck Cardio` tags the
    card highyield::retired in Anki; the fact comes back and `sync-anki --deck All` must
    take the tag away, though All's last build never retired it (the tag stayed for good:
    second fault probe). A dry run of both decks takes the card as the deck that has it
    left it, not as the one that retired it."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "all.yaml").write_text("deck: All\nnotes: ../notes\n")
    (tmp_path / "decks" / "cardio.yaml").write_text(
        'deck: Cardio\nnotes: ../notes\ninclude: ["Cardio/**"]\n')
    heart = tmp_path / "notes" / "Cardio" / "heart.md"
    heart.parent.mkdir(parents=True)
    facts = "- The heart has ==four== chambers.\n- The SA node sets the ==pace==.\n"
    heart.write_text(facts)
    env = {**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        state = () if args[0] == "build" else ("--state", str(tmp_path / "s.sqlite3"))
        done = subprocess.run([sys.executable, "-m", "highyield", *args, *state],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run("build")
    collection = tmp_path / "anki" / "collection.anki2"
    for deck in ("Cardio", "All"):
        import_apkg(tmp_path / "decks" / f"{deck}.apkg", tmp_path / "anki")
    run("sync-anki", str(collection))  # the store reads both decks

    def tags_of_pace() -> list[str]:
        col = Collection(str(collection))
        try:
            [note] = [col.get_note(n) for n in col.find_notes("") if
                      "pace" in col.get_note(n)["Text"]]
            return list(note.tags)
        finally:
            col.close()

    heart.write_text(facts.replace("- The SA node sets the ==pace==.\n", ""))
    said = run("sync-anki", str(collection), "--deck", "Cardio")
    assert "highyield::retired" in tags_of_pace(), said.stdout + said.stderr
    heart.write_text(facts)
    run("sync-anki", str(collection), "--deck", "All")
    assert "highyield::retired" not in tags_of_pace()
    heart.write_text(facts.replace("- The SA node sets the ==pace==.\n", ""))
    run("sync-anki", str(collection), "--deck", "Cardio")  # All has it: not retired
    assert "highyield::retired" not in tags_of_pace()
    heart.write_text(facts)
    run("build", "--deck", "All")
    dry = run("sync-anki", str(collection), "--dry-run")  # each deck's last build
    assert "notes brought up to date" not in dry.stdout, dry.stdout  # Cardio's retired it


def test_a_tag_that_differs_only_in_case_from_ankis_is_no_change(sides: Sides) -> None:
    """Anki keeps a tag as the collection first had it (``Pharm``), whatever case a note
    is given (``pharm``): compared exactly, every sync updated the notes again and made a
    backup (new-user trial). Anki's tags ignore case, and so does the comparison."""
    (sides.vault / "Renal.md").write_text("---\ntags: [Pharm]\n---\n" + NOTE)
    assert "  notes brought up to date in Anki (text, highyield's tags): 4" in _said(sides.sync())
    (sides.vault / "Renal.md").write_text("---\ntags: [pharm]\n---\n" + NOTE)
    for _ in range(2):
        again = sides.sync()
        assert again.returncode == 0, again.stderr
        assert "notes brought up to date" not in again.stdout and "backup" not in again.stdout
    col = Collection(str(sides.collection))
    try:
        assert {t for n in col.find_notes("") for t in col.get_note(n).tags} == {"Pharm"}
    finally:
        col.close()


def test_a_note_with_an_error_is_synced_and_the_exit_status_is_one(sides: Sides) -> None:
    """As `build`: the sync is done, and a script sees the error (it exited 0, though the
    build it ran said "the 1 error above still stands"; new-user trial)."""
    (sides.vault / "Renal.md").write_text(NOTE + "\nWhat does mannitol do?\n?\n")
    sides.anki("thick ascending limb", Rating.Good, _now_ms())
    for _ in range(2):  # the build, then an up-to-date one whose error still stands
        synced = sides.sync()
        assert synced.returncode == 1, synced.stderr
        assert synced.stderr.count("multi-line card has no answer") == 1  # not again when
        # the store reads the notes (new-user trial)
        assert _said(synced)[0].startswith("Merged with anki/collection.anki2: 4 cards")
    _agree(sides)


def _edit_extra(sides: Sides, text: str, extra: str) -> Any:
    """Edit, in Anki, the Extra field of the note whose Text holds ``text``."""
    col = Collection(str(sides.collection))
    try:
        [note] = [col.get_note(n) for n in col.find_notes("") if text in col.get_note(n)["Text"]]
        note["Extra"] = extra
        col.update_note(note)
        return note
    finally:
        col.close()


def test_a_build_between_two_syncs_hides_nothing_from_anki(sides: Sides) -> None:
    """sync-anki compared the notes with their last build: a `build` (or `watch`) run
    before it had already taken in the change, so the new text never reached Anki, and a
    tag highyield gave before stayed as if the student's (fault probe). It compares with
    what the last sync gave. An edit made in Anki still stays while the note is as it was."""
    (sides.vault / "Renal.md").write_text("---\ntags: [pharm]\n---\n" + NOTE)
    assert sides.sync().returncode == 0
    edited = _edit_extra(sides, "carbonic anhydrase", "My own mnemonic")
    (sides.vault / "Renal.md").write_text("---\ntags: [renal]\n---\n" + NOTE.replace(
        "blocks ==aldosterone== receptors", "blocks the ==aldosterone== receptor"))
    built = subprocess.run([sys.executable, "-m", "highyield", "build", str(sides.vault),
                            "-o", str(sides.root / "deck.apkg")], cwd=sides.root,
                           env=sides.env(), capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    synced = sides.sync()
    assert synced.returncode == 0, synced.stderr
    col = Collection(str(sides.collection))
    try:
        notes = {n: col.get_note(n) for n in col.find_notes("")}
        assert any(n["Text"].startswith("Spironolactone blocks the {{c1::aldosterone}} "
                                         "receptor") for n in notes.values())
        assert {t for n in notes.values() for t in n.tags} == {"renal"}  # pharm was ours
        assert notes[edited.id]["Extra"] == "My own mnemonic"
    finally:
        col.close()


def test_what_a_sync_gave_that_cannot_be_kept_is_said(sides: Sides) -> None:
    """A folder in the place of that memory: the sync is done, and says what is at risk
    (it was silent; second fault probe)."""
    assert sides.sync().returncode == 0
    [memory] = (sides.root / "home" / "cache").glob("synced-*.pickle")
    memory.unlink()
    memory.mkdir()
    done = sides.sync()
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(
        f"home/cache/{memory.name}: warning: cannot keep what this sync gave Anki: a folder "
        "is in its place\n  hint: move it away, or set HIGHYIELD_HOME to a folder you may "
        "write to; until then a change a build makes before the next sync may not reach "
        "Anki\n"), done.stderr
    assert _said(done)[0].startswith("Merged with anki/collection.anki2: 4 cards")


def test_an_edit_made_in_anki_after_highyields_change_stays_whatever_the_sync_remembers(
        sides: Sides) -> None:
    """What the last sync gave may be behind Anki: a sync killed between its collection's
    commit and keeping that, another deck's older memory of a shared note, a note the
    sync never gave. The text went over an edit made in Anki since (second fault probe).
    A change of highyield's older than the note in Anki never does, as in Anki's import."""
    assert sides.sync().returncode == 0
    [memory] = (sides.root / "home" / "cache").glob("synced-*.pickle")
    stale = memory.read_bytes()
    (sides.vault / "Renal.md").write_text(NOTE.replace("blocks ==aldosterone== receptors",
                                                       "blocks the ==aldosterone== receptor"))
    assert sides.sync().returncode == 0  # the new text reaches Anki
    memory.write_bytes(stale)  # as if killed before it was kept
    time.sleep(1.1)  # Anki keeps seconds: the edit is newer than the sync's write
    edited = _edit_extra(sides, "aldosterone", "My own mnemonic")
    again = sides.sync()
    assert again.returncode == 0 and "notes brought up to date" not in again.stdout
    col = Collection(str(sides.collection))
    try:
        assert col.get_note(edited.id)["Extra"] == "My own mnemonic"
    finally:
        col.close()


def test_a_sync_after_the_cache_folder_is_lost_keeps_the_edits_made_in_anki(
        sides: Sides) -> None:
    """With the cache folder gone (the build cache and what the last sync gave), the sync
    compared with nothing: a tag change rewrote every note's fields over the edits made
    in Anki (third fault probe). It compares with the deck's last package, read back."""
    assert sides.sync().returncode == 0
    edited = _edit_extra(sides, "carbonic anhydrase", "My own mnemonic")
    shutil.rmtree(sides.root / "home" / "cache")
    (sides.vault / "Renal.md").write_text("---\ntags: [renal]\n---\n" + NOTE)
    done = sides.sync()
    assert done.returncode == 0, done.stderr
    col = Collection(str(sides.collection))
    try:
        assert col.get_note(edited.id)["Extra"] == "My own mnemonic"
        assert {t for n in col.find_notes("") for t in col.get_note(n).tags} == {"renal"}
    finally:
        col.close()
