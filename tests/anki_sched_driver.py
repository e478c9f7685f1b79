"""Anki's side of the scheduling parity test: run by tests/test_anki_parity.py in a
subprocess under libfaketime, so that Anki's backend reads the clock this script sets.

It is given the collection folder, the rollover hour, the deck presets (desired
retention, steps, leech threshold) and the cards, and says which ids Anki gave them; then
the events (card, time, rating) in time order. For each event it moves the faked clock to
the event's time (by writing the timestamp file libfaketime reads at every call), asks
Anki for the card's four next states, and answers with the event's rating, if it has one.
It answers with the four states of every event and what each answer left on the card.
Last, it may be asked to give some cards due dates, build the study queues (Anki's load
balancer works only then) and preview cards again.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer, Scheduler

RATINGS = (CardAnswer.AGAIN, CardAnswer.HARD, CardAnswer.GOOD, CardAnswer.EASY)


def set_clock(seconds: float) -> None:
    Path(os.environ["FAKETIME_TIMESTAMP_FILE"]).write_text(f"{seconds:.3f}\n")


def state_of(state: Any) -> list[Any]:
    """(kind, secs or days, stability, difficulty) of one next state."""
    normal = state.normal
    kind = normal.WhichOneof("kind")
    if kind == "learning":
        part, value = normal.learning, normal.learning.scheduled_secs
    elif kind == "relearning":
        part, value = normal.relearning.learning, normal.relearning.learning.scheduled_secs
    else:
        part, value = normal.review, normal.review.scheduled_days
    memory = part.memory_state
    return [kind, value, memory.stability, memory.difficulty]


def make_decks(col: Collection, presets: list[dict[str, Any]]) -> list[int]:
    default = col.decks.config_dict_for_deck_id(1)  # type: ignore[arg-type]
    decks = []
    for n, preset in enumerate(presets):
        conf = col.decks.add_config(f"preset {n}", clone_from=default)
        conf["new"]["delays"] = preset["learn"]
        conf["lapse"]["delays"] = preset["relearn"]
        conf["desiredRetention"] = preset["retention"]
        conf["rev"]["maxIvl"] = preset["maximum"]
        conf["lapse"]["leechFails"] = preset["leech"]
        conf["lapse"]["leechAction"] = 1  # tag only
        col.decks.update_config(conf)
        deck_id = col.decks.id(f"Deck {n}")
        assert deck_id is not None
        deck = col.decks.get(deck_id)
        assert deck is not None
        deck["conf"] = conf["id"]
        col.decks.save(deck)
        decks.append(int(deck_id))
    return decks


def make_cards(col: Collection, decks: list[int], cards: list[int]) -> list[int]:
    """One Basic note per card, in its preset's deck; returns Anki's card ids."""
    basic = col.models.by_name("Basic")
    assert basic is not None
    ids = []
    for n, preset in enumerate(cards):
        note = col.new_note(basic)
        note["Front"], note["Back"] = f"front {n}", f"back {n}"
        col.add_note(note, decks[preset])  # type: ignore[arg-type]
        ids.append(int(note.cards()[0].id))
    return ids


def event(col: Collection, cid: int, rating: int | None, ms: int) -> dict[str, Any]:
    sched = col.sched
    assert isinstance(sched, Scheduler)
    timing = col._backend.sched_timing_today()
    states = col._backend.get_scheduling_states(cid)
    shown = [state_of(s) for s in (states.again, states.hard, states.good, states.easy)]
    out: dict[str, Any] = {"states": shown, "today": timing.days_elapsed,
                           "next_day_at": timing.next_day_at,
                           "leech": sched.state_is_leech(states.again)}
    if rating is None:
        return out
    chosen = (states.again, states.hard, states.good, states.easy)[rating - 1]
    sched.answer_card(CardAnswer(card_id=cid, current_state=states.current,
                                 new_state=chosen, rating=RATINGS[rating - 1],
                                 answered_at_millis=ms, milliseconds_taken=5000))
    card = col.get_card(cid)  # type: ignore[arg-type]
    memory = card.memory_state
    out["after"] = {"queue": int(card.queue), "type": int(card.type), "due": card.due,
                    "ivl": card.ivl,
                    "left": card.left, "lapses": card.lapses, "reps": card.reps,
                    "leech": card.note().has_tag("leech"),
                    "s": memory.stability if memory else None,
                    "d": memory.difficulty if memory else None}
    return out


def balance(col: Collection, ids: list[int], request: dict[str, Any]) -> dict[str, Any]:
    """Make the filler cards review cards due in so many days, build the study queues
    (which turns Anki's load balancer on) and preview the cards asked for."""
    set_clock(request["at"])
    by_days: dict[int, list[int]] = {}
    for card, days in request["fillers"]:
        by_days.setdefault(days, []).append(ids[card])
    sched = col.sched
    assert isinstance(sched, Scheduler)
    for days, cards in sorted(by_days.items()):
        sched.set_due_date(cards, str(days))  # type: ignore[arg-type]
    sched.get_queued_cards()
    states = [col._backend.get_scheduling_states(ids[card]) for card in request["preview"]]
    return {"states": [[state_of(s) for s in (x.again, x.hard, x.good, x.easy)]
                       for x in states]}


def main() -> None:
    """One request a line, each answered on one line: the collection and its cards
    (answered with the card ids and the collection's creation time), then the events,
    then, if asked, previews with the load balancer on."""
    setup = json.loads(sys.stdin.readline())
    set_clock(setup["created"])
    col = Collection(str(Path(setup["folder"]) / "collection.anki2"))
    col.set_config("fsrs", True)
    col.set_config("rollover", setup["rollover"])
    ids = make_cards(col, make_decks(col, setup["presets"]), setup["cards"])
    print(json.dumps({"ids": ids, "crt": col.crt}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "balance" in request:
            reply = balance(col, ids, request["balance"])
        else:
            results = []
            for card, ms, rating in request["events"]:
                set_clock(ms / 1000)
                results.append(event(col, ids[card], rating, ms))
            reply = {"events": results}
        print(json.dumps(reply), flush=True)
    col.close()


if __name__ == "__main__":
    main()
