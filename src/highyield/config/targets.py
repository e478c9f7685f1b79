"""Which decks a command works on: a folder or deck file named on the command line, or
every ``decks/*.yaml`` (narrowed by ``--deck``), with ``-o`` applied. For a command that
writes decks, each output is checked (``config.output``) before any is written."""

from __future__ import annotations

import unicodedata
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from highyield.config import DeckConfig, file_name, folder_deck
from highyield.config.deckfile import load_deck_file
from highyield.config.output import Refused, absolute, refused
from highyield.errors import Diagnostic, HighyieldError, display_path, error

WRITERS = ("build", "watch")  # the commands that write decks


@dataclass(frozen=True)
class Targets:
    decks: list[DeckConfig]
    skipped: list[Diagnostic]  # problems in deck files the command did not need


def find_deck_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in (".yaml", ".yml") and p.is_file()
                  and not p.name.startswith("."))


STUDIERS = ("quiz", "sync-anki")  # commands that keep cards in the review store, by deck


def decks_for(vault: Path | None, names: tuple[str, ...], output: str | None,
              cwd: Path, command: str = "build") -> Targets:
    """``output`` is the -o text as typed: a trailing slash means a folder. ``command``
    is the one the user ran, for the hint."""
    targets = _chosen(vault, names, output, cwd, command)
    _check_outputs(targets.decks)
    if command in WRITERS:
        _check_written(targets.decks, output is not None)
    return targets


def _chosen(vault: Path | None, names: tuple[str, ...], output: str | None,
            cwd: Path, command: str) -> Targets:
    if vault is not None:
        if names:
            raise HighyieldError("--deck picks from decks/*.yaml; it cannot go with a folder",
                                 hint="pass either a folder of notes or --deck NAME")
        deck = _defined_for(vault, cwd) if command in STUDIERS else None
        return Targets([_with_output(deck or _deck_from_argument(vault), output)], [])
    files = find_deck_files(cwd / "decks")
    if not files:
        example = "sync-anki COLLECTION NOTES" if command == "sync-anki" else \
            f"{command} NOTES"
        raise HighyieldError(
            f"no deck definitions in {display_path(cwd / 'decks')}/",
            hint="run this in your project folder (the one with decks/), or pass a folder "
                 f"of notes, e.g. `highyield {example}`")
    targets = _pick(files, names)
    if output is not None:
        if len(targets.decks) > 1:
            raise HighyieldError(f"-o writes one deck, but {len(targets.decks)} are defined",
                                 hint="choose one with --deck NAME")
        targets = Targets([_with_output(targets.decks[0], output)], targets.skipped)
    return targets


def named_here(cwd: Path, name: str) -> str | None:
    """The deck a ``--deck`` name means among the deck files in decks/ here, as ``_pick``
    reads it: a deck's name, else a deck file's name. Broken files are left out."""
    decks = []
    for path in find_deck_files(cwd / "decks"):
        with suppress(HighyieldError):
            decks.append(load_deck_file(path))
    found = _named(decks, name)
    return found[0].name if found else None


def _defined_for(vault: Path, cwd: Path) -> DeckConfig | None:
    """The deck that decks/*.yaml here defines on this very folder, if one does: the quiz
    and sync-anki keep a deck's cards under its name (a folder's own deck, named after
    the folder, would take them over in the review store)."""
    if not vault.is_dir():
        return None
    found = []
    for path in find_deck_files(cwd / "decks"):
        try:
            deck = load_deck_file(path)
        except HighyieldError:
            continue
        if deck.vault == vault.resolve():
            found.append(deck)
    return found[0] if len(found) == 1 else None


def _deck_from_argument(vault: Path) -> DeckConfig:
    if vault.is_file() and vault.suffix in (".yaml", ".yml"):
        return load_deck_file(vault)
    if vault.is_dir():
        return folder_deck(vault, None)
    if vault.is_file():
        raise HighyieldError(f"{vault} is a note, not a folder of notes or a deck file",
                             hint=f"pass the folder that holds it: {vault.parent}")
    raise HighyieldError(f"no such folder: {vault}",
                         hint="pass the folder of your notes (e.g. notes) or a deck file "
                              "(e.g. decks/usmle.yaml)")


def _with_output(deck: DeckConfig, typed: str | None) -> DeckConfig:
    """``-o`` names a file, or a folder to write DECK-NAME.apkg into."""
    if typed is None:
        return deck
    output = Path(typed).expanduser()
    if output.is_dir() or typed.endswith(("/", "\\")):
        output = output / f"{file_name(deck.name)}.apkg"
    elif output.suffix.lower() != ".apkg":
        raise HighyieldError(f"the output must be an .apkg file: {output}",
                             hint=f"Anki imports .apkg files; try -o {output}.apkg")
    return replace(deck, output=absolute(output), output_line=None)


