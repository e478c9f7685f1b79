"""Stable card keys. A key is the Anki guid and the review store's row, so a card that
keeps its key keeps its history, in Anki and in the quiz.

A new card's key comes from its identifying content only: never from the build time, a
random number or the order of files. After that the key stays with the card through edits:
each card is matched to the identity ledger (``ledger``), first by a ``^hy-`` block id,
then by its exact text wherever it now is, then by close text (a typo fixed, a word
changed), and only a card that matches nothing is new.

Cloze numbers that highyield gave to highlights are kept the same way: an added highlight
gets a new number instead of taking over a neighbour's card, because Anki keys the cards
of a note by their number.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from highyield.identity.clozes import deletions, renumber, renumber_text, shape, top_number
from highyield.identity.ledger import CONTEXT, GONE, Entry, context_key, gone_key, is_card
from highyield.identity.numbering import renumber_kept
from highyield.identity.similar import shown_words, similar_pairs, words
from highyield.identity.subject import Subject, anchor_key, digest, subject_of
from highyield.identity.swapped import SEPARATOR, moved_under_another
from highyield.model import Card, Draft

NO_NUMBERS: dict[int, int] = {}  # shared, never changed


class Identity(NamedTuple):
    """(A named tuple: a build makes one per card, and a dataclass took four times as
    long to make.)"""

    key: str | None  # None: an exact duplicate of an earlier card, merged into it
    numbers: dict[int, int] = NO_NUMBERS  # cloze renumbering, old → new; never changed


_PENDING = Identity(None)  # a subject not matched yet: every one is, by the end


@dataclass(frozen=True)
class Identified:
    identities: list[Identity]  # one per subject, in the same order
    ledger: dict[str, Entry]  # the ledger to write back
    merged: int
    repeated_ids: list[tuple[str, str, int]] = field(default_factory=list)  # key, note, line
    settled: Collection[int] = ()  # the subjects that kept the key they were given
    # the keys of cards the ledger given did not have (None: it had none)
    added: frozenset[str] | None = frozenset()

    def held(self, key: str) -> bool:
        """Did the ledger given have this card?"""
        return self.added is not None and key in self.ledger and key not in self.added


def identify(subjects: Sequence[Subject], ledger: Mapping[str, Entry],
             in_scope: Callable[[str], bool] = lambda path: True,
             settled: Mapping[int, str] | None = None, in_place: bool = False) -> Identified:
    """Give every subject its key. ``in_scope`` says whether a ledger entry's note belongs
    to this deck (or is gone), so that a deck never takes over another deck's card by
    close text. ``settled``: the key a subject (by index) had when the ledger was
    written, its note unchanged since (``deck.settled``): taken when the ledger still has
    the card so, and no other card is the same. ``in_place``: the ledger given (a dict)
    becomes the one to write back, not copied (a build's ledger: 5 MB for 50,000 cards)."""
    return _Matcher(subjects, ledger, in_scope, settled or {}, in_place).run()


class _Matcher:
    def __init__(self, subjects: Sequence[Subject], ledger: Mapping[str, Entry],
                 in_scope: Callable[[str], bool], settled: Mapping[int, str],
                 in_place: bool = False) -> None:
        self.subjects = subjects
        self.ledger = ledger
        self.in_scope = in_scope
        self.settled = settled
        # each subject's identity, by index (a list: a dict of 50,000 took 2 MB more)
        self.found: list[Identity] = [_PENDING] * len(subjects)
        self.matched: dict[int, Entry] = {}
        self.claimed: set[str] = set()
        self.repeated_ids: list[tuple[str, str, int]] = []  # a ^hy- id seen again: where
        self.here: dict[tuple[str, str, str, str], list[Entry]] = defaultdict(list)
        self.by_path: dict[str, list[Subject]] = defaultdict(list)
        for s in subjects:
            self.by_path[s.path].append(s)
        self.shared: dict[str, set[str]] = {}
        self.parts: set[str] | None = None  # every context's parts, when first asked
        self.done: Collection[int] = ()  # the settled subjects
        self.unclaimed: list[Entry] | None = None  # as ``_free`` last found them
        self.in_place = in_place
        self.added: set[str] | None = set() if ledger else None  # None: all of them

    def run(self) -> Identified:
        order = self._settle()
        paths = {self.subjects[i].path for i in order}
        for e in self.ledger.values():  # what the rest may match in its own note
            if e.path in paths and e.kind != CONTEXT:
                self.here[e.kind, e.front, e.back, e.path].append(e)
        left, merged = self._merge(order)
        for step in (self._anchored, self._same, self._close):
            left = step(left)
        self._new(left)
        assert all(f is not _PENDING for f in self.found), "a subject was left without a key"
        ledger = self._ledger()
        return Identified(self.found, ledger, merged,
                          self.repeated_ids, self.done,
                          None if self.added is None else frozenset(self.added))

    def _settle(self) -> list[int]:
        """Claim each settled subject's key: the ledger is as the build that gave it left
        it, so it has the card as it is now (its text, note and context). Not when a
        subject left to match is the same card (that one might be the one to keep): then
        nothing is settled. The subjects left, by note and line."""
        subjects, settled = self.subjects, self.settled
        rest = [i for i in range(len(subjects)) if i not in settled]
        if not settled:
            return sorted(rest, key=lambda i: (subjects[i].path, subjects[i].line))
        same = {(s.kind, s.front, s.back, s.where) for s in map(subjects.__getitem__, rest)}
        wheres = {where for *_, where in same}
        if len(set(settled.values())) < len(settled) or any(
                (s.kind, s.front, s.back, s.where) in same for i in settled
                if (s := subjects[i]).where in wheres):
            rest = list(range(len(subjects)))  # a key twice, or a card the same as one left
        else:
            for i, key in settled.items():
                self.claimed.add(key)
                self.found[i] = Identity(key)
            self.done = settled.keys()
        return sorted(rest, key=lambda i: (subjects[i].path, subjects[i].line))

    def _merge(self, order: list[int]) -> tuple[list[int], int]:
        """Identical cards in the same context are one card: the one in the note the
        ledger knows it from (a copy of a note never takes the original's place), else
        the first."""
        first: dict[tuple[str, str, str, str], int] = {}
        for i in order:
            s = self.subjects[i]
            same = (s.kind, s.front, s.back, s.where)
            kept = first.setdefault(same, i)
            if kept != i and not self._known_here(kept) and self._known_here(i):
                first[same] = i
        keep = set(first.values())
        for i in order:
            if i not in keep:
                self.found[i] = Identity(None)
        return [i for i in order if i in keep], len(order) - len(keep)

    def _known_here(self, i: int) -> bool:
        s = self.subjects[i]
        return (s.kind, s.front, s.back, s.path) in self.here

    def _claim(self, i: int, key: str) -> None:
        entry = self.ledger.get(key)
        same = entry is not None and entry.front == self.subjects[i].front
        numbers = renumber_kept(self.subjects[i], entry, self._gone(key)) \
            if entry is not None and not same else NO_NUMBERS
        if entry is not None:
            self.matched[i] = entry
        self.claimed.add(key)
        self.found[i] = Identity(key, numbers)

    def _anchored(self, left: list[int]) -> list[int]:
        """A ``^hy-`` id decides the key. A note or line copied with its id has the same
        id twice: the card where the ledger last saw it (and, in one note, the one whose
        text is as the ledger has it) keeps the key; the copy matches like any other
        card (and the duplicate is reported)."""
        def home_first(i: int) -> tuple[bool, bool]:
            """Where the ledger saw it first, and there the copy with its text."""
            s = self.subjects[i]
            entry = self.ledger.get(anchor_key(s.anchor) or "")
            return (entry is None or entry.path != s.path,
                    entry is None or (entry.front, entry.back) != (s.front, s.back))
        anchored = [i for i in left if self.subjects[i].anchor]
        if not anchored:
            return left
        rest = [i for i in left if not self.subjects[i].anchor]
        for i in sorted(anchored, key=home_first):
            key = anchor_key(self.subjects[i].anchor)
            if key is not None and key not in self.claimed:
                self._claim(i, key)
            else:
                if key is not None:
                    self.repeated_ids.append((key, self.subjects[i].path, self.subjects[i].line))
                rest.append(i)
        return sorted(rest, key=lambda i: (self.subjects[i].path, self.subjects[i].line))

    def _same(self, left: list[int]) -> list[int]:
        """The same text in the same note (nearly every card, and cheap to find), then
        the same text elsewhere, then the same words with other cloze numbers."""
        rest = []
        here, claimed, context = self.here, self.claimed, self._context
        for i in left:
            s = self.subjects[i]
            known = here.get((s.kind, s.front, s.back, s.path), ())
            if len(known) == 1 and (e := known[0]).key not in claimed and \
                    context(e.key) in (None, s.where):  # nearly every card
                self.matched[i] = e
                claimed.add(e.key)
                self.found[i] = Identity(e.key)  # its text as the ledger has it
                continue
            free = [e for e in known if e.key not in claimed and self._fits(s, e)]
            if not free:
                rest.append(i)
            elif len(free) == 1:
                self._claim(i, free[0].key)
            else:  # the same text twice in a note: the card made in this context first
                self._claim(i, min(free, key=lambda e: (
                    e.key != digest(s.content, s.where), e.key)).key)
        left = self._same_by(rest, lambda e: e.content, lambda s: s.content)
        return self._same_by(left, lambda e: shape(e.content),
                             lambda s: s.shape, _digitless)

    def _same_by(self, left: list[int], of_entry: Callable[[Entry], str],
                 of_subject: Callable[[Subject], str],
                 rough: Callable[[str], str] = str) -> list[int]:
        """``rough``: the text as a cheaper test sees it, the same for any two texts
        ``of_entry`` and ``of_subject`` find the same; only the ledger's entries that pass
        it are worked out in full."""
        if not left:
            return left
        by_text: dict[str, list[Entry]] = defaultdict(list)
        kinds = {self.subjects[i].kind for i in left}  # never a gone or context line
        wanted = {rough(self.subjects[i].content) for i in left}
        for entry in self._free():
            if entry.kind in kinds and rough(entry.content) in wanted:
                by_text[of_entry(entry)].append(entry)
        if not by_text:  # a first build: nothing to match
            return left
        for same_note in (True, False):  # a card still in its note before any copy of it
            rest = []
            for i in left:
                s = self.subjects[i]
                free = [e for e in by_text.get(of_subject(s), ()) if e.key not in
                        self.claimed and (e.path == s.path or not same_note) and
                        self._fits(s, e)]
                if not free:
                    rest.append(i)
                    continue
                best = free[0] if len(free) == 1 else min(free, key=lambda e: (
                    e.key != digest(s.content), e.key != digest(s.content, s.where), e.key))
                self._claim(i, best.key)
            left = rest
        return left

    def _close(self, left: list[int]) -> list[int]:
        if not left:
            return left
        scoped: dict[str, bool] = {}
        free = [e for e in self._free() if scoped.setdefault(e.path, self.in_scope(e.path))]
        if not free:
            return left
        pairs = similar_pairs([self.subjects[i] for i in left], free, self._shared,
                              lambda s, e: not self._fits(s, e))
        taken: set[int] = set()
        for index, entry in pairs:
            self._claim(left[index], entry.key)
            taken.add(index)
        return [i for n, i in enumerate(left) if n not in taken]

    def _free(self) -> list[Entry]:
        """The ledger's card lines that no card has claimed yet: one pass over the ledger,
        then the last list, shorter each time."""
        if self.unclaimed is None:
            self.unclaimed = [e for e in self.ledger.values()
                              if e.key not in self.claimed and is_card(e)]
        else:
            self.unclaimed = [e for e in self.unclaimed if e.key not in self.claimed]
        return self.unclaimed

    def _fits(self, s: Subject, e: Entry) -> bool:
        """Was the card last read in a context that fits this one? Not when its nearest
        heading or parent item now names something else ("Adverse effect: ==GI upset=="
        under "Ethosuximide", now under "Metformin"): that is another fact. A ledger
        written before contexts were kept says nothing, and any context fits."""
        before = self._context(e.key)
        if before is None or before == s.where:
            return True
        moved = e.path != s.path and (e.path in self.by_path or not self.in_scope(e.path))
        return not moved_under_another(before, s.where, words(s.front + " " + s.back),
                                       shown_words(s.front, s.back),
                                       _there if moved else self._still,
                                       renamed=e.path != s.path)

    def _context(self, key: str) -> str | None:
        """A card's context when the ledger was written: its title, headings and parent
        items (None from a ledger written before contexts were kept)."""
        entry = self.ledger.get(context_key(key))
        return None if entry is None else entry.front

    def _still(self, part: str) -> bool:
        """Is this a title, heading or parent item some card of the deck is under now?"""
        if self.parts is None:
            self.parts = {p for s in self.subjects for p in s.where.split(SEPARATOR)}
        return part in self.parts

    def _gone(self, key: str) -> list[tuple[int, str]]:
        """The card's deletions that left it, by number: one that comes back takes its
        number (and its history) again."""
        return [(e.top, e.front) for n in range(1, (self.ledger[key].top if key in
                self.ledger else 0) + 1) if (e := self.ledger.get(gone_key(key, n)))]

    def _shared(self, path: str) -> set[str]:
        """The words that two or more of the note's cards show, now and as the ledger had
        them (a table's column names), worked out once. Words two cards show only now (a
        similar fact just added beside a reworded one) still tell which fact it is."""
        if path not in self.shared:
            now, before = Counter[str](), Counter[str]()
            for s in self.by_path.get(path, ()):
                now.update(shown_words(s.front, s.back))
            for e in self.ledger.values():
                if e.path == path and is_card(e):
                    before.update(shown_words(e.front, e.back))
            self.shared[path] = {w for w, n in now.items() if n > 1 and before[w] > 1}
        return self.shared[path]

    def _new(self, left: list[int]) -> None:
        """Fresh keys from the content; the context joins in when the same content is in
        several places (as it always has, so keys made before the ledger stay)."""
        contents = [self.subjects[i].content for i in left]
        count = Counter(contents)
        for i, content in zip(left, contents, strict=True):
            s = self.subjects[i]
            key = digest(content) if count[content] == 1 else digest(content, s.where)
            n = 0
            while key in self.claimed or key in self.ledger:  # a card of another context
                n += 1
                key = digest(s.content, s.where, str(n))
            self._claim(i, key)

    def _ledger(self) -> dict[str, Entry]:
        """The ledger to write back (the one given, changed in place, when the caller
        said so); ``added`` gets the keys of the cards it did not have."""
        entries = self.ledger if isinstance(self.ledger, dict) and self.in_place else \
            dict(self.ledger)
        for i, identity in enumerate(self.found):
            if identity.key is None or i in self.done:
                continue  # merged; or settled, its lines as they are
            s, old = self.subjects[i], self.matched.get(i)
            where = context_key(identity.key)
            if s.where and ((e := self.ledger.get(where)) is None or e.front != s.where):
                entries[where] = Entry(where, CONTEXT, 0, s.path, s.where, "")
            if old is not None and old.front == s.front and old.back == s.back and \
                    old.path == s.path and old.kind == s.kind:
                continue  # unchanged: the common case, kept as it is
            front = renumber_text(s.front, identity.numbers)
            top = max(old.top if old else 0, top_number(front))
            had = identity.key in self.ledger
            entries[identity.key] = Entry(identity.key, s.kind, top, s.path, front, s.back)
            if not had and self.added is not None:
                self.added.add(identity.key)
            if old is not None or had:  # a new card has no gone
                _keep_gone(entries, identity.key, old, front)  # lines yet
        return entries


_DIGITS = str.maketrans("", "", "0123456789")


def _digitless(text: str) -> str:
    """The text without its digits: two texts of one shape are the same without them."""
    return text.translate(_DIGITS)


def _there(part: str) -> bool:
    """A card moved out of a note that is still there: what it was under is there too."""
    return True


def _keep_gone(entries: dict[str, Entry], key: str, old: Entry | None, front: str) -> None:
    """Remember the deletions the card lost (a ``gone`` ledger line each), and forget
    those it has again."""
    now = dict(deletions(front))
    for n in now:
        entries.pop(gone_key(key, n), None)
    if old is None:
        return
    for n, text in deletions(old.front):
        if n not in now:
            entries[gone_key(key, n)] = Entry(gone_key(key, n), GONE, n, old.path, text, "")


# ---------------------------------------------------------------- drafts to cards


@dataclass(frozen=True)
class Assigned:
    cards: list[Card]  # in source order
    merged: int  # exact duplicates made into one card
    ledger: dict[str, Entry]
    repeated_ids: list[tuple[str, str, int]] = field(default_factory=list)


def assign_keys(drafts: Sequence[Draft], ledger: Mapping[str, Entry] | None = None,
                in_scope: Callable[[str], bool] = lambda path: True) -> Assigned:
    """Give every draft its key, keeping the keys the ledger knows."""
    result = identify([subject_of(d) for d in drafts], ledger or {}, in_scope)
    cards: list[Card] = []
    for draft, identity in zip(drafts, result.identities, strict=True):
        if identity.key is not None:
            cards.append(Card(identity.key, renumbered(draft, identity.numbers)))
    cards.sort(key=lambda c: (c.draft.ref.path, c.draft.ref.line))
    return Assigned(cards, result.merged, result.ledger, result.repeated_ids)


def renumbered(draft: Draft, numbers: dict[int, int]) -> Draft:
    return replace(draft, front=renumber(draft.front, numbers)) if numbers else draft
