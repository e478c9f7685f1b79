"""Card identity: stable keys that survive edits, the cloze numbers they keep, the
ledger in the vault that remembers them, and the optional ``^hy-`` block ids."""
