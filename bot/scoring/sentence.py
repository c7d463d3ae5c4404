"""An analysed sentence of an answer, and the concept hits found in it."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.scoring.negation import NegationScope

new_hit = tuple.__new__  # builds a Hit without NamedTuple's Python-level __new__


class Hit(NamedTuple):
    """A concept found in a sentence, by token span."""

    concept: str
    sentence: int
    start: int
    end: int
    negated: bool


@dataclass(slots=True)
class Sentence:
    """One analysed sentence of an answer: its words (surface, stem, canonical) and hits."""

    index: int
    text: str
    raws: list[str]
    stems: list[str]
    canon: list[str]
    segments: list[int]
    scope: NegationScope
    pattern_text: str
    present: frozenset[str]
    starts: dict[str, list[int]]
    hits: list[Hit] = field(default_factory=list)
    _offsets: list[int] | None = None

    def token_at(self, char: int) -> int:
        """Index of the token at a character offset of pattern_text."""
        if self._offsets is None:
            offsets, pos = [], 0
            for raw in self.raws:
                offsets.append(pos)
                pos += len(raw) + 1
            self._offsets = offsets
        return max(0, bisect_right(self._offsets, char) - 1)
