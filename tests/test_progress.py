"""Streaks count the user's local days; points weight the score by level."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from bot.progress import (
    StreakState,
    advance_streak,
    compute_streak,
    live_since,
    local_day,
    points_for,
    streak_at,
    week_start,
    zone,
)

D = date.fromisoformat


def test_consecutive_days_make_a_streak() -> None:
    days = [D("2026-11-20"), D("2026-11-21"), D("2026-11-22")]
    assert compute_streak(days, D("2026-11-22")) == compute_streak(days, D("2026-11-22"))
    streak = compute_streak(days, D("2026-11-22"))
    assert (streak.current, streak.best, streak.answered_today) == (3, 3, True)


def test_today_not_yet_answered_keeps_yesterdays_streak_alive() -> None:
    streak = compute_streak([D("2026-11-20"), D("2026-11-21")], D("2026-11-22"))
    assert (streak.current, streak.answered_today) == (2, False)


def test_a_missed_day_breaks_the_streak_but_best_is_kept() -> None:
    days = [D("2026-11-15"), D("2026-11-16"), D("2026-11-17"), D("2026-11-19")]
    streak = compute_streak(days, D("2026-11-19"))
    assert (streak.current, streak.best) == (1, 3)


def test_rest_days_neither_break_nor_extend() -> None:
    # Fri 2026-11-20, weekend skipped, Mon 2026-11-23; an answer on Sunday does not count.
    days = [D("2026-11-19"), D("2026-11-20"), D("2026-11-22"), D("2026-11-23")]
    streak = compute_streak(days, D("2026-11-23"), rest_weekdays=frozenset({5, 6}))
    assert streak.current == 3


def test_local_day_crosses_midnight_by_timezone() -> None:
    late_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert local_day(late_utc, zone("UTC")) == D("2026-11-22")
    assert local_day(late_utc, zone("Europe/Helsinki")) == D("2026-11-23")
    assert local_day(late_utc, zone("America/Los_Angeles")) == D("2026-11-22")


def test_streak_across_midnight_in_the_users_timezone() -> None:
    helsinki = zone("Europe/Helsinki")
    answers = [
        datetime(2026, 11, 21, 21, 50, tzinfo=UTC),  # 23:50 Helsinki, the 21st
        datetime(2026, 11, 21, 22, 10, tzinfo=UTC),
    ]  # 00:10 Helsinki, the 22nd
    days = [local_day(a, helsinki) for a in answers]
    assert compute_streak(days, D("2026-11-22")).current == 2
    utc_days = [local_day(a, zone("UTC")) for a in answers]
    assert compute_streak(utc_days, D("2026-11-22")).current == 1


def test_unknown_zone_falls_back_to_utc() -> None:
    assert str(zone("Mars/Olympus")) == "UTC"


def test_points_weight_by_level() -> None:
    assert points_for(80, "junior") == 8
    assert points_for(80, "mid") == 10
    assert points_for(80, "senior") == 12
    assert points_for(80, "staff") == 16
    assert points_for(0, "staff") == 0


def test_week_starts_on_local_monday() -> None:
    sunday_night_utc = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 01:00 in Helsinki
    assert week_start(sunday_night_utc, zone("Europe/Helsinki")).date() == D("2026-11-23")
    assert week_start(sunday_night_utc, zone("UTC")).date() == D("2026-11-16")


def test_seven_day_runs_earn_freezes_that_cover_one_missed_day() -> None:
    start = D("2026-11-02")  # a Monday
    days = [start + timedelta(days=i) for i in range(7)]  # a 7-day run earns one freeze
    days.append(start + timedelta(days=8))  # day 7 missed, covered by the freeze
    streak = compute_streak(days, start + timedelta(days=8))
    assert (streak.current, streak.freezes, streak.freezes_used) == (8, 0, 1)


def test_two_missed_days_break_the_streak_even_with_freezes() -> None:
    start = D("2026-11-02")
    days = [start + timedelta(days=i) for i in range(14)] + [start + timedelta(days=16)]
    streak = compute_streak(days, start + timedelta(days=16))
    assert (streak.current, streak.best, streak.freezes) == (1, 14, 2)


def test_freezes_are_capped_at_two() -> None:
    start = D("2026-11-02")
    streak = compute_streak(
        [start + timedelta(days=i) for i in range(28)], start + timedelta(days=27)
    )
    assert streak.freezes == 2


def test_a_freeze_is_held_for_today_while_the_day_is_not_over() -> None:
    start = D("2026-11-02")
    days = [start + timedelta(days=i) for i in range(7)]
    streak = compute_streak(days, start + timedelta(days=8))  # missed day 7, today is day 8
    assert (streak.current, streak.pending_freeze, streak.freezes) == (7, True, 0)


def random_history(rnd: random.Random) -> tuple[list[date], frozenset[int]]:
    rest = rnd.choice([frozenset(), frozenset({5, 6}), frozenset({6})])
    day, days = D("2026-01-05"), []
    for _ in range(rnd.randint(1, 80)):
        day += timedelta(days=rnd.choice([1, 1, 1, 1, 2, 2, 3]))
        days.append(day)
    return days, rest


def test_incremental_state_agrees_with_the_full_walk() -> None:
    rnd = random.Random(7)
    for _ in range(400):
        days, rest = random_history(rnd)
        state = StreakState()
        for day in days:
            state = advance_streak(state, day, rest)
        for offset in range(4):
            today = days[-1] + timedelta(days=offset)
            assert streak_at(state, today, rest) == compute_streak(days, today, rest), (days, rest)


def test_live_since_skips_rest_days_and_allows_one_freeze() -> None:
    monday = date(2026, 11, 23)
    assert live_since(monday) == (date(2026, 11, 22), date(2026, 11, 21))
    weekend = frozenset({5, 6})
    assert live_since(monday, weekend) == (date(2026, 11, 20), date(2026, 11, 19))
    assert live_since(monday, frozenset(range(7))) == (date.min, date.min)
