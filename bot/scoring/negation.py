"""Negation scope (NegEx-style): is a concept in a sentence affirmed or denied?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

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


_CUES: list[tuple[tuple[str, ...], Cue]] = [
    *((s, Cue.POST) for s in _stems(
        "not need", "not necessary", "not required", "not worth", "not useful", "not help",
        "not matter", "be skipped", "unnecessary", "overkill", "pointless", "useless",
        "waste of time", "a waste")),
    *((s, Cue.NEGATE) for s in _stems(
        "not", "no", "never", "neither", "nor", "cannot", "skip", "avoid", "no need",
        "instead of", "rather than", "forgo", "disable", "turn off", "bypass", "ignore",
        "lack", "hold off", "none", "nothing", "do away with", "get rid of")),
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


@dataclass(frozen=True, slots=True)
class CueSpan:
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
        start = max((b for b in self.boundaries if b <= position), default=0)
        end = min((b for b in self.boundaries if b > position), default=length)
        return start, end

    def negated(self, start: int, end: int, length: int) -> bool:
        """True when the concept at tokens [start, end) is denied by its clause."""
        c_start, c_end = self.clause(start, length)
        count, seen_negation, nearest_end = 0, False, -1
        for cue in self.cues:
            if cue.start < c_start or cue.end > start:
                continue
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
        if (
            (tok.stem in _TERMINATORS and not _match_at(stems, i, ("instead", "of")))
            or any(ch in gap for ch in ":;()")
            or " - " in gap
            or ("," in gap and any(s in _CLAUSE_STARTERS for s in stems[i : i + 3]))
            or (tok.stem in {"and", "or"} and i + 1 < len(tokens) and stems[i + 1] in _PRONOUNS)
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
