"""Rule selectors: a rule id, a family or id prefix on dot boundaries ("punctuation"), or a category
(the word in brackets in text output, "spelling"), which also selects LanguageTool's findings of it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from cleaner.findings import Category

CATEGORIES = frozenset(category.value for category in Category)


def matches_selector(rule_id: str, selector: str) -> bool:
    """True when ``selector`` names ``rule_id`` or a dotted prefix of it."""
    return rule_id == selector or rule_id.startswith(selector.rstrip(".") + ".")


def selects(selector: str, rule_id: str, category: str | None = None) -> bool:
    """True when ``selector`` names the rule, a dotted prefix of it, or its ``category``: a user who
    reads ``[spelling]`` after a LanguageTool rule id can ignore exactly what that word names."""
    return matches_selector(rule_id, selector) or (category is not None and selector == category)


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors from option values in either form users bring from ruff: repeated
    (``--select a --select b``) or comma-separated (``--select a,b``); blanks and spaces dropped."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def close_selectors(selector: str, rule_ids: Iterable[str]) -> list[str]:
    """The known selectors nearest to a misspelt one, best first, for a "did you mean" hint: every rule
    id, each of its dotted prefixes, and the categories; only those nearly as near as the nearest, so a
    plain slip ("punctuaton") is not answered with a far rule id that happens to pass the cutoff."""
    known = set(CATEGORIES)
    for rule_id in rule_ids:
        parts = rule_id.split(".")
        known.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    close = difflib.get_close_matches(selector, sorted(known), n=3, cutoff=0.6)
    ratios = [difflib.SequenceMatcher(None, selector, candidate).ratio() for candidate in close]
    return [candidate for candidate, ratio in zip(close, ratios, strict=True) if ratio >= ratios[0] - 0.1]
