"""Typo tolerance: map an answer's stems onto the lexicon's vocabulary by one edit."""

from __future__ import annotations

from functools import lru_cache

MIN_FUZZY_LENGTH = 5


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if la < lb else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _is_doubling(a: str, b: str) -> bool:
    """True when one word is the other with one letter typed twice ("flagg")."""
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) != len(short) + 1:
        return False
    return any(
        long_[i] == long_[i + 1] and long_[:i] + long_[i + 1 :] == short
        for i in range(len(long_) - 1)
    )


def _is_swap(a: str, b: str) -> bool:
    diffs = [i for i in range(len(a)) if len(a) == len(b) and a[i] != b[i]]
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1


class Vocabulary:
    """The lexicon's words (surface forms and stems) with a deletion index for typo lookups."""

    def __init__(self, forms: dict[str, str]) -> None:
        self.stems = frozenset(forms.values())
        self._forms = dict(forms)
        self._index: dict[str, set[str]] = {}
        for word in forms:
            if len(word) >= MIN_FUZZY_LENGTH and word.isalpha():
                for key in {word, *_deletions(word)}:
                    self._index.setdefault(key, set()).add(word)
        self.canonical = lru_cache(maxsize=32768)(self._canonical)

    def _lookup(self, word: str) -> str | None:
        if len(word) < MIN_FUZZY_LENGTH or not word.isalpha():
            return None
        candidates: set[str] = set()
        for key in {word, *_deletions(word)}:
            candidates.update(self._index.get(key, ()))
        close = [c for c in candidates if _one_edit(word, c)]
        if len(word) < 6:
            close = [c for c in close if _is_swap(word, c) or _is_doubling(word, c)]
        targets = sorted({self._forms[c] for c in close})
        return targets[0] if len(targets) == 1 else None

    def _canonical(self, raw: str, stem: str) -> str:
        """The lexicon stem this answer word stands for, allowing one typo."""
        if stem in self.stems:
            return stem
        if raw in self._forms:
            return self._forms[raw]
        return self._lookup(raw) or self._lookup(stem) or stem
