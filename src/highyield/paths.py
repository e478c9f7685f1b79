"""Where highyield keeps its files outside the vault."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from highyield.errors import HighyieldError, display_path

STORE_FILE = "reviews.sqlite3"


def store_path(state: str | None = None) -> Path:
    """The review store: ``--state`` if given (a file, or a folder to keep it in), else
    ``$HIGHYIELD_HOME``, else the platform's data folder (~/.local/share/highyield)."""
    if state is not None:
        path = Path(state).expanduser()
        folder = os.path.isdir(path) or state.endswith(("/", os.sep))
        return path / STORE_FILE if folder else path
    home = os.environ.get("HIGHYIELD_HOME")
    if home:
        return _home_folder(Path(home).expanduser()) / STORE_FILE
    import platformdirs

    return Path(platformdirs.user_data_dir("highyield", appauthor=False)) / STORE_FILE


def _home_folder(home: Path) -> Path:
    """``$HIGHYIELD_HOME``, refused when it is a file: the store cannot be kept in it."""
    if os.path.exists(home) and not os.path.isdir(home):
        shown = display_path(home)
        raise HighyieldError(f"HIGHYIELD_HOME is {shown}, a file, not a folder",
                             hint="point HIGHYIELD_HOME at a folder (highyield makes it if it "
                                  f"is missing), or move {shown} aside")
    return home


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
