"""Negation scope (NegEx-style): is a concept in a sentence affirmed or denied?"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from bot.scoring.text import Token, stem

PRE_WINDOW = 5
POST_WINDOW = 4


class Cue(Enum):
    """How a cue word acts on what follows or precedes it."""

    NEGATE = "negate"  # not, no, never, skip, avoid, instead of …
    WITHOUT = "without"  # negates alone; a second negation before it cancels
    FLIP = "flip"  # until, unless, before: only counts after a negation ("not … until X")
    POST = "post"  # "is overkill", "not needed" after the concept


def _stems(*phrases: str) -> list[tuple[str, ...]]:
    return [tuple(stem(w) for w in p.split()) for p in phrases]


_USELESS = (
    "unnecessary",
    "overkill",
    "pointless",
    "useless",
    "redundant",
    "a waste",
    "not needed",
    "not necessary",
    "not required",
    "not worth it",
    "not useful",
    "not a good idea",
    "a bad idea",
    "too often",
    "too frequent",
    "too much",
)
_COPULAS = ("is", "are", "be", "seems", "feels", "sounds", "looks", "was")
_CUES: list[tuple[tuple[str, ...], Cue]] = [
    *((s, Cue.POST) for s in _stems(
        "not need", "not necessary", "not required", "not worth", "not useful", "not help",
        "not matter", "be skipped", "can be skipped", "can be dropped",
        *(f"{c} {u}" for c in _COPULAS for u in _USELESS))),
    *((s, Cue.NEGATE) for s in _stems(
        "not", "no", "never", "neither", "nor", "cannot", "skip", "avoid", "no need",
        "instead of", "rather than", "forgo", "disable", "turn off", "bypass", "ignore",
        "lack", "hold off", "none", "nothing", "do away with", "get rid of",
        "unnecessary", "pointless", "useless", "redundant")),
    *((s, Cue.WITHOUT) for s in _stems("without")),
    *((s, Cue.FLIP) for s in _stems("until", "unless", "before", "till")),
]  # fmt: skip
_PSEUDO = _stems(
    "not only",
    "not just",
    "not simply",
    "not merely",
    "no doubt",
    "not sure",
    "whether or not",
    "if not",
    "no matter",
    "no later than",
    "no more than",
    "no less than",
    "not more than",
    "not less than",
    "not to mention",
    "no go",
    "nothing but",
    "not until",
)
_CUE_INDEX: dict[str, list[tuple[tuple[str, ...], Cue]]] = {}
for _phrase, _kind in _CUES:
    _CUE_INDEX.setdefault(_phrase[0], []).append((_phrase, _kind))
_PSEUDO_INDEX: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _PSEUDO:
    _PSEUDO_INDEX.setdefault(_phrase[0], []).append(_phrase)
for _bucket in _CUE_INDEX.values():
    _bucket.sort(key=lambda item: -len(item[0]))
_TERMINATORS = frozenset(
    stem(w)
    for w in [
        "but",
        "however",
        "although",
        "though",
        "whereas",
        "except",
        "because",
        "otherwise",
        "meanwhile",
        "then",
        "instead",
    ]
)
_CLAUSE_STARTERS = frozenset(
    stem(w)
    for w in [
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "should",
        "can",
        "could",
        "we",
        "i",
        "they",
        "you",
        "it",
        "let",
        "do",
        "does",
        "must",
    ]
)
_PRONOUNS = frozenset({"we", "i", "they", "you", "it"})
# "… and keep the team informed": after "and"/"or", anything but a noun phrase's determiner
# starts a new clause ("no canary and a rollback plan" keeps the negation going).
_DETERMINERS = frozenset("a an the any no some its their our his her my your this that".split())
# ", following the runbook" / ", if …": a participle or conjunction after a comma starts one.
_CLAUSE_CONJUNCTIONS = frozenset(
    stem(w) for w in "if when so which while since once whereas where who".split()
)
_CLAUSE_PUNCTUATION = re.compile(r"[:;()]")
# "don't release if the day had under 70%": a condition is its own clause, comma or not.
_CONDITIONS = frozenset(stem(w) for w in "if when whenever once".split())


class CueSpan(NamedTuple):
    """A cue found in a sentence, by token positions."""

    start: int
    end: int
    kind: Cue


@dataclass(frozen=True)
class NegationScope:
    """Clause boundaries and negation cues of one sentence, computed once."""

    boundaries: tuple[int, ...]
    cues: tuple[CueSpan, ...]

    def clause(self, position: int, length: int) -> tuple[int, int]:
        """Token range [start, end) of the clause that holds this position."""
        i = bisect_right(self.boundaries, position)
        start = self.boundaries[i - 1] if i else 0
        end = self.boundaries[i] if i < len(self.boundaries) else length
        return start, end

    def negated(self, start: int, end: int, length: int) -> bool:
        """True when the concept at tokens [start, end) is denied by its clause."""
        c_start, c_end = self.clause(start, length)
        if not self.cues:
            return False
        count, seen_negation, nearest_end = 0, False, -1
        for cue in self.cues:
            if cue.start < c_start or cue.end > start or cue.kind is Cue.POST:
                continue  # a POST cue ("is overkill") only denies what came before it
            if cue.kind is Cue.FLIP and not seen_negation:
                continue
            seen_negation = True
            count += 1
            nearest_end = cue.end
        if count and start - nearest_end > PRE_WINDOW:
            count = 0
        if any(
            cue.kind is Cue.POST and end <= cue.start < min(c_end, end + POST_WINDOW)
            for cue in self.cues
        ):
            count += 1
        return count % 2 == 1


def _match_at(stems: Sequence[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(stems[i : i + len(phrase)]) == phrase


def _boundaries(sentence: str, tokens: Sequence[Token]) -> tuple[int, ...]:
    stems = [t.stem for t in tokens]
    found = []
    for i, tok in enumerate(tokens):
        if i == 0:
            continue
        gap = sentence[tokens[i - 1].end : tok.start]
        punctuated = gap != " " and bool(gap)
        if (
            (tok.stem in _TERMINATORS and not _match_at(stems, i, ("instead", "of")))
            or (punctuated and (_CLAUSE_PUNCTUATION.search(gap) is not None or " - " in gap))
            or (punctuated and "," in gap and not _CLAUSE_STARTERS.isdisjoint(stems[i : i + 3]))
            or (
                punctuated
                and "," in gap
                and (tok.raw.endswith("ing") or tok.stem in _CLAUSE_CONJUNCTIONS)
            )
            or (
                tok.stem in {"and", "or"}
                and i + 1 < len(tokens)
                and (
                    tokens[i + 1].raw not in _DETERMINERS
                    or (i + 2 < len(tokens) and tokens[i + 2].raw in _PRONOUNS)  # "and that we"
                )
            )
            or tok.stem in _CONDITIONS
        ):
            found.append(i)
    return tuple(found)


def scope(sentence: str, tokens: Sequence[Token]) -> NegationScope:
    """Find the clause boundaries and negation cues of a tokenised sentence."""
    stems = [t.stem for t in tokens]
    blocked: set[int] = set()
    for i, s in enumerate(stems):
        for phrase in _PSEUDO_INDEX.get(s, ()):
            if _match_at(stems, i, phrase):
                blocked.update(range(i, i + len(phrase)))
    cues: list[CueSpan] = []
    i = 0
    while i < len(stems):
        for phrase, kind in _CUE_INDEX.get(stems[i], ()):
            if _match_at(stems, i, phrase) and not blocked.intersection(range(i, i + len(phrase))):
                cues.append(CueSpan(i, i + len(phrase), kind))
                i += len(phrase) - 1
                break
        i += 1
    return NegationScope(_boundaries(sentence, tokens), tuple(cues))
