"""The exchange with a student's Anki collection (``highyield sync-anki``): one review
history on both sides.

``cards`` and ``revlog`` turn Anki's card columns and review log into highyield's states
and answers and back (pure); ``merge`` decides, card by card, what each side gets (pure);
``collection`` is the only module that opens an Anki collection (through the official
``anki`` package, an optional extra); ``sync`` runs it all, safely.
"""
