"""Sentence signals: specificity, keyword stuffing and echoing the question."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.scoring.sentence import Hit, Sentence
from bot.scoring.text import stem
from bot.scoring.words import FUNCTION_WORDS, STOPWORDS, VAGUE_PHRASES, VAGUE_WORDS

_UNIT = (
    r"%|pct|pp|bps|ms|msec|s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|wk|wks|mo|mos|y|yr|yrs"
    r"|x|k|qps|rps|gb|mb|tb|usd|eur|km|mi|kg|lb|ghz|gpu|gpus|cpu|cpus"
)
_NUMBER_WITH_UNIT = re.compile(rf"^\d+(?:\.\d+)?(?:{_UNIT})$")
_DECIMAL = re.compile(r"^\d*\.\d+$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_PERCENTILE = re.compile(r"^(?:p\d{2,3}|p[0-4]|sev\d|s[0-4])$")
_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "thousand",
        "million",
        "half",
        "double",
        "triple",
    ]
)
_UNIT_WORDS = frozenset(
    stem(w)
    for w in "percent percentage ms millisecond second sec secs minute min mins hour hr hrs day "
    "week wk wks month mo quarter year yr yrs times pp point request user customer sample qps rps "
    "prediction transaction row event label dollar dollars standard sigma deviation bucket bin "
    "window percentile km kilometer kilometre mile miles kg pound gb mb tb gpu gpus cpu cpus "
    "replica replicas pod pods node nodes feature features".split()
)
_COMPARATORS = frozenset({">", "<", "≥", "≤", "=", "$", "€", "£"}) | frozenset(
    stem(w)
    for w in "above below over under exceed exceeds than least most within beyond past drop drops "
    "rise rises reach reaches hit hits to from by every between".split()
)
# "200 appointments", "1,600 drivers", "500 recent calls": a count of real things is concrete;
# "3 things" or "2 ways" is not.
_UNCOUNTED = frozenset(
    "things ways reasons ideas steps options questions issues aspects areas parts factors "
    "examples areas points topics items cases".split()
)
_PRECEDERS = frozenset(
    stem(w) for w in ["severity", "sev", "priority", "tier", "level", "top", "p"]
)


def is_specific_token(tokens: list[str], i: int) -> bool:
    """True when the token at i is a number with a unit or comparator, a decimal or a p99."""
    tok = tokens[i]
    first = tok[0]
    if not (
        first.isdigit()
        or first == "."
        or tok in _NUMBER_WORDS
        or (first in "ps" and len(tok) > 1 and (tok[1].isdigit() or tok.startswith("sev")))
    ):
        return False  # not a number, a decimal, a number word, a p99 or a sev1
    if _NUMBER_WITH_UNIT.match(tok) or _DECIMAL.match(tok) or _PERCENTILE.match(tok):
        return True
    if _NUMBER.match(tok) or tok in _NUMBER_WORDS:
        after = stem(tokens[i + 1]) if i + 1 < len(tokens) else ""
        before = stem(tokens[i - 1]) if i > 0 else ""
        if before == "by" and i >= 2 and tokens[i - 2] == tok:
            return False  # "one by one", "2 by 2"
        if after in _UNIT_WORDS or before in _COMPARATORS or before in _PRECEDERS:
            return True
        return bool(_NUMBER.match(tok)) and _counts_things(tokens[i + 1 : i + 3])
    return False


def _counts_things(following: list[str]) -> bool:
    """True when a plural noun follows a number, at most one word later ("500 recent calls")."""
    for word in following:
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            return word not in _UNCOUNTED and word not in STOPWORDS
    return False


_DIGIT = re.compile(r"\d")


def has_specific_token(sentence: Sentence) -> bool:
    """True when the sentence carries a concrete number, threshold or percentile."""
    raws = sentence.raws
    if _DIGIT.search(sentence.pattern_text) is None and _NUMBER_WORDS.isdisjoint(raws):
        return False  # every specific token holds a digit or is a number word
    return any(is_specific_token(raws, i) for i in range(len(raws)))


def _units(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _max_repeats(sentence: Sentence, hits: list[Hit]) -> int:
    """How often the same matched words recur in one sentence ("canary canary canary")."""
    counts = Counter(tuple(sentence.canon[h.start : h.end]) for h in _distinct_spans(hits))
    return max(counts.values(), default=0)


def _distinct_spans(hits: list[Hit]) -> list[Hit]:
    seen: dict[tuple[int, int], Hit] = {}
    for h in hits:
        seen.setdefault((h.start, h.end), h)
    return list(seen.values())


def is_stuffed(sentence: Sentence, numeric: bool, concepts: frozenset[str]) -> bool:
    """True when a sentence is a list of terms rather than a claim about what to do.

    `numeric` says the sentence carries a concrete number or threshold; terse expert notes
    ("PSI per feature vs training, alert above 0.2") are then given more room.
    """
    hits = [h for h in sentence.hits if h.concept in concepts]  # negated terms list too
    if not hits:
        return False
    n = len(sentence.raws)
    units = _units([(h.start, h.end) for h in hits])
    covered = sum(end - start for start, end in units) / n
    if covered >= 0.4 and _max_repeats(sentence, hits) >= 3:
        return True
    function = sum(1 for c in sentence.canon if c in FUNCTION_WORDS) / n
    if numeric:
        return len(units) >= 7 and covered >= 0.75 and function < 0.15
    return len(units) >= 3 and covered >= 0.7 and function < 0.25


def is_list_like(sentence: Sentence, concepts: frozenset[str]) -> bool:
    """True for a run of short comma-separated fragments, three or more of them bare terms.

    "psi, canary, rollback plan, on-call" is a list; "segment by app version, OS, region" or
    "Stage 1, unit tests: automated on each commit, 10 min" are notes with substance.
    """
    segments = sentence.segments
    count = segments[-1] + 1 if segments else 0
    if count < 4:
        return False
    members: dict[int, list[int]] = {}
    for i, seg in enumerate(segments):
        members.setdefault(seg, []).append(i)
    short = sum(1 for idx in members.values() if len(idx) <= 5)
    bare = sum(1 for idx in members.values() if _bare(sentence, idx, concepts))
    return short / count >= 0.75 and bare >= 3


def _bare(sentence: Sentence, idx: list[int], concepts: frozenset[str]) -> bool:
    """True when every content word of these tokens is part of a named concept, with no number."""
    covered = {i for h in sentence.hits if h.concept in concepts for i in range(h.start, h.end)}
    raws = sentence.raws
    content = [i for i in idx if sentence.canon[i] not in STOPWORDS]
    return (
        bool(content)
        and all(i in covered for i in content)
        and not any(is_specific_token(raws, i) for i in idx)
    )


def is_bare(sentence: Sentence, concepts: frozenset[str]) -> bool:
    """A short line that only names concepts ("- canary"), e.g. one item of a keyword list."""
    return len(sentence.raws) <= 5 and _bare(sentence, list(range(len(sentence.raws))), concepts)


_META = re.compile(
    r"(?i)\b(?:ignore|disregard|forget)\b.{0,40}\b(?:rubric|instructions?|grader|grading|criteria|"
    r"prompt|above|previous)\b"
    r"|\b(?:give|award|assign|output|grant|set|mark)\b.{0,30}\b(?:100|full marks|full score|"
    r"top score|maximum score|perfect score)\b"
    r"|\b(?:score|grade|rating|points)\s*[:=]\s*\d+"
    r"|[\"'](?:score|grade|criteria|level|feedback)[\"']\s*:"
    r"|^\s*(?:system|assistant|user)\s*:"
    r"|\b\d{2,3}\s*/\s*100\b"
)


# Every alternative of _META needs one of these words, or a "/" for "90/100".
_META_WORDS = frozenset(
    "ignore disregard forget give award assign output grant set mark score grade rating points "
    "criteria level feedback system assistant user".split()
)


def is_meta(sentence: Sentence) -> bool:
    """True for text addressed to the grader ("ignore the rubric", "SCORE: 100", JSON)."""
    if _META_WORDS.isdisjoint(sentence.raws) and "/" not in sentence.text:
        return False
    return _META.search(sentence.text) is not None


def is_vague(sentence: Sentence, numeric: bool) -> bool:
    """True when buzzwords stand in for specifics ("robust data validation, seamlessly").

    `numeric` is has_specific_token(sentence), which the caller has already worked out.
    """
    if numeric:
        return False
    lowered = sentence.pattern_text
    count = sum(1 for c in sentence.canon if c in VAGUE_WORDS)
    count += sum(lowered.count(p) for p in VAGUE_PHRASES)
    return count >= 2


def content_stems(stems: Iterable[str]) -> set[str]:
    """Stems that carry meaning (not function words or filler)."""
    return {s for s in stems if s not in STOPWORDS and len(s) > 1}


def is_echo(sentence: Sentence, prompt_vocabulary: frozenset[str]) -> bool:
    """True when a sentence mostly repeats the prompt's own words (numbers included)."""
    content = content_stems(sentence.canon)
    if not content:
        return False
    novel = content - prompt_vocabulary
    return len(novel) / len(content) < 0.25
