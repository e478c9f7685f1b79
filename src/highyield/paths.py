"""Where highyield keeps its files outside the vault."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

STORE_FILE = "reviews.sqlite3"


def store_path(state: str | None = None) -> Path:
    """The review store: ``--state`` if given (a file, or a folder to keep it in), else
    ``$HIGHYIELD_HOME``, else the platform's data folder (~/.local/share/highyield)."""
    if state is not None:
        path = Path(state).expanduser()
        folder = path.is_dir() or state.endswith(("/", os.sep))
        return path / STORE_FILE if folder else path
    home = os.environ.get("HIGHYIELD_HOME")
    if home:
        return Path(home).expanduser() / STORE_FILE
    import platformdirs

    return Path(platformdirs.user_data_dir("highyield", appauthor=False)) / STORE_FILE


def cache_folder() -> Path:
    """What highyield keeps to go faster (and a copy of each vault's identity ledger):
    ``$HIGHYIELD_HOME/cache``, else the platform's cache folder (~/.cache/highyield)."""
    home = os.environ.get("HIGHYIELD_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("highyield", appauthor=False))


def vault_name(vault: Path) -> str:
    """A vault's name among highyield's own files (its ledger's copy, its build lock): a
    hash of its full path."""
    return hashlib.sha256(str(vault.resolve()).encode()).hexdigest()[:20]
