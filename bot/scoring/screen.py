"""Regex screens: one alternation of a step's patterns, to skip sentences that match none."""

from __future__ import annotations

import re


def _splits_at_top(source: str) -> bool:
    """True when the regex has a "|" outside every group and character class."""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1
            if source[i : i + 1] == "^":
                i += 1
            if source[i : i + 1] == "]":
                i += 1  # "[]…]" and "[^]…]": a leading "]" is a literal
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


def compile_screen(sources: list[str]) -> re.Pattern[str] | None:
    """One alternation of many patterns, to skip sentences that match none of them.

    Patterns that start with a word boundary share one: "\\b(?:a|b|…)" tests the boundary
    once per position instead of once per pattern, which makes the screen ~2x faster.
    """
    if not sources:
        return None
    bounded, parts = [], []
    for source in sources:
        if source.startswith("\\b") and not _splits_at_top(source):
            bounded.append(source[2:])
        else:
            parts.append(f"(?:{source})")
    if bounded:
        parts.insert(0, "\\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
    try:
        return re.compile("|".join(parts))
    except re.error:  # e.g. a team pattern with inline flags: screen nothing out
        return re.compile("")
