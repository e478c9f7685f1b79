"""The command line. Each command parses its arguments, calls the library once per deck
and prints the result. A HighyieldError becomes a clean message and an exit code."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from highyield import __version__
from highyield.cli import report
from highyield.cli.progress import DelayedProgress
from highyield.cli.quiz_setup import check_tag, plan_for, store_decks, unsuspend, where_in
from highyield.cli.terminal import console
from highyield.config import DeckConfig, ReviewSettings
from highyield.config.targets import decks_for
from highyield.errors import Diagnostic, HighyieldError, Severity, display_path
from highyield.paths import store_path
from highyield.review.anki.collection import NoteText
from highyield.review.localzone import LOCAL
from highyield.review.screen import unsuspended
from highyield.review.session import Session
from highyield.review.stats import compute
from highyield.review.stats import text as stats_text
from highyield.review.store import Store
from highyield.review.store.using import using
from highyield.review.sync import DeckSync, marked_stale, sync_deck

if TYPE_CHECKING:
    from highyield.deck.build import Built
    from highyield.vault.lock import Waiting


class Score(click.FloatRange):
    """A number from 0 to 1, and not nan (which every comparison lets through)."""

    def __init__(self) -> None:
        super().__init__(0, 1)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number from 0 to 1.", param, ctx)
        return number


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HighyieldError as exc:
            click.echo(report.failure(exc), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="highyield")
def cli() -> None:
    """Turn an Obsidian vault of study notes into Anki decks.

    highyield reads your notes, makes a cloze card from every highlighted fact
    (==text==, <mark>, Highlightr spans), keeps the cards you wrote yourself
    ({{c1::…}}, Front::Back, multi-line ? cards), and writes .apkg files that
    import cleanly into Anki. Clipped articles in Clippings/ give auto cards:
    the testable statements nobody highlighted, tagged highyield::auto.

    \b
    Start here:
      highyield build                 build every deck in decks/*.yaml
      highyield build notes -o my.apkg   build one deck from a folder
      highyield cards notes           preview the cards without building
      highyield cards --auto          the auto cards, with their scores
      highyield check notes           list problems in the notes
      highyield watch                 rebuild as you edit, until Ctrl-C
      highyield quiz                  study the cards here, without Anki
      highyield stats                 what is due, retention, streak
    """


def _targets(vault: Path | None, decks: tuple[str, ...], output: str | None = None,
             min_score: float | None = None) -> list[DeckConfig]:
    command = click.get_current_context().info_name or "build"
    targets = decks_for(vault, decks, output, Path.cwd(), command)
    if targets.skipped:
        click.echo(report.skipped(targets.skipped), err=True)
    return [deck.with_min_score(min_score) for deck in targets.decks]


_vault_argument = click.argument(
    "vault", required=False, type=click.Path(path_type=Path))
_deck_option = click.option(
    "--deck", "decks", multiple=True, metavar="NAME",
    help="Only the deck with this name from decks/*.yaml, or else the one whose file has "
         "this name (any case). Repeatable.")
_min_score_option = click.option(
    "--min-score", type=Score(), metavar="0-1",
    help="Auto-cloze: make cards only from statements scoring at least this (default: the "
         "deck's auto_cloze.min_score, else 0.6). Higher means fewer, surer cards.")

_state_option = click.option(
    "--state", type=click.Path(), metavar="PATH",
    help="The review store (a SQLite file, or a folder to keep reviews.sqlite3 in). "
         "Default: $HIGHYIELD_HOME, else ~/.local/share/highyield (your platform's data "
         "folder).")


@cli.command()
@_vault_argument
@_deck_option
@click.option("-o", "--output", type=click.Path(), metavar="OUT.apkg",
              help="Where to write the deck: a file ending in .apkg, or a folder to write "
                   "DECK-NAME.apkg into (default: the deck file's `output`, or "
                   "FOLDER-NAME.apkg in the current folder).")
@_min_score_option
@click.option("--force", is_flag=True,
              help="Write the deck even when nothing changed since the last build.")
@click.option("-v", "--verbose", is_flag=True,
              help="List each new, updated, moved, retired and known card.")
@click.option("--write-ids", is_flag=True,
              help="Write an Obsidian block id (^hy-…) at the end of each list item or "
                   "paragraph that gives one card (not in clipped articles), so the card "
                   "keeps its key through any rewrite. Changes your notes (read-only ones "
                   "are left alone); off unless asked for.")
@click.option("--with-progress", is_flag=True,
              help="Put the quiz's progress (each studied card's schedule and review "
                   "log) into the .apkg: Anki's import with \"Import any learning "
                   "progress\" gives it to the cards the collection does not have yet.")
@_state_option
def build(vault: Path | None, decks: tuple[str, ...], output: str | None,
          min_score: float | None, force: bool, verbose: bool, write_ids: bool,
          with_progress: bool, state: str | None) -> None:
    """Build Anki decks (.apkg) from your notes.

    VAULT is a folder of notes or a deck file. Without it, every deck defined in
    decks/*.yaml is built. Import the .apkg in Anki with File › Import.

    The deck is written even when a note has an error (the card with the
    error is left out); the exit status is then 1, as for `check`. Warnings
    alone exit 0.

    Rebuild after editing your notes: only changed notes are read again, and a
    deck with nothing changed is left alone ("up to date"). Cards keep their
    identity through rewording, moves and renames, so importing the new deck
    (with Anki's default "Update notes: if newer") updates them in place, with
    their review history. A deleted fact's card stays, tagged highyield::retired.
    What makes this work is VAULT/.highyield/ledger.tsv: keep it with your
    notes (commit it to git); nothing is written into the notes themselves.

    Notes in Clippings/ (or wherever a deck's auto_cloze points) also give
    auto cards: highyield picks the testable statements of a clipped article
    and hides the part worth recalling. They carry the tag highyield::auto.

    \b
    Examples:
      highyield build
      highyield build --deck USMLE
      highyield build ~/Obsidian/Step1 -o step1.apkg
      highyield build --min-score 0.7     fewer, surer auto cards
      highyield build -v                  list what changed
    """
    errors = 0
    for deck in _targets(vault, decks, output, min_score):
        result = _build(deck, force or write_ids, verbose)
        errors += _errors(result)
        if write_ids:
            from highyield.identity.blockids import write_ids as write_block_ids

            click.echo(report.ids_written(write_block_ids(deck.vault, result.cards,
                                                          result.read, deck.syntax)))
        if with_progress:
            click.echo(report.progress_written(deck, _with_progress(deck, state)))
    if errors:
        sys.exit(1)


def _errors(result: Built) -> int:
    """The errors a build found, or that still stand in an up-to-date deck."""
    return result.tally.errors if result.tally is not None else \
        sum(d.count for d in result.standing if d.severity is Severity.ERROR)


def _with_progress(deck: DeckConfig, state: str | None) -> int:
    from highyield.deck.progress import add_progress
    from highyield.review.anki.progress import progress_of

    with Store.open(store_path(state), writable=False) as store:
        found = progress_of(store, deck.name, deck.review, _now(), LOCAL)
    return add_progress(deck.output, found.created, found.cards)


def _waiting(deck: DeckConfig) -> Waiting:
    """What a build or quiz says while another holds the vault's lock."""
    return lambda pid: click.echo(report.waiting(deck, pid), err=True)


def _build(deck: DeckConfig, force: bool = False, verbose: bool = False,
           shown: set[Diagnostic] | None = None) -> Built:
    """Build and print the summary. ``shown``: for watch, the problems printed already
    (each is printed once, with a time stamp on the summary)."""
    from highyield.deck.build import build as build_deck

    with DelayedProgress(f"Reading {deck.name}", then=f"Writing {deck.name}") as progress:
        result = build_deck(deck, now=time.time(), progress=progress, force=force,
                            waiting=_waiting(deck))
    found = result.tally.diagnostics if result.tally is not None else result.standing
    if shown is not None:
        found = tuple(d for d in found if d not in shown)
        shown.update(found)
    if found:
        click.echo(report.summary_diagnostics(found), err=True)
    text = report.built(result, verbose)
    click.echo(f"[{time.strftime('%H:%M:%S')}] {text}" if shown is not None else text)
    return result


@cli.command()
@_vault_argument
@_deck_option
@click.option("-o", "--output", type=click.Path(), metavar="OUT.apkg",
              help="Where to write the deck, as for `build`.")
@click.option("-v", "--verbose", is_flag=True,
              help="List each new, updated, moved and retired card after each build.")
def watch(vault: Path | None, decks: tuple[str, ...], output: str | None,
          verbose: bool) -> None:
    """Rebuild the decks as you edit your notes, until Ctrl-C.

    Builds once, then waits. When notes or images change, it waits for the
    saves to stop and the files to be complete, then rebuilds only the decks
    that use them and prints what changed. A deck file is always written whole,
    so Anki never sees a half-built deck. Changes to decks/*.yaml need a restart.

    \b
    Examples:
      highyield watch
      highyield watch --deck USMLE -v
      highyield watch ~/Obsidian/Step1 -o step1.apkg
    """
    from highyield.cli.watch import forget_said, rounds

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it off
    targets = _targets(vault, decks, output)
    folders = ", ".join(sorted({display_path(d.vault) for d in targets}))
    shown: set[Diagnostic] = set()
    try:
        for round_ in rounds(targets):
            if round_.restarted:
                click.echo(report.watch_restarted(round_.restarted), err=True)
            if round_.back:
                click.echo(report.watch_back(round_.back), err=True)
            forget_said(shown, round_.paths)
            for deck in round_.decks:
                try:
                    _build(deck, verbose=verbose, shown=shown)
                except HighyieldError as exc:  # say so and keep watching
                    click.echo(report.failure(exc), err=True)
            if not round_.paths:
                click.echo(f"Watching {folders} for changes; Ctrl-C stops.", err=True)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped watching.", err=True)


@cli.command()
@_vault_argument
@_deck_option
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per line: key, kind, text or front/back, "
                   "context, tags, source (path:line) and, for auto cards, score.")
@click.option("--auto", "auto_only", is_flag=True,
              help="Only the auto cards (from statements nobody highlighted), each with "
                   "its score from 0 to 1.")
@_min_score_option
def cards(vault: Path | None, decks: tuple[str, ...], as_json: bool, auto_only: bool,
          min_score: float | None) -> None:
    """Preview the cards without building a deck.

    \b
    Examples:
      highyield cards notes
      highyield cards --auto               the auto cards and their scores
      highyield cards --auto --min-score 0.7
      highyield cards --json | jq -r .text
    """
    from highyield.identity.collect import collect

    for deck in _targets(vault, decks, min_score=min_score):
        collected = collect(deck)
        for card in collected.cards:
            if auto_only and not card.draft.auto:
                continue
            click.echo(report.card_json(card, deck.name) if as_json else
                       report.card_text(card) + "\n")
        if not as_json:
            click.echo(report.counts(collected.tally))


@cli.command()
@_vault_argument
@_deck_option
def check(vault: Path | None, decks: tuple[str, ...]) -> None:
    """List every problem in the notes as path:line: severity: message.

    Exits with status 1 when there is an error, so it can guard a script or a
    git hook.

    \b
    Examples:
      highyield check
      highyield check notes
    """
    from highyield.identity.collect import collect

    errors = 0
    for deck in _targets(vault, decks):
        collected = collect(deck)
        if collected.diagnostics:
            click.echo(report.diagnostics(collected.diagnostics))
        click.echo(report.checked(collected))
        errors += collected.errors
    if errors:
        sys.exit(1)


@cli.command()
@_vault_argument
@_deck_option
@click.option("--tag", metavar="TAG", help="Only cards with this tag, a tag under it "
              "(TAG::…) or the same tag under a parent (…::TAG): --tag Neurology finds "
              "USMLE::Neurology.")
@click.option("--new", "new_cards", type=click.IntRange(0, 9999), metavar="N",
              help="Show up to N new cards this session, instead of the deck's daily "
                   "new_per_day limit. --new 0 reviews only.")
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help="End the session after N answers.")
@click.option("--unsuspend", "unsuspending", is_flag=True,
              help="First bring back every suspended card (with @ or !, or as a leech) "
                   "of these decks and --tag, then study.")
@_state_option
def quiz(vault: Path | None, decks: tuple[str, ...], tag: str | None,
         new_cards: int | None, limit: int | None, unsuspending: bool,
         state: str | None) -> None:
    """Study the cards in the terminal, scheduled by FSRS; Anki is not needed.

    Cards come in Anki's order: learning cards that are due, the day's reviews, then
    new cards (20 a day unless the deck's `review:` settings say otherwise). A card
    you miss comes back in the same session. Above each card: the new + learning +
    review cards left today, the card's own kind in brackets.

    \b
    Keys (Anki's):
      Space/Enter  show the answer; on the answer, Good
      1 2 3 4      Again, Hard, Good, Easy (each shows when you would see it next)
      u, Ctrl-Z    undo the last answer, bury or suspend
      -  =         bury the card, or every card of its note, until tomorrow (s: as -)
      @  !         suspend the card, or its note, until `quiz --unsuspend`
      e            print the note and line, to fix the card
      q            quit (Ctrl-C too); every answer is already saved

    \b
    Examples:
      highyield quiz
      highyield quiz --deck USMLE --tag Neurology   (also finds USMLE::Neurology)
      highyield quiz notes --new 0 --limit 50
      highyield quiz --unsuspend
    """
    targets = _targets(vault, decks)
    with Store.open(store_path(state)) as store, using(store.path, alone=False):
        if store.created:
            click.echo(f"New review store: {display_path(store.path)}", err=True)
        _no_unfinished_sync(store)
        _read_decks(store, targets)
        check_tag(store, targets, tag)
        plan = plan_for(store, targets, LOCAL, tag, new_cards)
        if unsuspending:
            click.echo(unsuspended(unsuspend(store, plan.which)), err=True, nl=False)
        with console() as term:
            summary = Session(store, plan, term, _now, where_in(targets), limit).run()
    click.echo(summary.text(), nl=False)


def _no_unfinished_sync(store: Store) -> None:
    from highyield.review.anki.syncing import unfinished

    problem = unfinished(store)
    if problem is not None:
        raise problem


@cli.command("sync-anki")
@click.argument("collection", type=click.Path(path_type=Path), metavar="COLLECTION")
@_vault_argument
@_deck_option
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@_state_option
def sync_anki(collection: Path, vault: Path | None, decks: tuple[str, ...], dry_run: bool,
              state: str | None) -> None:
    """Merge your review history with an Anki collection, both ways (Anki closed).

    COLLECTION is the collection.anki2 of your Anki profile. VAULT, as for `quiz`:
    a folder of notes or a deck file; without it, the decks in decks/*.yaml. The
    decks are built first (as `build` does), then cards are matched by note and
    card: the decks you imported from highyield. Every answer from either side ends
    up on both, once; each card's schedule then follows from the whole history, so
    the quiz and Anki agree on what is due. A card suspended on either side is
    suspended on both (unsuspend it on both). The notes' text and highyield's tags
    come up to date in Anki (your own tags, flags and edits stay), and FSRS
    parameters fitted by `optimize` go to the deck's option preset.

    \b
    Safe with your only copy: it refuses while Anki has the collection open, backs
    it up first (into the profile's backups folder, as Anki does), writes it in one
    transaction, and a second run changes nothing. Needs the anki package:
    pip install 'highyield[anki]'. When a note has an error, the sync is done
    all the same and the exit status is 1, as for `build`.

    \b
    Examples:
      highyield sync-anki ~/.local/share/Anki2/"User 1"/collection.anki2
      highyield sync-anki collection.anki2 --deck USMLE --dry-run
    """
    from highyield.deck import notetypes
    from highyield.review.anki import synced
    from highyield.review.anki.collection import one_text_per_note
    from highyield.review.anki.failures import schema_version
    from highyield.review.anki.syncing import sync_anki as merge_histories

    targets = _targets(vault, decks)
    schema_version(collection)  # a wrong path, or Anki holding it: said before any build
    built = [_built_texts(deck, collection, build=not dry_run) for deck in targets]
    texts = one_text_per_note(texts for texts, _ in built)
    with Store.open(store_path(state)) as store, using(store.path, alone=True):
        _read_decks(store, targets, built=not dry_run)
        tally = merge_histories(store, targets, collection, LOCAL, dry_run, texts,
                                frozenset(t.model_id for t in notetypes.BY_KIND.values()))
    unkept = [] if dry_run else \
        synced.keep(zip(targets, (texts for texts, _ in built), strict=True), collection)
    if unkept:
        click.echo(report.diagnostics(unkept), err=True)
    click.echo(report.anki_synced(tally, collection))
    if any(errors for _, errors in built):
        sys.exit(1)


def _built_texts(deck: DeckConfig, collection: Path,
                 build: bool) -> tuple[dict[str, NoteText], int]:
    """Build the deck (as `build` does), and what its Anki notes now say, with what
    highyield gave them at the last sync (else as its last build left them); and the
    build's errors. Without ``build``: as the last build left them (no errors said)."""
    from highyield.deck.cache import last_packed
    from highyield.review.anki import synced

    given = synced.last_given(deck, collection) or {
        key: (p.fields, p.tags) for key, p in last_packed(deck).items()}
    errors = _errors(_build(deck)) if build else 0
    return {key: NoteText(p.fields, p.tags, *((given[key][1], given[key][0])
                                             if key in given else (p.tags, ())), p.mod)
            for key, p in last_packed(deck).items()}, errors


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _read_decks(store: Store, targets: list[DeckConfig], built: bool = False) -> None:
    """Each deck's notes into the review store, if they changed; then once more each
    deck that another deck's reading marked stale (a card they shared was retired).
    ``built``: the decks were just built, and their problems said."""
    again = list(targets)
    for _ in range(2):
        for deck in again:
            with DelayedProgress(f"Reading {deck.name}") as progress:
                _show_read(sync_deck(store, deck, _now(), progress, _waiting(deck)), built)
        again = marked_stale(store, targets)


def _show_read(read: DeckSync, said: bool = False) -> None:
    if read.collected is not None and read.collected.diagnostics and not said:
        click.echo(report.diagnostics(read.collected.diagnostics, 5), err=True)
    if read.synced is not None:
        click.echo(report.synced(read), err=True)


@cli.command()
@_deck_option
@click.option("--dry-run", is_flag=True, help="Fit and print the figures; keep nothing.")
@_state_option
def optimize(decks: tuple[str, ...], dry_run: bool, state: str | None) -> None:
    """Fit FSRS to your own reviews, one deck at a time.

    The parameters are fitted (with fsrs-rs, as Anki does) to every answer in the
    review store: those of the quiz, and those `sync-anki` brought from Anki. Printed:
    log loss and RMSE of the parameters in use, and of the fit on a time-series split
    (trained on earlier reviews, scored on later ones; lower is better). The fit is
    kept only when its log loss is lower; the quiz uses it from then on. It needs 400
    reviews on a later day than the card's answer before.

    \b
    Examples:
      highyield optimize
      highyield optimize --deck USMLE --dry-run
    """
    from highyield.review.optimize import optimize_deck

    with Store.open(store_path(state)) as store:
        names = store_decks(store, decks)
        for name in names:
            outcome = optimize_deck(store, name, LOCAL, _now(), keep=not dry_run)
            click.echo(report.optimized(name, outcome, dry_run))


@cli.command()
@_deck_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@_state_option
def stats(decks: tuple[str, ...], as_json: bool, state: str | None) -> None:
    """How your studying is going: cards by state, what is due, a 30-day forecast
    (a week a row), true retention, reviews per day and your streak.

    \b
    Examples:
      highyield stats
      highyield stats --deck USMLE --json
    """
    with Store.open(store_path(state), writable=False) as store:
        names = store_decks(store, decks)  # an unknown name is an error
        hour = store.day_starts_at(names) or ReviewSettings().day_starts_at
        figures = compute(store, names, _now(), LOCAL, hour)
    click.echo(json.dumps(figures.as_json()) if as_json else
               stats_text(figures))


def main() -> None:
    _plain_output()
    try:
        cli(prog_name="highyield")
    except Exception as exc:  # a bug: say so plainly, without a traceback
        if os.environ.get("HIGHYIELD_DEBUG"):
            raise
        if isinstance(exc, OSError) and _output_unwritable():
            click.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
            click.echo("  hint: standard output goes to a full disk or a device that takes "
                       "nothing (/dev/full): send it elsewhere; what was done is kept",
                       err=True)
            sys.exit(1)
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("  hint: this is a bug in highyield; run again with HIGHYIELD_DEBUG=1 "
                   "for the details and report them", err=True)
        sys.exit(70)


def _output_unwritable() -> bool:
    """Does standard output refuse what is written to it (sixteenth fault probe: a full
    disk under it was "a bug in highyield")? Then it is sent nowhere, so that Python's
    last flush says nothing either."""
    try:
        sys.stdout.write("\n")
        sys.stdout.flush()
        return False
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return True


def _plain_output() -> None:
    """Output that cannot be UTF-8 (Python's UTF-8 mode off, an ASCII or Latin-1 locale)
    shows "?" for a character it lacks ("→", "·"), where writing it stopped the command
    (thirteenth fault probe)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