def _pick(files: list[Path], names: tuple[str, ...]) -> Targets:
    """Load the deck files. With --deck, a broken file the user did not ask for is
    reported but does not stop the others."""
    decks: list[DeckConfig] = []
    broken: dict[Path, HighyieldError] = {}
    for path in files:
        try:
            decks.append(load_deck_file(path))
        except HighyieldError as exc:
            broken[path] = exc
    _one_file_a_name(decks)
    if not names:
        if broken:
            raise _all_problems(list(broken.values()))
        return Targets(decks, [])
    wanted = {fold(n): n for n in names}
    by_name = {fold(d.name) for d in decks}
    wanted_broken = [e for p, e in broken.items() if (wanted.keys() - by_name) & {
        fold(p.name), fold(p.stem)}]
    if wanted_broken:
        raise _all_problems(wanted_broken)
    named = {key: _named(decks, typed) for key, typed in wanted.items()}
    chosen = [d for d in decks if any(d in found for found in named.values())]
    missing = [wanted[key] for key, found in named.items() if not found]
    if missing:
        if broken:
            raise _all_problems(list(broken.values()))
        raise HighyieldError(f"no deck named {missing[0]!r}",
                             hint="decks defined: " + ", ".join(
                                 d.name + (f" ({d.source.name})" if d.source else "")
                                 for d in decks))
    skipped = [d for e in broken.values() for d in _diagnostics(e)]
    return Targets(chosen, skipped)


def _named(decks: list[DeckConfig], name: str) -> list[DeckConfig]:
    """The deck ``--deck NAME`` names (in any case and Unicode form): the one of that
    name, else the one whose file has that whole name, else that name before its
    ``.yaml`` (another deck's file name never adds a second). Two files of that name
    (``x.yaml`` and ``x.yml``) are an error."""
    key = fold(name)
    by_name = [d for d in decks if fold(d.name) == key]
    whole = [d for d in decks if d.source is not None and fold(d.source.name) == key]
    by_file = by_name or whole or [
        d for d in decks if d.source is not None and fold(d.source.stem) == key]
    if len(by_file) > 1 and not by_name:
        files = " and ".join(display_path(d.source) for d in by_file if d.source)
        raise HighyieldError(f"--deck {name} names two deck files: {files}",
                             hint="give the deck's name, or a file's whole name "
                                  f"({by_file[0].source.name if by_file[0].source else ''})")
    return by_file


def fold(name: str) -> str:
    """A name as --deck compares it: any case, and é one character or two (macOS)."""
    return unicodedata.normalize("NFC", name).casefold()


def _one_file_a_name(decks: list[DeckConfig]) -> None:
    """Two deck files naming one deck would be one deck in Anki, with one build cache
    that each build takes from the other: the second is an error at its deck line."""
    seen: dict[str, DeckConfig] = {}
    for deck in decks:
        first = seen.setdefault(deck.name.casefold(), deck)
        if first is not deck and deck.source is not None and first.source is not None:
            raise HighyieldError.at(error(
                display_path(deck.source), deck.name_line, f"deck {deck.name} is also "
                f"defined in {display_path(first.source)}",
                "give each deck file its own `deck:` name (Anki would make them one deck)"))


def _diagnostics(exc: HighyieldError) -> list[Diagnostic]:
    return list(exc.diagnostics) or [error("decks", None, exc.message, exc.hint)]


def _all_problems(errors: list[HighyieldError]) -> HighyieldError:
    if len(errors) == 1:
        return errors[0]
    return HighyieldError.many([d for e in errors for d in _diagnostics(e)])


def _check_outputs(decks: list[DeckConfig]) -> None:
    seen: dict[Path, DeckConfig] = {}
    for deck in decks:
        other = seen.setdefault(deck.output, deck)
        if other is not deck:
            where = " and ".join(display_path(d.source) for d in (other, deck) if d.source)
            raise HighyieldError(
                f"two decks write {display_path(deck.output)}: {where}",
                hint="give each deck its own `output`, or build one with --deck NAME")


def _check_written(decks: list[DeckConfig], typed: bool) -> None:
    """Every deck's output may be written (``config.output``), or nothing is: a deck
    file's at its `output` line, ``-o``'s and the default's as they were given."""
    problems: list[Diagnostic] = []
    for deck in decks:
        why = refused(deck.output)
        if why is None:
            continue
        if typed or deck.source is None:
            fix = "choose another path with -o PATH.apkg" if typed else \
                "choose where to write it with -o PATH.apkg"
            raise HighyieldError(why.message, hint=fix + why.tail)
        problems.append(_in_deck_file(deck, deck.source, why))
    if problems:
        raise HighyieldError.many(problems)


def _in_deck_file(deck: DeckConfig, source: Path, why: Refused) -> Diagnostic:
    if deck.output_line is None:  # the default, from the deck's name
        return error(display_path(source), None, why.message,
                     "add an `output` line naming another .apkg (relative to this file)"
                     + why.tail)
    return error(display_path(source), deck.output_line, why.message,
                 "make `output` name another .apkg (relative to this file)" + why.tail)
