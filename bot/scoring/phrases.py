"""Phrase indexes: concepts' phrases filed under their rarest word, plus their regexes.

One shared index holds the lexicon's concepts and red flags; each rubric step gets a small
index of its own criteria's phrases, and the shared one cut down to what its pack can hear.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from copy import copy
from dataclasses import dataclass
from itertools import pairwise

from bot.scoring.negation import Cue
from bot.scoring.sentence import Hit, Sentence, new_hit
from bot.scoring.text import normalize, tokenize
from bot.scoring.words import FUNCTION_WORDS

MAX_GAP = 2
_NO_GAP = frozenset(
    {"and", "or", "but", "not", "no", "never", "without", "i", "we", "you", "they", "it"}
)


@dataclass(frozen=True)
class Matcher:
    """What a concept listens for: phrases (typo-tolerant) and regexes, negatable or not."""

    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    negatable: bool = True
    specific: bool = False


@dataclass(frozen=True, slots=True)
class _Phrase:
    stems: tuple[str, ...]
    words: frozenset[str]
    name: str
    gap: int


def phrase_stems_of(matchers: Mapping[str, Matcher]) -> list[tuple[tuple[str, ...], str]]:
    """Every phrase of these matchers as (stems, concept name), in a stable order."""
    compiled = []
    for name in sorted(matchers):
        for phrase in matchers[name].phrases:
            stems = tuple(t.stem for t in tokenize(normalize(phrase)))
            if stems:
                compiled.append((stems, name))
    return compiled


_OBJECT_PRONOUNS = frozenset({"it", "them"})


def _match_phrase(sentence: Sentence, i: int, stems: tuple[str, ...], max_gap: int) -> int:
    """End of the phrase starting at token i, or -1; never across punctuation."""
    canon, segments = sentence.canon, sentence.segments
    pos = i + 1
    for want in stems[1:]:
        if pos < len(canon) and canon[pos] in _OBJECT_PRONOUNS and want != canon[pos]:
            pos += 1  # "roll it back", "turn them off": an object pronoun never breaks a phrase
        for gap in range(max_gap + 1):
            j = pos + gap
            if j >= len(canon) or segments[j] != segments[i]:
                return -1
            if canon[j] == want:
                pos = j + 1
                break
            if canon[j] in _NO_GAP:
                return -1
        else:
            return -1
    return pos


def _rejects_only(sentence: Sentence, start: int) -> bool:
    """True for "not just add pods": doing X still counts, but the mistake of only-X is denied."""
    words = sentence.raws[max(0, start - 2) : start + 1]
    return any(a == "not" and b in ("just", "only", "simply") for a, b in pairwise(words))


def _single_word_anchors(phrases: Mapping[str, list[_Phrase]]) -> frozenset[str]:
    """Stems that are a whole phrase by themselves."""
    return frozenset(a for a, bucket in phrases.items() if any(len(p.stems) == 1 for p in bucket))


class PhraseIndex:
    """Concepts' phrases filed under their rarest word, and their regexes."""

    def __init__(self, matchers: Mapping[str, Matcher], frequency: Counter[str]) -> None:
        self.matchers = dict(matchers)
        self._phrases: dict[str, list[_Phrase]] = {}
        for stems, name in phrase_stems_of(self.matchers):
            content = sum(1 for s in stems if s not in FUNCTION_WORDS)
            anchor = min(stems, key=lambda s: (s in FUNCTION_WORDS, frequency[s], s))
            entry = _Phrase(stems, frozenset(stems), name, MAX_GAP if content >= 2 else 0)
            self._phrases.setdefault(anchor, []).append(entry)
        for bucket in self._phrases.values():
            bucket.sort(key=lambda p: (-len(p.stems), p.name, p.stems))
        self._patterns = {
            name: tuple(re.compile(p) for p in m.patterns)
            for name, m in self.matchers.items()
            if m.patterns
        }
        self._pattern_words = {
            name: frozenset(w for p in m.patterns for w in re.findall(r"[a-z']+", p.lower()))
            for name, m in self.matchers.items()
            if m.patterns
        }
        self._file(self._phrases)

    def _file(self, phrases: dict[str, list[_Phrase]]) -> None:
        """Keep these phrase buckets, with the anchor sets the matchers look them up by."""
        self._phrases = phrases
        self._anchors = frozenset(phrases)
        self._singles = _single_word_anchors(phrases)

    def subset(self, names: frozenset[str]) -> PhraseIndex:
        """The same index keeping only these concepts (shares the compiled phrases)."""
        kept = copy(self)
        kept.matchers = {n: m for n, m in self.matchers.items() if n in names}
        kept._file(
            {
                anchor: [p for p in bucket if p.name in names]
                for anchor, bucket in self._phrases.items()
                if any(p.name in names for p in bucket)
            }
        )
        kept._patterns = {n: p for n, p in self._patterns.items() if n in names}
        kept._pattern_words = {n: w for n, w in self._pattern_words.items() if n in names}
        return kept

    def pattern_sources(self, names: frozenset[str]) -> list[str]:
        """The regex sources of these concepts, for a screen that skips most sentences."""
        return [p.pattern for n in sorted(names) for p in self._patterns.get(n, ())]

    def _hit(self, sentence: Sentence, name: str, start: int, end: int) -> Hit:
        negatable = self.matchers[name].negatable
        negated = negatable and (
            sentence.scope.negated(start, end, len(sentence.raws))
            or (name.startswith("flag:") and _rejects_only(sentence, start))
        )
        return new_hit(Hit, (name, sentence.index, start, end, negated))

    def _each_match(self, sentence: Sentence) -> Iterator[tuple[str, int, int]]:
        """(concept, start, end) of every phrase match, in no particular order."""
        present, starts = sentence.present, sentence.starts
        for stem in present & self._anchors:
            for phrase in self._phrases[stem]:
                if not phrase.words <= present:
                    continue
                for i in starts[phrase.stems[0]]:
                    end = (
                        _match_phrase(sentence, i, phrase.stems, phrase.gap)
                        if len(phrase.stems) > 1
                        else i + 1
                    )
                    if end > 0:
                        yield phrase.name, i, end

    def phrase_hits(self, sentence: Sentence) -> list[Hit]:
        """Every phrase of this index found in the sentence (longest match per start)."""
        found: dict[tuple[str, int], int] = {}
        for name, i, end in self._each_match(sentence):
            if end > found.get((name, i), 0):
                found[(name, i)] = end  # longest match wins, whatever the order
        ordered = sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))
        return [self._hit(sentence, name, i, end) for (name, i), end in ordered]

    def mentions_any(self, sentence: Sentence) -> bool:
        """True when any concept of this index is affirmed in the sentence (phrases only)."""
        if sentence.scope.cues:
            return any(not h.negated for h in self.phrase_hits(sentence))
        if not sentence.present.isdisjoint(self._singles):
            return True  # a one-word phrase is there, and nothing can be negated
        return next(self._each_match(sentence), None) is not None  # the first match settles it

    def _denied_inside(self, sentence: Sentence, name: str, start: int, end: int) -> bool:
        """A negation the pattern's own gap swallowed ("launch it, but not for all 12")."""
        words = self._pattern_words.get(name, frozenset())
        return any(
            start < cue.start
            and cue.end <= end
            and cue.kind in (Cue.NEGATE, Cue.WITHOUT)
            and sentence.raws[cue.start] not in words
            for cue in sentence.scope.cues
        )

    def pattern_hits(self, sentence: Sentence, names: frozenset[str]) -> list[Hit]:
        """Regex hits in one sentence for the named concepts of this index."""
        hits = []
        for name in sorted(names & self._patterns.keys()):
            for pattern in self._patterns[name]:
                match = pattern.search(sentence.pattern_text)
                if match:
                    start = sentence.token_at(match.start())
                    end = sentence.token_at(max(match.start(), match.end() - 1)) + 1
                    hit = self._hit(sentence, name, start, end)
                    if self._denied_inside(sentence, name, start, end):
                        hit = hit._replace(negated=self.matchers[name].negatable)
                    hits.append(hit)
                    break
        return hits
