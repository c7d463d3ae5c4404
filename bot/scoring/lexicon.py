"""Compile concepts into a phrase index and regexes, and find them in analysed sentences."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.scoring.negation import NegationScope, scope
from bot.scoring.text import Token, normalize, split_sentences, tokenize
from bot.scoring.vocab import Vocabulary
from bot.scoring.words import FUNCTION_WORDS

MAX_GAP = 2
_NO_GAP = frozenset({"and", "or", "but", "not", "no", "never", "without"})


@dataclass(frozen=True)
class Matcher:
    """What a concept listens for: phrases (typo-tolerant) and regexes, negatable or not."""

    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    negatable: bool = True
    specific: bool = False


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
    hits: list[Hit] = field(default_factory=list)

    def token_at(self, char: int) -> int:
        """Index of the token at a character offset of pattern_text."""
        return max(0, bisect_right(self.offsets, char) - 1)


class Lexicon:
    """All concepts of a bank compiled once: phrase index, regexes and vocabulary."""

    def __init__(self, matchers: Mapping[str, Matcher]) -> None:
        self.matchers = dict(matchers)
        self._phrases: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        forms: dict[str, str] = {}
        for name in sorted(self.matchers):
            for phrase in self.matchers[name].phrases:
                tokens = tokenize(normalize(phrase))
                stems = tuple(t.stem for t in tokens)
                if stems:
                    content = sum(1 for s in stems if s not in FUNCTION_WORDS)
                    gap = MAX_GAP if content >= 2 else 0
                    self._phrases.setdefault(stems[0], []).append((stems, name, gap))
                for tok in tokens:
                    forms.setdefault(tok.raw, tok.stem)
                    forms.setdefault(tok.stem, tok.stem)
        for bucket in self._phrases.values():
            bucket.sort(key=lambda item: (-len(item[0]), item[1]))
        self._patterns = {
            name: tuple(re.compile(p) for p in m.patterns) for name, m in self.matchers.items()
        }
        self.vocabulary = Vocabulary(forms)
        self.specific = frozenset(n for n, m in self.matchers.items() if m.specific)

    def analyse(self, text: str) -> list[Sentence]:
        """Normalise, split and tokenise an answer, then find every phrase concept in it."""
        sentences = []
        for index, raw in enumerate(split_sentences(normalize(text))):
            tokens = tokenize(raw)
            if not tokens:
                continue
            canon = [self.vocabulary.canonical(t.raw, t.stem) for t in tokens]
            offsets, parts, pos = [], [], 0
            for tok in tokens:
                offsets.append(pos)
                parts.append(tok.raw)
                pos += len(tok.raw) + 1
            sentence = Sentence(
                index, raw, tokens, canon, scope(raw, tokens), " ".join(parts), offsets
            )
            sentence.hits = self._phrase_hits(sentence)
            sentences.append(sentence)
        return sentences

    def _match_phrase(
        self, canon: Sequence[str], i: int, stems: tuple[str, ...], max_gap: int
    ) -> int:
        pos = i + 1
        for want in stems[1:]:
            for gap in range(max_gap + 1):
                j = pos + gap
                if j >= len(canon):
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
        hits: list[Hit] = []
        seen: set[tuple[str, int]] = set()
        for i, stem in enumerate(sentence.canon):
            for stems, name, gap in self._phrases.get(stem, ()):
                end = (
                    self._match_phrase(sentence.canon, i, stems, gap) if len(stems) > 1 else i + 1
                )
                if end > 0 and (name, i) not in seen:
                    seen.add((name, i))
                    hits.append(self._hit(sentence, name, i, end))
        return hits

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
