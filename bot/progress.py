"""Streaks, points and local days: pure functions over dates and scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LEVEL_WEIGHTS = {"junior": 1.0, "mid": 1.25, "senior": 1.5, "staff": 2.0}


def points_for(score: int, level: str) -> int:
    """Points for a scored step: the score out of 10, weighted by the question's level."""
    return int(score * LEVEL_WEIGHTS.get(level, 1.0) / 10 + 0.5)


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """A ZoneInfo for a name, falling back when it is missing or unknown."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_day(at: datetime, tz: ZoneInfo) -> date:
    """The calendar day an instant falls on in a timezone."""
    return at.astimezone(tz).date()


def week_start(at: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 local time of the week holding this instant."""
    day = local_day(at, tz)
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz)


def month_start(at: datetime, tz: ZoneInfo) -> datetime:
    """The first of the month, 00:00 local time."""
    day = local_day(at, tz)
    return datetime(day.year, day.month, 1, tzinfo=tz)


@dataclass(frozen=True)
class Streak:
    """A user's run of consecutive answering days."""

    current: int
    best: int
    answered_today: bool


def compute_streak(
    days: Iterable[date], today: date, rest_weekdays: frozenset[int] = frozenset()
) -> Streak:
    """Consecutive local days with an answer; rest weekdays neither break nor extend it.

    Today does not break a streak until it is over, so a streak from yesterday is still alive.
    """
    answered = {d for d in days if d <= today}
    if not answered:
        return Streak(0, 0, False)
    run = best = 0
    day = min(answered)
    while day <= today:
        if day.weekday() in rest_weekdays:
            pass
        elif day in answered:
            run += 1
            best = max(best, run)
        elif day == today:
            pass
        else:
            run = 0
        day += timedelta(days=1)
    return Streak(run, best, today in answered)
