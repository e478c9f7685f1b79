"""Which ``Key:: value`` lines make cards: the deck's ``inline_cards`` setting, and the
Dataview fields that are never cards under its default, ``auto``."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from pathlib import Path

from highyield.regular import read_text

PLUGINS = ".obsidian/community-plugins.json"  # the ids of the vault's community plugins
DATAVIEW = "dataview"
_MARKUP = re.compile(r"[*_=`~]+")


class InlineCards(enum.Enum):
    AUTO = "auto"  # Front::Back lines are cards unless they are Dataview fields
    ON = "true"  # every Front::Back line is a card
    OFF = "false"  # no Front::Back line is a card


@dataclass(frozen=True)
class Dataview:
    """The ``Key:: value`` lines that are Dataview fields, never cards (``inline_cards:
    auto``): every one when the vault lists the Dataview plugin, else those whose key is
    written in many notes (``keys``, normalised by ``field_key``)."""

    plugin: bool = False
    keys: frozenset[str] = frozenset()

    def is_field(self, key: str) -> bool:
        return self.plugin or field_key(key) in self.keys


def field_key(key: str) -> str:
    """A field's key as Dataview compares them: without emphasis, case or extra spaces."""
    return " ".join(_MARKUP.sub("", key).split()).lower()


def plugin_listed(vault: Path) -> bool:
    """Whether the vault's ``.obsidian/community-plugins.json`` lists Dataview."""
    try:
        ids = json.loads(read_text(vault / PLUGINS))
    except (OSError, ValueError):
        return False
    return isinstance(ids, list) and DATAVIEW in ids
