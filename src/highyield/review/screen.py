"""The quiz's text: a card's front and back, the answer buttons, the end summary. Returns
strings, in colour when asked; the terminal writes them. A deck's name, a card's context
and its source come from file names: their control characters are shown escaped."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from datetime import timedelta

from highyield.errors import escaped
from highyield.review.counts import Left
from highyield.review.schedule import Outcome, Phase, Rating, format_interval
from highyield.review.views import MARK_CLOSE, MARK_OPEN

BOLD, DIM, RESET, UNDERLINE = "\x1b[1m", "\x1b[2m", "\x1b[0m", "\x1b[4m"
BLANK_COLOR, ANSWER_COLOR = "\x1b[1;36m", "\x1b[1;33m"
COUNT_COLORS = ("\x1b[34m", "\x1b[31m", "\x1b[32m")  # new, learning, review: Anki's
NAMES = {Rating.Again: "Again", Rating.Hard: "Hard", Rating.Good: "Good", Rating.Easy: "Easy"}
PHASES = {Phase.NEW: "new", Phase.LEARNING: "learning", Phase.REVIEW: "review",
          Phase.RELEARNING: "relearning"}
FRONT_KEYS = "Space: show answer · e: where in the notes · u: undo · q: quit"
HIDE_KEYS = "-: bury card · =: bury note · @: suspend card · !: suspend note"
UNSUSPEND = "highyield quiz --unsuspend"


@dataclass(frozen=True)
class Style:
    color: bool
    width: int = 80

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.color else text

    def wrap(self, text: str, indent: str = "") -> str:
        """Text broken between words to fit the terminal."""
        width = max(20, self.width - 1)
        return "\n".join(textwrap.fill(line, width, initial_indent=indent,
                                        subsequent_indent=indent + ("  " if indent else ""),
                                        break_long_words=False, break_on_hyphens=False)
                         for line in text.split("\n"))

    def marked(self, text: str, answer: bool) -> str:
        """Text with the blank (or answer) shown in colour, or in «» without colour."""
        text = self.wrap(text)
        if self.color:
            code = ANSWER_COLOR if answer else BLANK_COLOR
            return text.replace(MARK_OPEN, code).replace(MARK_CLOSE, RESET)
        if answer:
            return text.replace(MARK_OPEN, "«").replace(MARK_CLOSE, "»")
        return text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def front(view_json: str, deck: str, phase: Phase, style: Style, left: Left) -> str:
    view = json.loads(view_json)
    lines = ["", header(deck, phase, left, style)]
    if view["context"]:
        lines.append(style.paint(style.wrap(escaped(view["context"])), DIM))
    lines += [style.wrap(cue, "  ") for cue in view["cue"]]
    lines += ["", style.marked(view["front"], answer=False), "",
              style.paint(FRONT_KEYS, DIM), style.paint(HIDE_KEYS, DIM)]
    return "\n".join(lines) + "\n"


def header(deck: str, phase: Phase, left: Left, style: Style) -> str:
    """The rule above a card: its deck, its phase, and the cards left today as Anki shows
    them, new + learning + review, the number the card is counted in marked (underlined
    in colour, else in brackets): ``── USMLE · new · [12] + 3 + 40 ──────``."""
    numbers = (left.new, left.learning, left.review)
    current = left.index(phase)
    plain = " + ".join(f"[{n}]" if i == current else str(n) for i, n in enumerate(numbers))
    start = f"── {escaped(deck)} · {PHASES[phase]} · "
    end = " " + "─" * max(0, style.width - len(start + plain) - 2)
    if not style.color:
        return start + plain + end
    counts = " + ".join(
        style.paint(str(n), COUNT_COLORS[i] + (UNDERLINE if i == current else ""))
        for i, n in enumerate(numbers))
    return style.paint(start, DIM) + counts + style.paint(end, DIM)


def back(view_json: str, source: str, outcomes: dict[Rating, Outcome], style: Style) -> str:
    view = json.loads(view_json)
    lines = ["", style.marked(view["back"], answer=True)]
    if view["extra"]:  # the statement's child items: under the answer, labelled
        lines += ["", "  Under it in the notes:"]
        lines += [style.wrap(f"• {extra}", "    ") for extra in view["extra"]]
    if view["images"]:
        lines.append(f"  images: {', '.join(view['images'])}")
    lines += [f"  image missing: {escaped(name)}" for name in view.get("missing", ())]
    lines += [style.paint(f"Source: {escaped(source)}", DIM), "", buttons(outcomes, style)]
    return "\n".join(lines) + "\n"


def buttons(outcomes: dict[Rating, Outcome], style: Style) -> str:
    shown = [f"{style.paint(str(int(r)), BOLD)} {NAMES[r]} {format_interval(o.interval)}"
             for r, o in outcomes.items()]
    return "   ".join(shown) + style.paint("   (Space: Good · u: undo · q: quit)", DIM)


HIDDEN = {
    "bury": "Buried until tomorrow.",
    "bury note": "Note buried until tomorrow: {cards}.",
    "suspend": f"Suspended: not shown until `{UNSUSPEND}`.",
    "suspend note": f"Note suspended: {{cards}}, not shown until `{UNSUSPEND}`.",
}


def hidden(what: str, cards: int) -> str:
    """What the quiz says after ``-``, ``=``, ``@`` or ``!``."""
    return HIDDEN[what].format(cards=_count(cards, "card")) + "\n"


def unsuspended(sources: list[str]) -> str:
    """What ``quiz --unsuspend`` says: how many cards came back, and where (the first 5
    places; the clozes of one statement share one)."""
    if not sources:
        return "No suspended cards to unsuspend.\n"
    places = list(dict.fromkeys(sources))
    shown = ", ".join(places[:5]) + (", …" if len(places) > 5 else "")
    return f"Unsuspended {_count(len(sources), 'card')}: {shown}\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else word + 's'}"


MEANWHILE = "Another session answered this card meanwhile; your answer counts after it.\n"


def answered(outcome: Outcome) -> str:
    return f"{NAMES[outcome.rating]} → next in {format_interval(outcome.interval)}\n"


def leech(source: str, lapses: int, suspended: bool) -> str:
    then = " It is suspended: the quiz stops showing it." if suspended else ""
    return (f"Leech: this card has been forgotten {lapses} times.{then} Rewrite it, split "
            f"it or add a memory hook at {escaped(source)}\n")


def duration(elapsed: timedelta) -> str:
    seconds = round(elapsed.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02}s"
    return f"{minutes // 60}h {minutes % 60:02}m"


def summary(reviewed: int, correct: int, elapsed: timedelta, due_next: str,
            finished: bool) -> str:
    done = "Nothing more is due now. " if finished else ""
    if not reviewed:
        return f"No cards studied. {done}{due_next}\n"
    percent = round(100 * correct / reviewed)
    cards = "card" if reviewed == 1 else "cards"
    return (f"\nStudied {reviewed} {cards} in {duration(elapsed)} · {percent}% correct "
            f"({correct} of {reviewed})\n{done}{due_next}\n")
