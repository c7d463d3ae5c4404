"""Bank-wide quality checks: near-duplicate prompts and coverage statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from bot.bank.loader import Bank
from bot.scoring.text import normalize, tokenize
from bot.scoring.words import STOPWORDS

DUPLICATE_THRESHOLD = 0.45


def content_words(text: str) -> frozenset[str]:
    """Stemmed words of a prompt that carry meaning."""
    return frozenset(t.stem for t in tokenize(normalize(text)) if t.stem not in STOPWORDS)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two word sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True)
class Duplicate:
    """Two prompts from different questions whose words overlap too much."""

    first: str
    second: str
    score: float


def near_duplicates(bank: Bank, threshold: float = DUPLICATE_THRESHOLD) -> list[Duplicate]:
    """Every pair of prompts (any step, different questions) at or above the threshold."""
    prompts = [
        (f"{q.id}#{s}", q.id, content_words(step.prompt))
        for q in bank.questions.values()
        for s, step in enumerate(q.steps)
    ]
    found = []
    for (name_a, qa, words_a), (name_b, qb, words_b) in combinations(prompts, 2):
        if qa != qb:
            score = overlap(words_a, words_b)
            if score >= threshold:
                found.append(Duplicate(name_a, name_b, round(score, 3)))
    return sorted(found, key=lambda d: -d.score)


def highest_overlap(bank: Bank) -> Duplicate | None:
    """The most similar pair of prompts from different questions."""
    pairs = near_duplicates(bank, threshold=0.0)
    return pairs[0] if pairs else None


@dataclass(frozen=True)
class Coverage:
    """Counts of questions by topic and level, and of criteria by skill tag."""

    questions: int
    steps: int
    criteria: int
    by_topic: dict[str, int]
    by_level: dict[str, int]
    by_skill: dict[str, int]
    by_kind: dict[str, int]


def coverage(bank: Bank) -> Coverage:
    """What the bank covers."""
    topics: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    skills: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    steps = criteria = 0
    for q in bank.questions.values():
        topics[q.topic] += 1
        levels[q.level.value] += 1
        for step in q.steps:
            steps += 1
            kinds[step.kind.value] += 1
            for crit in step.criteria:
                criteria += 1
                skills.update(crit.skills or ["(untagged)"])
    return Coverage(
        len(bank.questions), steps, criteria, dict(topics), dict(levels), dict(skills), dict(kinds)
    )
