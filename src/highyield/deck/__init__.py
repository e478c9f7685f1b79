"""The deck: card drafts rendered into Anki fields, the build cache, the build itself,
and the export to .apkg (the only place that imports genanki or writes a package)."""
