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


FREEZE_EVERY = 7
MAX_FREEZES = 2


@dataclass(frozen=True)
class Streak:
    """A user's run of consecutive answering days, as shown to them."""

    current: int
    best: int
    answered_today: bool
    freezes: int = 0
    freezes_used: int = 0
    pending_freeze: bool = False


def _next_open_day(day: date, rest: frozenset[int]) -> date:
    day += timedelta(days=1)
    while day.weekday() in rest and len(rest) < 7:
        day += timedelta(days=1)
    return day


def compute_streak(
    days: Iterable[date], today: date, rest_weekdays: frozenset[int] = frozenset()
) -> Streak:
    """Walk every day from the first answer to today (the definition; see StreakState).

    A streak counts consecutive local days with an answer. Rest weekdays neither break nor
    extend it. Every 7 answered days in a run earn a freeze (at most 2 held); a freeze covers
    one missed day on its own, and does not add to the count. Today does not break a streak
    until it is over.
    """
    answered = {d for d in days if d <= today}
    if not answered:
        return Streak(0, 0, False)
    run = best = freezes = used = 0
    pending = False
    day = min(answered)
    while day <= today:
        if day.weekday() in rest_weekdays:
            pass
        elif day in answered:
            run += 1
            best = max(best, run)
            if run % FREEZE_EVERY == 0:
                freezes = min(MAX_FREEZES, freezes + 1)
        elif day == today:
            pass
        else:
            following = _next_open_day(day, rest_weekdays)
            if freezes and run and (following in answered or following >= today):
                freezes -= 1
                used += 1
                pending = following >= today and following not in answered
            else:
                run = 0
        day += timedelta(days=1)
    counted_today = today in answered and today.weekday() not in rest_weekdays
    return Streak(run, best, counted_today, freezes, used, pending)


@dataclass(frozen=True)
class StreakState:
    """The stored, incremental form of a streak: updated on each answer in O(gap)."""

    current: int = 0
    best: int = 0
    last_day: date | None = None
    freezes: int = 0
    freezes_used: int = 0


def live_since(today: date, rest: frozenset[int] = frozenset()) -> tuple[date, date]:
    """The earliest last answer day of a live streak: without a freeze, and with one.

    A streak is live while no open (non-rest) day has been missed, or one with a freeze held.
    """
    open_days: list[date] = []
    day = today - timedelta(days=1)
    while len(open_days) < 2 and day > today - timedelta(days=15):
        if day.weekday() not in rest:
            open_days.append(day)
        day -= timedelta(days=1)
    while len(open_days) < 2:  # every day a rest day: nothing can lapse
        open_days.append(date.min)
    return open_days[0], open_days[1]


def _open_days_between(start: date, end: date, rest: frozenset[int]) -> int:
    """Non-rest days strictly between two dates."""
    count, day = 0, start + timedelta(days=1)
    while day < end:
        count += day.weekday() not in rest
        day += timedelta(days=1)
    return count


def advance_streak(
    state: StreakState, day: date, rest: frozenset[int] = frozenset()
) -> StreakState:
    """The state after an answer on a local day (same or earlier days change nothing)."""
    if day.weekday() in rest or (state.last_day is not None and day <= state.last_day):
        return state
    current, freezes, used = state.current, state.freezes, state.freezes_used
    missed = _open_days_between(state.last_day, day, rest) if state.last_day else None
    if missed == 0:
        current += 1
    elif missed == 1 and freezes:
        current, freezes, used = current + 1, freezes - 1, used + 1
    else:
        current = 1
    if current % FREEZE_EVERY == 0:
        freezes = min(MAX_FREEZES, freezes + 1)
    return StreakState(current, max(state.best, current), day, freezes, used)


def streak_at(state: StreakState, today: date, rest: frozenset[int] = frozenset()) -> Streak:
    """What the user sees today from the stored state (agrees with compute_streak)."""
    if state.last_day is None:
        return Streak(0, state.best, False, state.freezes, state.freezes_used)
    if state.last_day >= today:
        return Streak(state.current, state.best, True, state.freezes, state.freezes_used)
    missed = _open_days_between(state.last_day, today, rest)
    if missed == 0:
        return Streak(state.current, state.best, False, state.freezes, state.freezes_used)
    if missed == 1 and state.freezes:
        return Streak(
            state.current,
            state.best,
            False,
            state.freezes - 1,
            state.freezes_used + 1,
            pending_freeze=True,
        )
    return Streak(0, state.best, False, state.freezes, state.freezes_used)
