"""Choosing questions: the daily rotation and mock-interview sets, deterministically."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from bot.bank.loader import Bank
from bot.bank.schema import Level

LEVEL_ORDER = [lvl.value for lvl in Level]


def _rank(seed: str, item: str) -> str:
    return hashlib.sha256(f"{seed}\x00{item}".encode()).hexdigest()


def choose_next(candidates: Sequence[str], used: Mapping[str, int], seed: str) -> str:
    """The least-used candidate, ties broken by a stable per-channel shuffle.

    A channel sees every candidate once before any repeats.
    """
    if not candidates:
        raise ValueError("no candidate questions")
    fewest = min(used.get(c, 0) for c in candidates)
    fresh = [c for c in candidates if used.get(c, 0) == fewest]
    return min(fresh, key=lambda c: _rank(seed, c))


def daily_candidates(
    bank: Bank, topics: Sequence[str] = (), level: str | None = None
) -> list[str]:
    """Question ids eligible for a channel's daily post, given its topic and level filters."""
    chosen = [
        q.id
        for q in bank.questions.values()
        if (not topics or q.topic in topics) and (not level or q.level.value == level)
    ]
    return chosen or list(bank.questions)


def pick_mock(
    bank: Bank,
    track: str,
    level: str | None,
    practiced: Mapping[str, set[int]],
    count: int,
    seed: str,
) -> list[str]:
    """Questions for a mock: the track's (and level's) least-practised ones, nearest level next."""
    pool = [q for q in bank.questions.values() if track in {"mixed", "all"} or q.topic == track]

    def distance(level_value: str) -> int:
        if not level:
            return 0
        return abs(LEVEL_ORDER.index(level_value) - LEVEL_ORDER.index(level))

    ordered = sorted(
        pool,
        key=lambda q: (distance(q.level.value), len(practiced.get(q.id, ())), _rank(seed, q.id)),
    )
    picked: list[str] = []
    topics_used: set[str] = set()
    for q in ordered:
        if len(picked) == count:
            break
        if (
            track in {"mixed", "all"}
            and q.topic in topics_used
            and len(topics_used) < len({p.topic for p in pool})
        ):
            continue
        picked.append(q.id)
        topics_used.add(q.topic)
    for q in ordered:
        if len(picked) == count:
            break
        if q.id not in picked:
            picked.append(q.id)
    return picked
