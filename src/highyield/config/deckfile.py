"""Reading a deck definition (``decks/*.yaml``). Every mistake in the file is reported at
once, each with ``path:line``, a message and a hint."""

from __future__ import annotations

import difflib
import re
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from highyield.config import (
    AUTO_OFF,
    CLIPPINGS,
    DEFAULT_MIN_SCORE,
    SYNTAXES,
    AutoCloze,
    DeckConfig,
    HighlightRules,
    ReviewSettings,
    deckname,
    file_name,
)
from highyield.config.colors import FAMILY_NAMES, family_name, parse_color, wanted_key
from highyield.config.inline import Dataview, InlineCards, plugin_listed
from highyield.config.output import absolute, is_apkg
from highyield.config.review import REVIEW_KEYS, read_review
from highyield.config.srplugin import read_plugin
from highyield.config.yamlload import Refused, failure, load, repeated_keys
from highyield.errors import Diagnostic, HighyieldError, display_path, error
from highyield.regular import read_text, unreadable
from highyield.vault.globs import Selection

_BRACES = re.compile(r"\{[^{}]*,[^{}]*\}")
KEYS = ("deck", "notes", "include", "exclude", "output", "tags", "highlights",
        "inline_cards", "auto_cloze", "obsidian_vault", "review")
HIGHLIGHT_KEYS = ("syntaxes", "colors")
AUTO_KEYS = ("include", "exclude", "min_score")
EXAMPLES = {
    "deck": "add a line such as `deck: USMLE::Neurology` (:: makes subdecks)",
    "notes": "add a line such as `notes: ../notes` (relative to this file)",
    "output": "for example `output: USMLE.apkg` (relative to this file)",
    "obsidian_vault": "the vault name Obsidian shows, for obsidian:// links",
    "tags": "for example `tags: [usmle, step1]`",
    "include": 'for example `include: ["USMLE/**"]`',
    "exclude": 'for example `exclude: ["Templates/**"]`',
    "inline_cards": "auto (the default: Front::Back lines are cards, Dataview fields are not), "
                    "true (every one is a card) or false (none is)",
    "highlights": "for example `syntaxes: [equals, mark, span]`",
    "highlights.syntaxes": "for example `syntaxes: [equals, mark, span]`",
    "highlights.colors": 'for example `colors: [yellow, "rgba(240, 200, 0, 0.2)"]`',
    "auto_cloze": 'false, or a mapping such as `include: ["Clippings/**"]` and `min_score: 0.6`',
    "auto_cloze.include": 'for example `include: ["Clippings/**", "Articles/**"]`',
    "auto_cloze.exclude": 'for example `exclude: ["Clippings/Drafts/**"]`',
    "auto_cloze.min_score": "a number from 0 to 1, e.g. `min_score: 0.6`; higher makes fewer, "
                            "surer cards",
}


def load_deck_file(path: Path) -> DeckConfig:
    shown = display_path(path)
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise HighyieldError(f"{shown}: cannot read deck definition: {unreadable(exc)}",
                             hint="check that the file exists and is UTF-8 text") from None
    data, node = _load_yaml(text, shown)
    reader = _Reader(path, shown, data, _key_lines(node))
    deck = reader.deck()
    reader.problems.extend(_repeated(node, shown))
    if reader.problems:
        raise HighyieldError.many(sorted(reader.problems, key=lambda d: d.line or 0))
    return deck


def _load_yaml(text: str, shown: str) -> tuple[dict[str, Any], yaml.Node]:
    try:
        data, node = load(text)
    except Refused as exc:
        raise HighyieldError.at(error(shown, exc.line + 1 if exc.line is not None else None,
                                      f"the deck definition {exc.message}",
                                      exc.hint)) from None
    except yaml.YAMLError as exc:
        line, problem, hint = failure(exc, text, 1)
        raise HighyieldError.at(error(shown, line, f"invalid YAML: {problem}", hint)) from None
    if not isinstance(data, dict) or node is None:
        raise HighyieldError.at(error(shown, 1, "a deck definition must be a mapping of keys",
                                      "start from the example in the README"))
    return {str(k): v for k, v in data.items()}, node


def _repeated(node: yaml.Node, shown: str) -> list[Diagnostic]:
    """A key written twice: YAML would keep the second value without a word."""
    return [error(shown, line + 1, f"`{key}` is given twice (first at line {first + 1})",
                  "keep one of them: only the last would count")
            for key, first, line in repeated_keys(node)]


