"""Text the commands print: summaries, diagnostics and card previews. Returns strings;
printing is the CLI's job. A note's path or title and a deck's name are shown with their
control characters escaped (``errors.escaped``): a file name never drives the terminal."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from highyield.errors import Diagnostic, HighyieldError, Severity, display_path, escaped
from highyield.model import CONTEXT_SEPARATOR, Card, CardKind, preview_text
from highyield.review.anki.syncing import Tally as SyncTally
from highyield.review.optimize import MIN_REVIEWS, Fit, TooFew

if TYPE_CHECKING:  # the quiz prints reports without loading the parser
    from highyield.config import DeckConfig
    from highyield.deck.anki_notes import Changes
    from highyield.deck.build import Built
    from highyield.identity.blockids import Written
    from highyield.identity.collect import Collected, Tally
    from highyield.review.sync import DeckSync

MAX_SHOWN = 20  # a build's problems listed one by one; more are grouped by kind
PER_KIND = 3  # examples of each kind when grouped
_NAMED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\d[\d,.]*")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n:,} {word}s"


def diagnostics(items: Sequence[Diagnostic], limit: int | None = None) -> str:
    """Diagnostics as ``collect`` sorted them, at most ``limit`` of them."""
    shown = items if limit is None else items[:limit]
    lines = [d.format() for d in shown]
    if len(items) > len(shown):
        lines.append(f"… and {len(items) - len(shown)} more; "
                     "`highyield check` lists them all")
    return "\n".join(lines)


def summary_diagnostics(items: Sequence[Diagnostic], limit: int = MAX_SHOWN,
                        per_kind: int = PER_KIND) -> str:
    """A build's problems: all of them when there are at most ``limit``; else grouped by
    kind (the message with its quoted names and numbers left out), errors first, each
    kind with its first ``per_kind`` examples and a count of the rest."""
    if len(items) <= limit:
        return diagnostics(items)
    groups: dict[tuple[bool, str], list[Diagnostic]] = {}
    for d in items:
        groups.setdefault((d.severity is not Severity.ERROR, kind_of(d.message)), []).append(d)
    lines: list[str] = []
    for key in sorted(groups, key=lambda k: k[0]):  # stable: errors, then in path order
        group = groups[key]
        lines.extend(d.format() if i == 0 else d.format().split("\n")[0]
                     for i, d in enumerate(group[:per_kind]))
        if len(group) > per_kind:
            lines.append(f"  … and {len(group) - per_kind:,} more like this")
    lines.append(f"{sum(d.count for d in items):,} problems in all; `highyield check` lists "
                 "each one")
    return "\n".join(lines)


def kind_of(message: str) -> str:
    """What messages of one kind share: ``image '…' was not found in the vault``."""
    return _NAMED.sub("…", message)


def waiting(deck: DeckConfig, pid: int | None) -> str:
    """Another build or quiz of the vault holds its lock."""
    who = f" (pid {pid})" if pid else ""
    return f"{display_path(deck.vault)}: waiting for another build or quiz of this vault{who} to " \
        "finish…"


def failure(exc: HighyieldError) -> str:
    """A command that stopped: every problem, each with its hint."""
    if not exc.diagnostics:
        hint = f"\n  hint: {escaped(exc.hint)}" if exc.hint else ""
        return f"error: {escaped(exc.message)}{hint}"
    return "\n".join(_as_error(d) for d in exc.diagnostics)


def _as_error(d: Diagnostic) -> str:
    hint = f"\n  hint: {escaped(d.hint)}" if d.hint else ""
    return f"error: {d.location}: {escaped(d.message)}{hint}"


def watch_restarted(why: str) -> str:
    return (f"warning: the file watcher stopped ({escaped(why)}); it starts again, looking at the "
            "vault every second, and builds every deck again\n"
            "  hint: a file or folder whose name is not UTF-8 stops it: rename it "
            "(`highyield check` names it)")


def watch_back(folders: tuple[Path, ...]) -> str:
    shown = ", ".join(display_path(f) for f in folders)
    return f"the notes folder {shown} is back: watching it again and building every deck"


def anki_synced(t: SyncTally, path: Path) -> str:
    """What ``sync-anki`` did (or would do)."""
    lines = ["Finished the sync that was interrupted."] if t.finished else []
    verb = "Would merge" if t.dry_run else "Merged"
    lines.append(f"{verb} with {display_path(path)}: {_plural(t.matched, 'card')} on both "
                 f"sides; {t.only_here:,} only here and {t.only_anki:,} only in Anki (another "
                 "deck's, or notes deleted here), left alone")
    lines.append(f"  answers: {t.to_anki:,} to Anki, {t.to_store:,} to the review store · "
                 f"schedules changed: {t.anki_cards:,} in Anki, {t.store_cards:,} here")
    if t.set_aside:
        lines.append(f"  {_plural(t.set_aside, 'card')} set aside: in a filtered deck in Anki, "
                     "or with a schedule highyield cannot read (empty the filtered deck in "
                     "Anki, then sync again)")
    if t.notes:
        lines.append(f"  notes brought up to date in Anki (text, highyield's tags): {t.notes:,}")
    if t.presets:
        presets = _plural(t.presets, "option preset")
        lines.append(f"  FSRS parameters fitted here written to {presets} in Anki")
    if t.backup is not None:
        lines.append(f"  backup of the collection: {display_path(t.backup)}")
    if t.fsrs_off:
        lines.append("  note: FSRS is off in this collection, so Anki schedules the answers "
                     "given there with its older SM-2; turn FSRS on in Anki (Deck Options → "
                     "FSRS) for one schedule on both sides")
    if t.dry_run:
        lines.append("  nothing was changed (--dry-run); notes' text and tags as the last "
                     "build left them")
    return "\n".join(lines)


def progress_written(deck: DeckConfig, cards: int) -> str:
    return (f"  the quiz's progress of {_plural(cards, 'card')} is in "
            f"{display_path(deck.output)}: in Anki, import it with \"Import any learning "
            "progress\" (cards Anki has already keep their own)")


def optimized(deck: str, outcome: Fit | TooFew, dry_run: bool) -> str:
    """What ``optimize`` did for one deck."""
    if isinstance(outcome, TooFew):
        return (f"{escaped(deck)}: {outcome.have} reviews to fit to; FSRS needs "
                f"{MIN_REVIEWS} (reviews on a later day than the card's answer before)\n"
                "  the parameters in use are kept; study more with `highyield quiz`, or "
                "bring your Anki history with `highyield sync-anki`")
    b, a = outcome.before, outcome.after
    verdict = ("better: the quiz uses them from now on" if outcome.better and not dry_run
               else "better, not kept (--dry-run)" if outcome.better
               else "not better: the parameters in use are kept")
    return (f"{escaped(deck)}: fitted to {outcome.reviews:,} reviews\n"
            f"  log loss {b.log_loss:.4f} → {a.log_loss:.4f} · RMSE {b.rmse:.4f} → "
            f"{a.rmse:.4f} (in use → fitted, on a time-series split)\n  {verdict}")


def skipped(problems: list[Diagnostic]) -> str:
    lines = [f"warning: skipped a broken deck file: {d.location}: {escaped(d.message)}"
             for d in problems]
    return "\n".join(lines)


def counts(t: Tally, fresh: int | None = None) -> str:
    """The build's figures; ``fresh``: how many of its notes were read again (the others
    came from the cache), when not all."""
    kinds = ", ".join(f"{t.kinds[k]} {k.value}" for k in CardKind)
    if t.auto:
        kinds += f"; {t.auto} auto"
    read = " read" if fresh is None or fresh >= t.notes else \
        f" ({fresh:,} read again)" if fresh else " (none read again)"
    parts = [_plural(t.notes, "note") + read,
             f"{_plural(t.cards, 'card')} in {_plural(t.anki_notes, 'Anki note')} ({kinds})"]
    if t.images:
        parts.append(_plural(t.images, "image"))
    if t.merged:
        parts.append(f"{t.merged} duplicate{'s' if t.merged != 1 else ''} merged")
    if t.repeats:
        parts.append(f"{_plural(t.repeats, 'repeated statement')} left out")
    if t.untestable:
        parts.append(f"{_plural(t.untestable, 'statement')} without a testable fact")
    if t.unsure:
        parts.append(f"{_plural(t.unsure, 'auto card')} under min_score")
    parts.append(_plural(t.errors, "error"))
    parts.append(_plural(t.warnings, "warning"))
    return " · ".join(parts)


CHANGE_MARKS = {"new": "+", "updated": "~", "moved": "→", "back": "↩", "retired": "-",
                "known": "="}
_COUNT_SIGN = {"new": "+", "updated": "~", "retired": "-"}  # as the summary line writes them


def built(b: Built, verbose: bool = False) -> str:
    """``Built USMLE → USMLE.apkg: +3 new, ~2 updated, 1 moved, -1 retired``."""
    head = f"{escaped(b.deck.name)} → {display_path(b.output)}"
    if b.tally is None:
        return (f"{head}: up to date (nothing changed since the last build; --force "
                f"rebuilds){_standing(b.standing)}")
    first = f"Built {head}: {change_line(b.changes)}" if b.written else \
        f"{head}: no card changed; the deck is left as it was"
    lines = [first, f"  {counts(b.tally, b.fresh)}"]
    if verbose:
        lines.extend(f"  {CHANGE_MARKS[c.what]} {c.what:<8} {escaped(c.source)}  "
                     f"{escaped(c.label)}" + (f"  (was {escaped(c.was)})" if c.was else "")
                     for c in b.changes.items)
    return "\n".join(lines)


def _standing(said: Sequence[Diagnostic]) -> str:
    """``; the 2 warnings above still stand``: an up-to-date deck's unfixed problems."""
    found = [(sum(d.count for d in said if d.severity is kind), kind.value)
             for kind in (Severity.ERROR, Severity.WARNING)]
    total = sum(n for n, _ in found)
    parts = " and ".join(_plural(n, kind) for n, kind in found if n)
    return f"; the {parts} above still {'stands' if total == 1 else 'stand'}" if total else ""


