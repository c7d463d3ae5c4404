"""Negation scope (NegEx-style): is a concept in a sentence affirmed or denied?"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from bot.scoring.text import stem, token_spans

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
# Cues and pseudo-negations of two or more words are filed under their first two stems;
# one-word cues under their stem. Longer phrases are tried first.
_CUE_PAIRS: dict[tuple[str, str], list[tuple[tuple[str, ...], Cue]]] = {}
_CUE_WORDS: dict[str, Cue] = {}
for _phrase, _kind in _CUES:
    if len(_phrase) == 1:
        _CUE_WORDS.setdefault(_phrase[0], _kind)
    else:
        _CUE_PAIRS.setdefault((_phrase[0], _phrase[1]), []).append((_phrase, _kind))
for _bucket in _CUE_PAIRS.values():
    _bucket.sort(key=lambda item: -len(item[0]))
_PSEUDO_PAIRS: dict[tuple[str, str], list[tuple[str, ...]]] = {}
for _phrase in _PSEUDO:
    _PSEUDO_PAIRS.setdefault((_phrase[0], _phrase[1]), []).append(_phrase)
_CUE_FIRST = frozenset(_CUE_WORDS) | frozenset(a for a, _ in _CUE_PAIRS)
_ANY_FIRST = _CUE_FIRST | frozenset(a for a, _ in _PSEUDO_PAIRS)
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
        if not self.cues:
            return False
        c_start, c_end = self.clause(start, length)
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


def _boundaries(
    sentence: str, raws: Sequence[str], stems: Sequence[str], spans: Sequence[tuple[int, int]]
) -> tuple[int, ...]:
    found = []
    for i in range(1, len(stems)):
        stem_i, raw_i = stems[i], raws[i]
        gap = sentence[spans[i - 1][1] : spans[i][0]]
        punctuated = gap != " " and bool(gap)
        if (
            (stem_i in _TERMINATORS and not _match_at(stems, i, ("instead", "of")))
            or (punctuated and (_CLAUSE_PUNCTUATION.search(gap) is not None or " - " in gap))
            or (punctuated and "," in gap and not _CLAUSE_STARTERS.isdisjoint(stems[i : i + 3]))
            or (
                punctuated
                and "," in gap
                and (raw_i.endswith("ing") or stem_i in _CLAUSE_CONJUNCTIONS)
            )
            or (
                stem_i in {"and", "or"}
                and i + 1 < len(stems)
                and (
                    raws[i + 1] not in _DETERMINERS
                    or (i + 2 < len(stems) and raws[i + 2] in _PRONOUNS)  # "and that we"
                )
            )
            or stem_i in _CONDITIONS
        ):
            found.append(i)
    return tuple(found)


NO_NEGATION = NegationScope((), ())


def _cue_at(stems: Sequence[str], i: int, blocked: set[int]) -> CueSpan | None:
    """The longest cue starting at token i that no pseudo-negation covers."""
    if i + 1 < len(stems):
        for phrase, kind in _CUE_PAIRS.get((stems[i], stems[i + 1]), ()):
            size = len(phrase)
            if _match_at(stems, i, phrase) and blocked.isdisjoint(range(i, i + size)):
                return CueSpan(i, i + size, kind)
    word = _CUE_WORDS.get(stems[i])
    if word is not None and i not in blocked:
        return CueSpan(i, i + 1, word)
    return None


def scope(sentence: str, raws: Sequence[str], stems: Sequence[str]) -> NegationScope:
    """Find the negation cues of a sentence (its tokens' surface forms and stems) and clauses."""
    if _CUE_FIRST.isdisjoint(stems):
        return NO_NEGATION  # most sentences: no cue word at all, so no clause split needed
    positions = [i for i, s in enumerate(stems) if s in _ANY_FIRST]
    blocked: set[int] = set()
    for i in positions:
        if i + 1 < len(stems):
            for phrase in _PSEUDO_PAIRS.get((stems[i], stems[i + 1]), ()):
                if _match_at(stems, i, phrase):
                    blocked.update(range(i, i + len(phrase)))
    cues: list[CueSpan] = []
    after = 0  # a cue's own words are not looked at again ("no need" is one cue)
    for i in positions:
        if i >= after:
            cue = _cue_at(stems, i, blocked)
            if cue is not None:
                cues.append(cue)
                after = cue.end
    if all(cue.kind is Cue.FLIP for cue in cues):
        return NO_NEGATION  # "until", "before" only act after a negation, and there is none
    spans = token_spans(sentence)
    return NegationScope(_boundaries(sentence, raws, stems, spans), tuple(cues))
