"""Compile concepts into phrase indexes and regexes, and find them in analysed sentences.

One shared index holds the lexicon's concepts and red flags; each rubric step gets a small
index of its own criteria's phrases, so an answer is never matched against other questions'.
One vocabulary (every phrase's words) gives typo tolerance to both.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from bot.scoring.negation import Cue, NegationScope, scope
from bot.scoring.text import Token, normalize, split_sentences, tokenize
from bot.scoring.vocab import Vocabulary
from bot.scoring.words import FUNCTION_WORDS

MAX_GAP = 2
_NO_GAP = frozenset(
    {"and", "or", "but", "not", "no", "never", "without", "i", "we", "you", "they", "it"}
)
_BREAK = re.compile(r"[,;:()]")


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


class Hit(NamedTuple):
    """A concept found in a sentence, by token span."""

    concept: str
    sentence: int
    start: int
    end: int
    negated: bool


@dataclass
class Sentence:
    """One analysed sentence of an answer."""

    index: int
    text: str
    tokens: list[Token]
    canon: list[str]
    scope: NegationScope
    pattern_text: str
    offsets: list[int]
    segments: list[int] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    present: frozenset[str] = frozenset()
    starts: dict[str, list[int]] = field(default_factory=dict)

    def token_at(self, char: int) -> int:
        """Index of the token at a character offset of pattern_text."""
        return max(0, bisect_right(self.offsets, char) - 1)


def _phrase_stems(matchers: Mapping[str, Matcher]) -> list[tuple[tuple[str, ...], str]]:
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
    words = [t.raw for t in sentence.tokens[max(0, start - 2) : start + 1]]
    return any(a == "not" and b in ("just", "only", "simply") for a, b in pairwise(words))


class PhraseIndex:
    """Concepts' phrases filed under their rarest word, and their regexes."""

    def __init__(self, matchers: Mapping[str, Matcher], frequency: Counter[str]) -> None:
        self.matchers = dict(matchers)
        self._phrases: dict[str, list[_Phrase]] = {}
        for stems, name in _phrase_stems(self.matchers):
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
        self._screens: dict[frozenset[str], re.Pattern[str] | None] = {}

    def _screen(self, names: frozenset[str]) -> re.Pattern[str] | None:
        """One alternation of all these concepts' patterns, to skip sentences matching none."""
        if names not in self._screens:
            parts = [p.pattern for n in sorted(names) for p in self._patterns.get(n, ())]
            try:
                screen = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None
            except re.error:  # e.g. a team pattern with inline flags: screen nothing out
                screen = re.compile("")
            self._screens[names] = screen
        return self._screens[names]

    def _hit(self, sentence: Sentence, name: str, start: int, end: int) -> Hit:
        negatable = self.matchers[name].negatable
        negated = negatable and (
            sentence.scope.negated(start, end, len(sentence.tokens))
            or (name.startswith("flag:") and _rejects_only(sentence, start))
        )
        return Hit(name, sentence.index, start, end, negated)

    def phrase_hits(self, sentence: Sentence) -> list[Hit]:
        """Every phrase of this index found in the sentence (longest match per start)."""
        present, starts = sentence.present, sentence.starts
        found: dict[tuple[str, int], int] = {}
        for stem in present:
            for phrase in self._phrases.get(stem, ()):
                if not phrase.words <= present:
                    continue
                for i in starts[phrase.stems[0]]:
                    end = (
                        _match_phrase(sentence, i, phrase.stems, phrase.gap)
                        if len(phrase.stems) > 1
                        else i + 1
                    )
                    if end > found.get((phrase.name, i), 0):
                        found[(phrase.name, i)] = end  # longest match wins, whatever the order
        ordered = sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))
        return [self._hit(sentence, name, i, end) for (name, i), end in ordered]

    def _denied_inside(self, sentence: Sentence, name: str, start: int, end: int) -> bool:
        """A negation the pattern's own gap swallowed ("launch it, but not for all 12")."""
        words = self._pattern_words.get(name, frozenset())
        return any(
            start < cue.start
            and cue.end <= end
            and cue.kind in (Cue.NEGATE, Cue.WITHOUT)
            and sentence.tokens[cue.start].raw not in words
            for cue in sentence.scope.cues
        )

    def pattern_hits(self, sentence: Sentence, names: frozenset[str]) -> list[Hit]:
        """Regex hits in one sentence for the named concepts of this index."""
        screen = self._screen(names)
        if screen is None or screen.search(sentence.pattern_text) is None:
            return []
        hits = []
        for name in sorted(names):
            for pattern in self._patterns.get(name, ()):
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


class Lexicon:
    """The shared index plus the vocabulary; builds small per-step indexes on request."""

    def __init__(self, shared: Mapping[str, Matcher], local: Mapping[str, Matcher]) -> None:
        every = {**shared, **local}
        compiled = _phrase_stems(every)
        self.frequency = Counter(s for stems, _ in compiled for s in set(stems))
        forms: dict[str, str] = {}
        for name in sorted(every):
            for phrase in every[name].phrases:
                for tok in tokenize(normalize(phrase)):
                    forms.setdefault(tok.raw, tok.stem)
                    forms.setdefault(tok.stem, tok.stem)
        self.vocabulary = Vocabulary(forms)
        self.shared = PhraseIndex(shared, self.frequency)
        self.specific = frozenset(n for n, m in shared.items() if m.specific)

    def index(self, matchers: Mapping[str, Matcher]) -> PhraseIndex:
        """A small index (one rubric step's own phrases) sharing this vocabulary's statistics."""
        return PhraseIndex(matchers, self.frequency)

    def analyse(self, text: str) -> list[Sentence]:
        """Normalise, split and tokenise an answer, then find every shared phrase concept in it."""
        sentences: list[Sentence] = []
        for raw in split_sentences(normalize(text)):
            tokens = tokenize(raw)
            if not tokens:
                continue
            index = len(sentences)  # position among kept sentences; hits refer to it
            canon = [self.vocabulary.canonical(t.raw, t.stem) for t in tokens]
            offsets, parts, pos = [], [], 0
            for tok in tokens:
                offsets.append(pos)
                parts.append(tok.raw)
                pos += len(tok.raw) + 1
            breaks = [m.start() for m in _BREAK.finditer(raw)]
            segments = (
                [bisect_right(breaks, tok.start) for tok in tokens]
                if breaks
                else [0] * len(tokens)
            )
            starts: dict[str, list[int]] = {}
            for i, stem in enumerate(canon):
                starts.setdefault(stem, []).append(i)
            sentence = Sentence(
                index,
                raw,
                tokens,
                canon,
                scope(raw, tokens),
                " ".join(parts),
                offsets,
                segments,
                present=frozenset(canon),
                starts=starts,
            )
            sentence.hits = self.shared.phrase_hits(sentence)
            sentences.append(sentence)
        return sentences
