"""Studying without Anki: the review store (the only SQL on highyield's own data), the
pure FSRS scheduler, what is due next, the quiz session and its text, and stats."""
