"""The vault on disk: which files are read (one rule), reading notes safely, images
inside the vault only, fingerprints of what changed, and the one atomic write."""
