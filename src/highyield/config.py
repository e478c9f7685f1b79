"""Deck definitions (``decks/*.yaml``) as frozen values, with paths resolved here.

A mistake in a deck definition stops the command with ``path:line``, a message and a hint.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from highyield.colors import color_key, parse_color
from highyield.errors import HighyieldError, error
from highyield.vault import Selection, display_path

SYNTAXES = ("equals", "mark", "span")
KEYS = ("deck", "notes", "include", "exclude", "output", "tags", "highlights", "obsidian_vault")
HIGHLIGHT_KEYS = ("syntaxes", "colors")


@dataclass(frozen=True)
class HighlightRules:
    syntaxes: frozenset[str] = frozenset(SYNTAXES)
    colors: frozenset[str] = frozenset()  # colour keys; empty means every colour counts

    def counts(self, syntax: str, color: str) -> bool:
        if syntax not in self.syntaxes:
            return False
        return not self.colors or not color or color_key(color) in self.colors


@dataclass(frozen=True)
class DeckConfig:
    name: str  # the Anki deck name; "::" separates subdecks
    vault: Path  # the notes folder, absolute
    output: Path  # the .apkg, absolute
    selection: Selection = field(default_factory=Selection)
    tags: tuple[str, ...] = ()
    highlights: HighlightRules = field(default_factory=HighlightRules)
    obsidian_vault: str = ""  # vault name for obsidian:// links
    source: Path | None = None  # the YAML file, when there is one



def folder_deck(vault: Path, output: Path | None) -> DeckConfig:
    """A deck built straight from a folder: named after it, written next to the cwd."""
    vault = vault.resolve()
    name = vault.name or "Notes"
    out = output if output is not None else Path.cwd() / f"{_file_name(name)}.apkg"
    return DeckConfig(name=name, vault=vault, output=out.resolve(), obsidian_vault=vault.name)


def find_deck_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith("."))


def load_deck_file(path: Path) -> DeckConfig:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HighyieldError(f"{shown}: cannot read deck definition: {exc}",
                             hint="check that the file exists and is UTF-8 text") from None
    data, lines = _load_yaml(text, shown)
    return _Reader(path, shown, data, lines).deck()


def _load_yaml(text: str, shown: str) -> tuple[dict[str, Any], dict[str, int]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise HighyieldError.at(error(shown, mark.line + 1 if mark else None,
                                      f"invalid YAML: {problem}",
                                      "check the indentation and the quoting")) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or node is None:
        raise HighyieldError.at(error(shown, 1, "a deck definition must be a mapping of keys",
                                      "start from the example in the README"))
    lines = _key_lines(node)
    return {str(k): v for k, v in data.items()}, lines


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
    def __init__(self, path: Path, shown: str, data: dict[str, Any],
                 lines: dict[str, int]) -> None:
        self.path, self.shown, self.data, self.lines = path, shown, data, lines

    def fail(self, key: str, message: str, hint: str) -> HighyieldError:
        return HighyieldError.at(error(self.shown, self.lines.get(key, 1), message, hint))

    def deck(self) -> DeckConfig:
        self._check_keys(self.data, KEYS, "")
        name = self._string("deck", required=True)
        vault = (self.path.parent / self._string("notes", required=True)).resolve()
        if not vault.is_dir():
            raise self.fail("notes", f"notes folder not found: {display_path(vault)}",
                            "`notes` is a folder, relative to this deck file")
        output = self._string("output") or f"{_file_name(name)}.apkg"
        return DeckConfig(
            name=name,
            vault=vault,
            output=(self.path.parent / output).resolve(),
            selection=Selection(self._globs("include") or ("**/*.md",), self._globs("exclude")),
            tags=self._strings("tags"),
            highlights=self._highlights(),
            obsidian_vault=self._string("obsidian_vault") or vault.name,
            source=self.path,
        )

    def _check_keys(self, data: dict[str, Any], allowed: tuple[str, ...], parent: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean `{close[0]}`?" if close else \
                    f"known keys: {', '.join(allowed)}"
                raise self.fail(parent + str(key), f"unknown key `{parent}{key}`", hint)

    def _string(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise HighyieldError.at(error(self.shown, 1, f"missing `{key}`",
                                              _EXAMPLES[key]))
            return ""
        if not isinstance(value, (str, int, float)) or not str(value).strip():
            raise self.fail(key, f"`{key}` must be text", _EXAMPLES[key])
        return str(value).strip()

    def _strings(self, key: str, data: dict[str, Any] | None = None,
                 where: str = "") -> tuple[str, ...]:
        value = (self.data if data is None else data).get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(where + key, f"`{where}{key}` must be a list of text",
                            _EXAMPLES[where + key])
        return tuple(str(v).strip() for v in value if str(v).strip())

    def _globs(self, key: str) -> tuple[str, ...]:
        return self._strings(key)

    def _highlights(self) -> HighlightRules:
        value = self.data.get("highlights")
        if value is None:
            return HighlightRules()
        if not isinstance(value, dict):
            raise self.fail("highlights", "`highlights` must be a mapping",
                            _EXAMPLES["highlights.syntaxes"])
        self._check_keys(value, HIGHLIGHT_KEYS, "highlights.")
        syntaxes = self._strings("syntaxes", value, "highlights.") or SYNTAXES
        for syntax in syntaxes:
            if syntax not in SYNTAXES:
                raise self.fail("highlights.syntaxes", f"unknown highlight syntax `{syntax}`",
                                "use any of: equals (==x==), mark (<mark>), span (Highlightr)")
        colors = self._strings("colors", value, "highlights.")
        for color in colors:
            if parse_color(color) is None and not re.fullmatch(r"[a-z]+", color.lower()):
                raise self.fail("highlights.colors", f"not a colour: `{color}`",
                                'write it as in the note, e.g. "rgba(240, 200, 0, 0.2)" or #fff3a3')
        return HighlightRules(frozenset(syntaxes), frozenset(color_key(c) for c in colors))


_EXAMPLES = {
    "deck": "add a line such as `deck: USMLE::Neurology` (:: makes subdecks)",
    "notes": "add a line such as `notes: ../notes` (relative to this file)",
    "output": "for example `output: USMLE.apkg` (relative to this file)",
    "obsidian_vault": "the vault name Obsidian shows, for obsidian:// links",
    "tags": "for example `tags: [usmle, step1]`",
    "include": 'for example `include: ["USMLE/**"]`',
    "exclude": 'for example `exclude: ["Templates/**"]`',
    "highlights.syntaxes": "for example `syntaxes: [equals, mark, span]`",
    "highlights.colors": 'for example `colors: ["rgba(240, 200, 0, 0.2)"]`',
}


def _file_name(deck_name: str) -> str:
    """A file name for a deck: "USMLE::Neuro" becomes "USMLE-Neuro"."""
    name = re.sub(r"\s*::\s*", "-", deck_name)
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name).strip(" .") or "deck"


def decks_for(vault: Path | None, names: tuple[str, ...], output: Path | None,
              cwd: Path) -> list[DeckConfig]:
    """The decks a command works on: a folder or deck file given on the command line,
    or else every ``decks/*.yaml`` (narrowed by ``--deck``)."""
    if vault is not None:
        if names:
            raise HighyieldError("--deck picks from decks/*.yaml; it cannot go with a folder",
                                 hint="pass either a folder of notes or --deck NAME")
        return [_deck_from_argument(vault, output)]
    files = find_deck_files(cwd / "decks")
    if not files:
        raise HighyieldError(
            f"no deck definitions in {display_path(cwd / 'decks')}/",
            hint="run this in your project folder (the one with decks/), "
                 "or pass a folder of notes: highyield build NOTES -o OUT.apkg")
    decks = _pick(files, names)
    if output is not None:
        if len(decks) > 1:
            raise HighyieldError(f"-o writes one deck, but {len(decks)} are defined",
                                 hint="choose one with --deck NAME")
        decks = [replace(decks[0], output=output.resolve())]
    return decks


def _deck_from_argument(vault: Path, output: Path | None) -> DeckConfig:
    if vault.is_file() and vault.suffix in (".yaml", ".yml"):
        deck = load_deck_file(vault)
        return replace(deck, output=output.resolve()) if output is not None else deck
    if vault.is_dir():
        return folder_deck(vault, output)
    what = "file" if vault.suffix else "folder"
    raise HighyieldError(f"no such {what}: {vault}",
                         hint="pass the folder of your notes (e.g. notes) or a deck file "
                              "(e.g. decks/usmle.yaml)")


def _pick(files: list[Path], names: tuple[str, ...]) -> list[DeckConfig]:
    decks = [load_deck_file(f) for f in files]
    if not names:
        return decks
    wanted = {n.casefold() for n in names}
    chosen = [d for d in decks if d.name.casefold() in wanted
              or (d.source is not None and d.source.stem.casefold() in wanted)]
    known = {d.name.casefold() for d in chosen} | {
        d.source.stem.casefold() for d in chosen if d.source is not None}
    missing = sorted(wanted - known)
    if missing:
        raise HighyieldError(f"no deck named {missing[0]!r}",
                             hint="decks defined: " + ", ".join(d.name for d in decks))
    return chosen
