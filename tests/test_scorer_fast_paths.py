"""The scorer's shortcuts give the same answers as the slow, obvious way of computing them."""

from __future__ import annotations

import random
import re

import pytest

from bot.bank.loader import Bank
from bot.scoring.negation import _CUES, _PSEUDO, Cue, CueSpan, _boundaries
from bot.scoring.scorer import Scorer
from bot.scoring.screen import _splits_at_top, compile_screen
from bot.scoring.text import normalize, split_sentences, tokenize


def _all_patterns(scorer: Scorer, bank: Bank) -> list[str]:
    shared = scorer.lexicon.shared.pattern_sources(frozenset(scorer.lexicon.shared.matchers))
    local = [
        p for q in bank.questions.values() for s in q.steps for c in s.criteria for p in c.patterns
    ]
    return sorted(set(shared + local))


def _sentences(bank: Bank) -> list[str]:
    texts = [s.model_answer for q in bank.questions.values() for s in q.steps]
    texts += [s.prompt for q in bank.questions.values() for s in q.steps]
    return [s for t in texts for s in split_sentences(normalize(t))]


@pytest.mark.parametrize(
    "source,splits",
    [
        (r"\bfoo|bar", True),
        (r"\b(?:foo|bar)", False),
        (r"\bfoo[|]bar", False),
        (r"\bfoo\|bar", False),
        (r"\b[]|]x|y", True),
        (r"\b[^]|]x", False),
        (r"\b(a(b|c))d", False),
        (r"\b(a)|(b)", True),
    ],
)
def test_top_level_alternation_is_found(source: str, splits: bool) -> None:
    assert _splits_at_top(source) is splits


def test_moving_the_leading_boundary_out_never_changes_a_bank_pattern(
    scorer: Scorer, bank: Bank
) -> None:
    texts = [" ".join(t.raw for t in tokenize(s)) for s in _sentences(bank)[::2]]
    moved = 0
    for source in _all_patterns(scorer, bank):
        if not source.startswith("\\b") or _splits_at_top(source):
            continue
        original, factored = re.compile(source), re.compile(r"\b(?:" + source[2:] + ")")
        for text in texts:
            assert bool(original.search(text)) is bool(factored.search(text)), source
        moved += 1
    assert moved > 100


def test_a_factored_screen_passes_exactly_the_sentences_some_pattern_matches(
    scorer: Scorer, bank: Bank
) -> None:
    patterns = _all_patterns(scorer, bank)
    compiled = [re.compile(p) for p in patterns]
    rnd = random.Random(3)
    texts = [" ".join(t.raw for t in tokenize(s)) for s in _sentences(bank)]
    for _ in range(40):  # screens of 25 random patterns, as a step has
        chosen = rnd.sample(range(len(patterns)), 25)
        screen = compile_screen([patterns[i] for i in chosen])
        assert screen is not None
        for text in rnd.sample(texts, 150):
            expected = any(compiled[i].search(text) for i in chosen)
            assert (screen.search(text) is not None) is expected, text


def test_analysed_words_match_the_reference_tokenizer(scorer: Scorer, bank: Bank) -> None:
    rnd = random.Random(9)
    extra = [
        "Don't ship w/o a canary — p99 > 250ms, 1,200 req/s; won't we?",
        "Ünïcödé: naïve café (ŞİMDİ) ½ ² ﬁle 模型上线前需要影子测试",
        "*bold* _it_ `code` ~strike~ :rocket: <@U123> (a; b: c) e.g. 2 a.m. vs. 3 p.m.",
    ]
    for text in rnd.sample(_sentences(bank), 400) + extra:
        for sentence in scorer.lexicon.analyse(text):
            tokens = tokenize(sentence.text)
            assert sentence.raws == [t.raw for t in tokens]
            assert sentence.stems == [t.stem for t in tokens]
            breaks = [m.start() for m in re.finditer(r"[,;:()]", sentence.text)]
            assert sentence.segments == [sum(b <= t.start for b in breaks) for t in tokens]
            cues = _reference_cues(sentence.stems)
            if all(c.kind is Cue.FLIP for c in cues):
                cues = []  # "until" alone negates nothing, so the fast path keeps no cues
            assert list(sentence.scope.cues) == cues, sentence.text
            if cues:
                spans = [(t.start, t.end) for t in tokens]
                clauses = _boundaries(sentence.text, sentence.raws, sentence.stems, spans)
                assert sentence.scope.boundaries == clauses


def _reference_cues(stems: list[str]) -> list[CueSpan]:
    """Negation cues found the slow way: every cue phrase tried at every position."""
    at = lambda i, p: tuple(stems[i : i + len(p)]) == p  # noqa: E731
    blocked = {
        j for i in range(len(stems)) for p in _PSEUDO if at(i, p) for j in range(i, i + len(p))
    }
    ordered = sorted(_CUES, key=lambda item: -len(item[0]))  # longest first, stable
    cues, i = [], 0
    while i < len(stems):
        for phrase, kind in ordered:
            if at(i, phrase) and blocked.isdisjoint(range(i, i + len(phrase))):
                cues.append(CueSpan(i, i + len(phrase), kind))
                i += len(phrase) - 1
                break
        i += 1
    return cues


def test_the_early_exit_concept_check_matches_the_full_hit_list(
    scorer: Scorer, bank: Bank
) -> None:
    concepts = scorer.lexicon.shared.subset(frozenset(bank.concepts))
    extra = ["We do not need a canary here.", "Honestly it depends on the team.", "No PSI."]
    texts = _sentences(bank)[::3] + extra
    seen = set()
    for text in texts:
        for sentence in scorer.lexicon.analyse(text):
            full = any(not h.negated for h in concepts.phrase_hits(sentence))
            assert concepts.mentions_any(sentence) is full, sentence.text
            seen.add(full)
    assert seen == {True, False}