def change_line(changes: Changes) -> str:
    if not changes:
        return "no card changed"
    counts = ((what, changes.count(what)) for what in CHANGE_MARKS if what != "known")
    parts = [f"{_COUNT_SIGN.get(what, '')}{n} {what}" for what, n in counts if n]
    known = changes.count("known")
    if known:  # not new: the vault's ledger has them; this computer has no build of them
        parts.append(f"{_plural(known, 'card')} known from the ledger" +
                     (" (none of them in this deck's last build here)" if changes.first
                      else ""))
    return ", ".join(parts)


def ids_written(w: Written) -> str:
    text = f"  wrote {_plural(w.ids, 'block id')} into {_plural(w.notes, 'note')}"
    lines = [text] + [f"  left alone {escaped(rel)}: {why}" for rel, why in w.skipped]
    return "\n".join(lines)


def checked(c: Collected) -> str:
    name, vault = escaped(c.deck.name), display_path(c.deck.vault)
    return f"Checked {name}{f' ({vault})' if vault != name else ''}: {counts(c.tally)}"


def card_json(card: Card, deck: str) -> str:
    data = {"deck": deck, **card_summary(card)}
    return json.dumps(data, ensure_ascii=False)


def card_text(card: Card) -> str:
    d = card.draft
    kind = f"auto {d.score:.2f}" if d.score is not None else d.kind.value
    lines = [f"{escaped(str(d.ref))}  {kind}  {card.key}",
             "  " + escaped(CONTEXT_SEPARATOR.join(d.context))]
    body = preview_text(d.front) if d.kind is CardKind.CLOZE else \
        f"{preview_text(d.front)}\n→ {preview_text(d.back)}"
    lines.extend("  " + line for line in body.splitlines())
    lines.extend(f"    · {preview_text(c)}" for c in d.cue)
    return "\n".join(lines)


def synced(s: DeckSync) -> str:
    """What reading the notes into the review store changed."""
    if s.synced is None or s.collected is None:
        return ""
    x = s.synced
    changes = [f"{x.added} added"]
    if x.retired:
        changes.append(f"{x.retired} retired (gone from the notes; history kept)")
    if x.revived:
        changes.append(f"{x.revived} back in the notes")
    return f"Read {escaped(s.deck.name)}: {_plural(x.total, 'card')} ({', '.join(changes)})"


def card_summary(card: Card) -> dict[str, object]:
    """The JSON shape ``highyield cards --json`` prints for one card."""
    d = card.draft
    data: dict[str, object] = {"key": card.key, "kind": d.kind.value}
    if d.auto:
        data["score"] = d.score
    if d.kind.value == "cloze":
        data["text"] = preview_text(d.front)
    else:
        data["front"] = preview_text(d.front)
        data["back"] = preview_text(d.back)
    data.update({
        "context": list(d.context),
        "cue": [preview_text(c) for c in d.cue],
        "extra": [preview_text(e) for e in d.extra],
        "tags": list(d.tags),
        "source": str(d.ref),
    })
    return data
