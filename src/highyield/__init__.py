"""highyield: turn an Obsidian vault of study notes into Anki decks."""

__version__ = "0.1.5"

__all__ = ["__version__"]
