"""The obsidian-spaced-repetition plugin's settings, from
``VAULT/.obsidian/plugins/obsidian-spaced-repetition/data.json``: the separators its
cards are written with, and the tags of the notes it reads cards from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from highyield.regular import read_text, unreadable

DATA_JSON = ".obsidian/plugins/obsidian-spaced-repetition/data.json"


@dataclass(frozen=True)
class CardSyntax:
    """How explicit cards are written. An empty separator makes no cards."""

    inline: str = "::"
    inline_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"

    @property
    def default(self) -> bool:
        return self == DEFAULT_SYNTAX


DEFAULT_SYNTAX = CardSyntax()


@dataclass(frozen=True)
class SrPlugin:
    """What highyield takes from the plugin's settings. ``problem`` says why data.json
    could not be read (the plugin's defaults are used then)."""

    syntax: CardSyntax = DEFAULT_SYNTAX
    tags: tuple[str, ...] = ("flashcards",)  # without '#'
    every_note: bool = False  # convertFoldersToDecks: every note is read
    bold: bool = False  # convertBoldTextToClozes: **bold** is a deletion in those notes
    curly: bool = False  # convertCurlyBracketsToClozes: so is {{text}}
    problem: str = ""

    def reads(self, note_tags: tuple[str, ...]) -> bool:
        """Would the plugin read cards from a note with these tags (``flashcards`` also
        covers ``flashcards/cardio``)?"""
        if self.every_note:
            return True
        wanted = {t.lower() for t in self.tags}
        for tag in note_tags:
            parts = tag.lower().split("/")
            if any("/".join(parts[:n]) in wanted for n in range(1, len(parts) + 1)):
                return True
        return False

    def settings(self) -> list[object]:
        """A stable form, for the build cache's and the quiz's fingerprints."""
        s = self.syntax
        return [s.inline, s.inline_reversed, s.multiline, s.multiline_reversed,
                list(self.tags), self.every_note, self.bold, self.curly]


def read_plugin(vault: Path) -> SrPlugin | None:
    """The plugin's settings, or None when the vault has no data.json for it."""
    path = vault / DATA_JSON
    try:
        text = read_text(path)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        return SrPlugin(problem=f"cannot read it ({unreadable(e)})")
    try:
        data = json.loads(text)
    except ValueError as e:
        return SrPlugin(problem=f"not valid JSON ({e})")
    if not isinstance(data, dict):
        return SrPlugin(problem="not a JSON object")
    settings = data.get("settings", data)  # older versions kept the settings at the top
    if not isinstance(settings, dict):
        return SrPlugin(problem="`settings` is not a JSON object")
    return _from_settings(settings)


def _from_settings(settings: dict[str, Any]) -> SrPlugin:
    problems: list[str] = []

    def text(key: str, default: str) -> str:
        value = settings.get(key, default)
        if isinstance(value, str):
            return value.strip()
        problems.append(f"`{key}` is not a string")
        return default

    syntax = CardSyntax(text("singleLineCardSeparator", "::"),
                        text("singleLineReversedCardSeparator", ":::"),
                        text("multilineCardSeparator", "?"),
                        text("multilineReversedCardSeparator", "??"))
    tags = settings.get("flashcardTags", ["#flashcards"])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append("`flashcardTags` is not a list of tags")
        tags = ["#flashcards"]
    names = tuple(dict.fromkeys(t.strip().lstrip("#") for t in tags if t.strip("# ")))
    return SrPlugin(syntax, names, settings.get("convertFoldersToDecks") is True,
                    settings.get("convertBoldTextToClozes") is True,
                    settings.get("convertCurlyBracketsToClozes") is True, "; ".join(problems))
