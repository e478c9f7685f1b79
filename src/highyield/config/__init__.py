"""Deck definitions as frozen values, and the settings in them that shape the cards.
Reading them from YAML is ``deckfile``'s job (its ``review:`` section, ``review``'s);
choosing which decks a command works on is ``targets``'."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from highyield import __version__
from highyield.config.colors import matches
from highyield.config.deckname import anki_name
from highyield.config.inline import Dataview, InlineCards, plugin_listed
from highyield.config.output import absolute
from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax, SrPlugin, read_plugin
from highyield.regular import read_text
from highyield.vault.globs import Selection

SYNTAXES = ("equals", "mark", "span")
DEFAULT_EXCLUDE = ("Templates/**",)
CLIPPINGS = ("Clippings/**",)  # where Obsidian Web Clipper saves pages
DEFAULT_MIN_SCORE = 0.6  # bench/autocloze.py: precision about 0.85 on the gold sets


@dataclass(frozen=True)
class HighlightRules:
    syntaxes: frozenset[str] = frozenset(SYNTAXES)
    colors: frozenset[str] = frozenset()  # wanted colours; empty means every colour counts

    def counts(self, syntax: str, color: str) -> bool:
        if syntax not in self.syntaxes:
            return False
        return not self.colors or not color or matches(color, self.colors)


@dataclass(frozen=True)
class AutoCloze:
    """Which notes get cards for statements nobody highlighted, and how sure highyield
    must be of a card to make it."""

    notes: Selection = field(default_factory=lambda: Selection(CLIPPINGS))
    min_score: float = DEFAULT_MIN_SCORE
    enabled: bool = True

    def applies(self, rel: str) -> bool:
        return self.enabled and self.notes.matches(rel)


AUTO_OFF = AutoCloze(enabled=False)


@dataclass(frozen=True)
class ReviewSettings:
    """How the quiz schedules a deck's cards. The defaults are Anki's."""

    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    desired_retention: float = 0.9
    maximum_interval: int = 36500  # days
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4  # the hour, local time, at which the next study day begins
    leech_lapses: int = 8  # a card forgotten this often is a leech
    leech_suspend: bool = False  # suspend leeches instead of only tagging them
    weights: tuple[float, ...] | None = None  # FSRS parameters fitted here (None: FSRS-6's)


@dataclass(frozen=True)
class DeckConfig:
    name: str  # the Anki deck name; "::" separates subdecks
    vault: Path  # the notes folder, absolute
    output: Path  # the .apkg, absolute
    selection: Selection = field(default_factory=Selection)
    tags: tuple[str, ...] = ()
    highlights: HighlightRules = field(default_factory=HighlightRules)
    inline_cards: InlineCards = InlineCards.AUTO  # which Front::Back lines make cards
    dataview: Dataview = field(default_factory=Dataview)  # fields never cards (auto)
    obsidian_vault: str = ""  # vault name for obsidian:// links
    auto: AutoCloze = field(default_factory=AutoCloze)
    source: Path | None = None  # the YAML file, when there is one
    review: ReviewSettings = field(default_factory=ReviewSettings)
    srplugin: SrPlugin | None = None  # the obsidian-spaced-repetition plugin's settings
    output_line: int | None = None  # the deck file's `output:` line, when it names one
    include_line: int | None = None  # the deck file's `include:` line, when it has one
    name_line: int | None = None  # the deck file's `deck:` line

    @property
    def syntax(self) -> CardSyntax:
        """How explicit cards are written: the plugin's separators, or the defaults."""
        return self.srplugin.syntax if self.srplugin is not None else DEFAULT_SYNTAX

    def with_min_score(self, score: float | None) -> DeckConfig:
        """The deck with auto-cloze's threshold set from the command line."""
        return self if score is None else replace(self, auto=replace(self.auto,
                                                                     min_score=score))


def folder_deck(vault: Path, output: Path | None) -> DeckConfig:
    """A deck built straight from a folder: named after it, written to the current
    folder, leaving out the vault's templates."""
    vault = vault.resolve()
    name = anki_name(vault.name) if vault.name else "Notes"
    out = output if output is not None else Path.cwd() / f"{file_name(name)}.apkg"
    exclude = tuple(dict.fromkeys(DEFAULT_EXCLUDE + templates_folders(vault)))
    return DeckConfig(name=name, vault=vault, output=absolute(out),
                      selection=Selection(exclude=exclude), obsidian_vault=vault.name,
                      dataview=Dataview(plugin=plugin_listed(vault)),
                      srplugin=read_plugin(vault))


def templates_folders(vault: Path) -> tuple[str, ...]:
    """The template folders Obsidian's Templates plugin and Templater are set to use."""
    settings = [(".obsidian/templates.json", "folder"),
                (".obsidian/plugins/templater-obsidian/data.json", "templates_folder")]
    found: list[str] = []
    for rel, key in settings:
        try:
            folder = json.loads(read_text(vault / rel)).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(folder, str) and folder.strip("/ "):
            found.append(folder.strip("/ ") + "/**")
    return tuple(found)


def file_name(deck_name: str) -> str:
    """A file name for a deck: "USMLE::Neuro" becomes "USMLE-Neuro"."""
    name = re.sub(r"\s*::\s*", "-", deck_name)
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name).strip(" .") or "deck"


def card_settings(deck: DeckConfig) -> str:
    """The deck settings that change which cards the notes give, in a stable form: never
    a set's repr (its order changes from one run to the next), never the output path."""
    auto = deck.auto
    return json.dumps([
        __version__, str(deck.vault), deck.selection.include, deck.selection.exclude,
        deck.tags, sorted(deck.highlights.syntaxes), sorted(deck.highlights.colors),
        deck.inline_cards.value, deck.dataview.plugin, sorted(deck.dataview.keys),
        auto.enabled, auto.notes.include, auto.notes.exclude,
        auto.min_score, deck.review.day_starts_at,  # the hour is kept with the cards
        *([deck.srplugin.settings()] if deck.srplugin is not None else [])])


def settings_of(deck: DeckConfig) -> str:
    """The settings a build's cards depend on: those that shape the cards, and the vault
    name the Source links open."""
    return card_settings(deck) + "\x1f" + deck.obsidian_vault