def _key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of every key, as "key" and "parent.key"."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[str(key.value)] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                for sub, _ in value.value:
                    lines[f"{key.value}.{sub.value}"] = sub.start_mark.line + 1
    return lines


class _Reader:
    """Reads each key, noting every problem instead of stopping at the first."""

    def __init__(self, path: Path, shown: str, data: dict[str, Any],
                 lines: dict[str, int]) -> None:
        self.path, self.shown, self.data, self.lines = path, shown, data, lines
        self.problems: list[Diagnostic] = []

    def problem(self, key: str, message: str, hint: str) -> None:
        self.problems.append(error(self.shown, self.lines.get(key, 1), message, hint))

    def deck(self) -> DeckConfig:
        self._check_keys(self.data, KEYS, "")
        name = self._deck_name()
        vault = self._vault()
        output = self._output(name)
        inline_cards = self._inline_cards()
        return DeckConfig(
            name=name,
            vault=vault,
            output=absolute(self.path.parent / output),
            selection=Selection(self._globs("include") or ("**/*.md",),
                                self._globs("exclude")),
            tags=self._strings("tags"),
            highlights=self._highlights(),
            inline_cards=inline_cards,
            dataview=Dataview(plugin=inline_cards is InlineCards.AUTO and plugin_listed(vault)),
            auto=self._auto(),
            obsidian_vault=self._string("obsidian_vault") or vault.name,
            source=self.path,
            review=self._review(),
            srplugin=read_plugin(vault),
            output_line=self.lines.get("output") if "output" in self.data else None,
            include_line=self.lines.get("include") if "include" in self.data else None,
            name_line=self.lines.get("deck"),
        )

    def _deck_name(self) -> str:
        """The deck's name, as Anki will keep it (see ``config.deckname``)."""
        name = self._string("deck", required=True)
        wrong = deckname.problem(name) if name else None
        if wrong is not None:
            self.problem("deck", f"the deck name `{name}` {wrong[0]}", wrong[1])
        return deckname.anki_name(name) if name else "deck"

    def _vault(self) -> Path:
        """The notes folder: one that exists, or a problem at the `notes` line (a name no
        file system takes, with a NUL or too long, is one as well)."""
        written = self._string("notes", required=True) or "."
        try:
            vault = (self.path.parent / written).resolve()
            found = vault.is_dir()
        except (OSError, ValueError) as exc:  # a NUL, a name too long
            why = getattr(exc, "strerror", None) or "not a path"
            self.problem("notes", f"`notes` is no folder name this computer takes ({why})",
                         "`notes` is a folder, relative to this deck file")
            return self.path.parent
        if "notes" in self.data and not found:
            what = "is a file, not a folder of notes" if vault.is_file() else "is not there"
            self.problem("notes", f"the notes folder {display_path(vault)} {what}",
                         "`notes` is a folder, relative to this deck file")
        return vault

    def _check_keys(self, data: dict[str, Any], allowed: tuple[str, ...], parent: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean `{close[0]}`?" if close else \
                    f"known keys: {', '.join(allowed)}"
                self.problem(parent + str(key), f"unknown key `{parent}{key}`", hint)

    def _string(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem("", f"missing `{key}`", EXAMPLES[key])
            return ""
        if not isinstance(value, (str, int, float)):
            self.problem(key, f"`{key}` must be text", EXAMPLES[key])
            return ""
        if not str(value).strip():
            self.problem(key, f"`{key}` is blank", EXAMPLES[key])
            return ""
        return str(value).strip()

    def _output(self, name: str) -> str:
        """The `output` as written (the default: the deck's name), which must end in
        .apkg: a build replaces the file there."""
        default = f"{file_name(name)}.apkg"
        output = self._string("output")
        if "\x00" in output:
            self.problem("output", "`output` is no file name this computer takes (it holds "
                         "a NUL character)", f"for example `output: {default}` (relative to "
                         "this file)")
            return default
        if output and not is_apkg(Path(output)):
            self.problem("output", f"`output` must end in .apkg: {output}",
                         "Anki imports .apkg files, and a build replaces the file it names; "
                         f"for example `output: {default}` (relative to this file)")
            return default
        return output or default

    def _inline_cards(self) -> InlineCards:
        value = self.data.get("inline_cards", "auto")
        if isinstance(value, bool):
            return InlineCards.ON if value else InlineCards.OFF
        if value == "auto":
            return InlineCards.AUTO
        self.problem("inline_cards", "`inline_cards` must be true, false or auto",
                     EXAMPLES["inline_cards"])
        return InlineCards.AUTO

    def _strings(self, key: str, data: dict[str, Any] | None = None,
                 where: str = "") -> tuple[str, ...]:
        value = (self.data if data is None else data).get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.problem(where + key, f"`{where}{key}` must be a list of text",
                         EXAMPLES[where + key])
            return ()
        return tuple(str(v).strip() for v in value if str(v).strip())

    def _globs(self, key: str, data: dict[str, Any] | None = None,
               where: str = "") -> tuple[str, ...]:
        """Globs over the notes folder: one that climbs out of it (``..``) or writes
        alternatives in braces (``{a,b}``) could never match, so it is an error."""
        globs = self._strings(key, data, where)
        for glob in globs:
            if ".." in PurePosixPath(glob).parts:
                self.problem(where + key, f"`{where}{key}`: `{glob}` climbs out of the notes "
                             "folder, so it matches no note", "globs are relative to the "
                             "notes folder (`notes`), e.g. `Cardio/**`")
            elif _BRACES.search(glob):
                self.problem(where + key, f"`{where}{key}`: `{glob}` has braces, which are "
                             "not alternatives here", "write one glob for each, e.g. "
                             "`[\"Cardio/**\", \"Renal/**\"]`")
        return globs

    def _highlights(self) -> HighlightRules:
        value = self.data.get("highlights")
        if value is None:
            return HighlightRules()
        if not isinstance(value, dict):
            self.problem("highlights", "`highlights` must be a mapping", EXAMPLES["highlights"])
            return HighlightRules()
        self._check_keys(value, HIGHLIGHT_KEYS, "highlights.")
        syntaxes = self._strings("syntaxes", value, "highlights.") or SYNTAXES
        for syntax in syntaxes:
            if syntax not in SYNTAXES:
                self.problem("highlights.syntaxes", f"unknown highlight syntax `{syntax}`",
                             "use any of: equals (==x==), mark (<mark>), span (Highlightr)")
        colors = self._strings("colors", value, "highlights.")
        for color in colors:
            self._check_color(color)
        return HighlightRules(frozenset(syntaxes), frozenset(wanted_key(c) for c in colors))

    def _auto(self) -> AutoCloze:
        value = self.data.get("auto_cloze")
        if value is None or value is True:
            return AutoCloze()
        if value is False:
            return AUTO_OFF
        if not isinstance(value, dict):
            self.problem("auto_cloze", "`auto_cloze` must be true, false or a mapping",
                         EXAMPLES["auto_cloze"])
            return AutoCloze()
        self._check_keys(value, AUTO_KEYS, "auto_cloze.")
        include = self._globs("include", value, "auto_cloze.")
        if "include" in value and not include:
            self.problem("auto_cloze.include", "`auto_cloze.include` is empty",
                         "list the folders to read, or write `auto_cloze: false` to turn "
                         "auto cards off")
        include = include or CLIPPINGS
        exclude = self._globs("exclude", value, "auto_cloze.")
        return AutoCloze(Selection(include, exclude), self._min_score(value))

    def _review(self) -> ReviewSettings:
        value = self.data.get("review")
        if isinstance(value, dict):
            self._check_keys(value, REVIEW_KEYS, "review.")
        return read_review(value, self.problem)

    def _min_score(self, value: dict[str, Any]) -> float:
        score = value.get("min_score", DEFAULT_MIN_SCORE)
        if isinstance(score, bool) or not isinstance(score, (int, float)) or \
                not 0 <= score <= 1:
            self.problem("auto_cloze.min_score", "`auto_cloze.min_score` must be a number "
                         "from 0 to 1", EXAMPLES["auto_cloze.min_score"])
            return DEFAULT_MIN_SCORE
        return float(score)

    def _check_color(self, color: str) -> None:
        if family_name(color) or parse_color(color):
            return
        close = difflib.get_close_matches(color.lower(), FAMILY_NAMES, n=1)
        hint = (f"did you mean `{close[0]}`?" if close else
                f'use a colour name ({", ".join(FAMILY_NAMES)}) or a value as written in '
                'the note, e.g. "rgba(240, 200, 0, 0.2)" or #fff3a3')
        self.problem("highlights.colors", f"not a colour: `{color}`", hint)
