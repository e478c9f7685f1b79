"""The ``review:`` section of a deck definition: how the quiz schedules the deck."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from datetime import timedelta
from typing import Any

from highyield.config import ReviewSettings

Problem = Callable[[str, str, str], None]  # (key, message, hint)

REVIEW_KEYS = ("learning_steps", "relearning_steps", "desired_retention", "maximum_interval",
               "new_per_day", "reviews_per_day", "day_starts_at", "leech_lapses",
               "leech_action")
STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# (smallest, largest) for the whole-number settings
MAX_STEP = timedelta(days=36500)  # as long as the longest interval
NUMBERS = {"maximum_interval": (1, 36500), "new_per_day": (0, 9999),
           "reviews_per_day": (0, 99999), "day_starts_at": (0, 23), "leech_lapses": (1, 99)}
HINTS = {
    "review": "a mapping such as `new_per_day: 20` and `learning_steps: [1m, 10m]`",
    "learning_steps": "a list of times such as `[1m, 10m]` (s, m, h or d)",
    "relearning_steps": "a list of times such as `[10m]` (s, m, h or d)",
    "desired_retention": "a number between 0.7 and 0.99, e.g. `desired_retention: 0.9`",
    "maximum_interval": "a whole number of days, e.g. `maximum_interval: 36500`",
    "new_per_day": "a whole number, e.g. `new_per_day: 20`",
    "reviews_per_day": "a whole number, e.g. `reviews_per_day: 200`",
    "day_starts_at": "the hour (0-23, local time) a new study day begins, e.g. `4`",
    "leech_lapses": "how many lapses make a leech, e.g. `leech_lapses: 8`",
    "leech_action": "`tag` (warn and tag) or `suspend` (also stop showing it)",
}


def read_review(value: Any, problem: Problem) -> ReviewSettings:
    """The settings, with every mistake passed to ``problem`` and the default kept."""
    if value is None:
        return ReviewSettings()
    if not isinstance(value, dict):
        problem("review", "`review` must be a mapping", HINTS["review"])
        return ReviewSettings()
    defaults = ReviewSettings()
    settings: dict[str, Any] = {f.name: getattr(defaults, f.name) for f in fields(defaults)}
    for key, raw in value.items():
        name = f"review.{key}"
        if key not in REVIEW_KEYS:
            continue  # the caller reports unknown keys
        if key.endswith("_steps"):
            steps, bad = _steps(raw)
            if steps is None:
                problem(name, f"`{name}` must be a list of times{bad}", HINTS[key])
            else:
                settings[key] = steps
        elif key == "desired_retention":
            if _number(raw) is None or not 0.7 <= raw <= 0.99:
                problem(name, f"`{name}` must be a number from 0.7 to 0.99", HINTS[key])
            else:
                settings[key] = float(raw)
        elif key == "leech_action":
            if raw not in ("tag", "suspend"):
                problem(name, f"`{name}` must be `tag` or `suspend`", HINTS[key])
            settings["leech_suspend"] = raw == "suspend"
        else:
            low, high = NUMBERS[key]
            if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
                problem(name, f"`{name}` must be a whole number from {low} to {high}",
                        HINTS[key])
            else:
                settings[key] = raw
    return ReviewSettings(**settings)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    return float(raw)


def _steps(raw: Any) -> tuple[tuple[timedelta, ...] | None, str]:
    """The steps, or None and what is wrong with them."""
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list):
        return None, ""
    steps: list[timedelta] = []
    for item in raw:
        match = STEP.match(str(item))
        if match is None:
            return None, f"; `{item}` is not one"
        seconds = float(match[1]) * UNITS[match[2]]
        if seconds <= 0:
            return None, f"; `{item}` is not longer than nothing"
        if seconds > MAX_STEP.total_seconds():
            return None, f"; `{item}` is longer than {MAX_STEP.days} days"
        steps.append(timedelta(seconds=seconds))
    return tuple(steps), ""
