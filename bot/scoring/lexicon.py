"""The lexicon: one shared phrase index and vocabulary, and the analysis of answers.

An answer is normalised, split into sentences and tokenised once; each word's stem and its
typo-tolerant canonical form are remembered. Finding concepts is left to the indexes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from bot.scoring.negation import scope
from bot.scoring.phrases import Matcher, PhraseIndex, phrase_stems_of
from bot.scoring.sentence import Sentence
from bot.scoring.text import (
    ASCII_WORD_OR_BREAK,
    BREAKS,
    WORD_OR_BREAK,
    lower_same_length,
    normalize,
    split_sentences,
    tokenize,
    word_parts,
)
from bot.scoring.vocab import Vocabulary

WORD_CACHE_SIZE = 100_000


class Lexicon:
    """The shared index plus the vocabulary; builds small per-step indexes on request."""

    def __init__(self, shared: Mapping[str, Matcher], local: Mapping[str, Matcher]) -> None:
        every = {**shared, **local}
        compiled = phrase_stems_of(every)
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
        self._words: dict[str, tuple[tuple[str, str, str], ...]] = {}

    def index(self, matchers: Mapping[str, Matcher]) -> PhraseIndex:
        """A small index (one rubric step's own phrases) sharing this vocabulary's statistics."""
        return PhraseIndex(matchers, self.frequency)

    def _word(self, word: str) -> tuple[tuple[str, str, str], ...]:
        """A lower-case word's (surface, stem, canonical) parts, remembered."""
        parts = self._words.get(word)
        if parts is None:
            canonical = self.vocabulary.canonical
            parts = tuple((p, s, canonical(p, s)) for p, s in word_parts(word))
            if len(self._words) >= WORD_CACHE_SIZE:
                self._words.clear()
            self._words[word] = parts
        return parts

    def analyse(self, text: str) -> list[Sentence]:
        """Normalise, split and tokenise an answer; hits are left to the caller's indexes."""
        sentences: list[Sentence] = []
        known = self._words.get
        for raw in split_sentences(normalize(text)):
            finder = ASCII_WORD_OR_BREAK if raw.isascii() else WORD_OR_BREAK
            words = finder.findall(lower_same_length(raw))
            parts: list[tuple[str, str, str]]
            if BREAKS.isdisjoint(words):  # one segment: no per-word bookkeeping needed
                parts = [part for word in words for part in known(word) or self._word(word)]
                segments = [0] * len(parts)
            else:
                parts, segments, segment = [], [], 0
                for word in words:
                    if word in BREAKS:
                        segment += 1
                        continue
                    found = known(word) or self._word(word)
                    parts.extend(found)
                    segments.extend([segment] * len(found))
            if not parts:
                continue
            raws, stems, canon = (list(column) for column in zip(*parts, strict=True))
            starts: dict[str, list[int]] = {}
            for i, stem in enumerate(canon):
                starts.setdefault(stem, []).append(i)
            sentences.append(
                Sentence(
                    len(sentences),  # position among kept sentences; hits refer to it
                    raw,
                    raws,
                    stems,
                    canon,
                    segments,
                    scope(raw, raws, stems),
                    " ".join(raws),
                    frozenset(canon),
                    starts,
                )
            )
        return sentences
