"""Compile concepts into a phrase index and regexes, and find them in analysed sentences."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.scoring.negation import NegationScope, scope
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


@dataclass(frozen=True, slots=True)
class Hit:
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

    def token_at(self, char: int) -> int:
        """Index of the token at a character offset of pattern_text."""
        return max(0, bisect_right(self.offsets, char) - 1)


class Lexicon:
    """All concepts of a bank compiled once: phrase index, regexes and vocabulary."""

    def __init__(self, matchers: Mapping[str, Matcher]) -> None:
        self.matchers = dict(matchers)
        compiled: list[tuple[tuple[str, ...], str]] = []
        forms: dict[str, str] = {}
        for name in sorted(self.matchers):
            for phrase in self.matchers[name].phrases:
                tokens = tokenize(normalize(phrase))
                if tokens:
                    compiled.append((tuple(t.stem for t in tokens), name))
                for tok in tokens:
                    forms.setdefault(tok.raw, tok.stem)
                    forms.setdefault(tok.stem, tok.stem)
        frequency = Counter(s for stems, _ in compiled for s in set(stems))
        # Each phrase is filed under its rarest word; a sentence only tries the phrases whose
        # rarest word it contains and whose words it contains all of.
        self._phrases: dict[str, list[_Phrase]] = {}
        for stems, name in compiled:
            content = sum(1 for s in stems if s not in FUNCTION_WORDS)
            anchor = min(stems, key=lambda s: (s in FUNCTION_WORDS, frequency[s], s))
            entry = _Phrase(stems, frozenset(stems), name, MAX_GAP if content >= 2 else 0)
            self._phrases.setdefault(anchor, []).append(entry)
        for bucket in self._phrases.values():
            bucket.sort(key=lambda p: (-len(p.stems), p.name, p.stems))
        self._patterns = {
            name: tuple(re.compile(p) for p in m.patterns) for name, m in self.matchers.items()
        }
        self.vocabulary = Vocabulary(forms)
        self.specific = frozenset(n for n, m in self.matchers.items() if m.specific)

    def analyse(self, text: str) -> list[Sentence]:
        """Normalise, split and tokenise an answer, then find every phrase concept in it."""
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
            sentence = Sentence(
                index, raw, tokens, canon, scope(raw, tokens), " ".join(parts), offsets, segments
            )
            sentence.hits = self._phrase_hits(sentence)
            sentences.append(sentence)
        return sentences

    def _match_phrase(
        self, sentence: Sentence, i: int, stems: tuple[str, ...], max_gap: int
    ) -> int:
        """End of the phrase starting at token i, or -1; never across punctuation."""
        canon, segments = sentence.canon, sentence.segments
        pos = i + 1
        for want in stems[1:]:
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

    def _hit(self, sentence: Sentence, name: str, start: int, end: int) -> Hit:
        negatable = self.matchers[name].negatable
        negated = negatable and sentence.scope.negated(start, end, len(sentence.tokens))
        return Hit(name, sentence.index, start, end, negated)

    def _phrase_hits(self, sentence: Sentence) -> list[Hit]:
        canon = sentence.canon
        present = frozenset(canon)
        starts: dict[str, list[int]] = {}
        for i, stem in enumerate(canon):
            starts.setdefault(stem, []).append(i)
        found: dict[tuple[str, int], int] = {}
        for stem in present:
            for phrase in self._phrases.get(stem, ()):
                if not phrase.words <= present:
                    continue
                for i in starts[phrase.stems[0]]:
                    end = (
                        self._match_phrase(sentence, i, phrase.stems, phrase.gap)
                        if len(phrase.stems) > 1
                        else i + 1
                    )
                    if end > found.get((phrase.name, i), 0):
                        found[(phrase.name, i)] = end  # longest match wins, whatever the order
        ordered = sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))
        return [self._hit(sentence, name, i, end) for (name, i), end in ordered]

    def pattern_hits(self, sentence: Sentence, names: Iterable[str]) -> list[Hit]:
        """Regex hits in one sentence for the named concepts only."""
        hits = []
        for name in names:
            for pattern in self._patterns.get(name, ()):
                match = pattern.search(sentence.pattern_text)
                if match:
                    start = sentence.token_at(match.start())
                    end = sentence.token_at(max(match.start(), match.end() - 1)) + 1
                    hits.append(self._hit(sentence, name, start, end))
                    break
        return hits
