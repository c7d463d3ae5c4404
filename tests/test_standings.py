"""Points, boards, seasons and streaks as users see them through the coach."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.coach import Coach, CoachConfig
from bot.messages import Message, Place
from bot.ports import Season, UserRef
from bot.progress import StreakState
from bot.scoring.scorer import Scorer
from bot.standings import periods_for, week_period
from tests.fakes import FakeClock, InMemoryDatabase

QID = "drift-detection-instrumentation"
CHANNEL = Place("slack", "T1", "C1")
GOOD = (
    "PSI per feature against the training window, page above 0.25 for two days; approval "
    "rate for prior shift; AUC on matured labels by cohort for concept drift."
)


@pytest.fixture
def coach(drift_bank: Bank, memory_db: InMemoryDatabase) -> Coach:
    clock = FakeClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    with memory_db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True, timezone="UTC"), "admin")
    return Coach(drift_bank, Scorer(drift_bank), memory_db, clock, CoachConfig())


def say(
    coach: Coach,
    text: str,
    user: str = "U1",
    place: Place = CHANNEL,
    admin: bool = False,
    dm: bool = False,
) -> str:
    msg = Message(
        place, user, text, coach.clock.now(), user_name=user.lower(), is_admin=admin, is_dm=dm
    )
    return "\n".join(r.text for r in coach.handle(msg))


def answer_daily(coach: Coach, user: str = "U1", place: Place = CHANNEL) -> None:
    thread = replace(place, thread=f"t-{coach.clock.now():%Y%m%d}")
    coach.db.state.threads[(place.platform, place.workspace, place.channel, thread.thread)] = QID
    say(coach, GOOD, user=user, place=thread)


def test_periods_include_active_seasons() -> None:
    day = datetime(2026, 12, 3).date()
    seasons = [
        Season("winter", day - timedelta(days=2), day + timedelta(days=60)),
        Season("past", day - timedelta(days=90), day - timedelta(days=30)),
    ]
    assert periods_for(day, seasons) == ["week:2026-W49", "month:2026-12", "all", "season:winter"]
    assert week_period(datetime(2027, 1, 1).date()) == "week:2026-W53"


def test_streak_grows_daily_and_shows_freezes(coach: Coach) -> None:
    for _ in range(7):
        answer_daily(coach)
        coach.clock.advance(days=1)
    coach.clock.advance(days=1)  # one day missed
    shown = say(coach, "streak")
    assert "Streak: 7 days" in shown
    assert "A streak freeze is covering the day you missed" in shown
    answer_daily(coach)
    assert "Streak: 8 days (answered today ✓)" in say(coach, "streak")
    assert "used so far: 1" in say(coach, "streak")


def test_channel_and_workspace_boards(coach: Coach) -> None:
    answer_daily(coach, user="U1")
    answer_daily(coach, user="U2", place=Place("slack", "T1", "C2"))
    in_c1 = say(coach, "leaderboard")
    assert "this channel" in in_c1 and "u1" in in_c1 and "u2" not in in_c1
    everyone = say(coach, "leaderboard all workspace")
    assert "u1" in everyone and "u2" in everyone
    assert "Streaks — longest running" in say(coach, "leaderboard streaks")


def test_mock_answers_in_dms_count_for_the_workspace_only(coach: Coach) -> None:
    dm = Place("slack", "T1", "D1")
    say(coach, "mock drift", place=dm, dm=True)
    say(coach, GOOD, place=dm, dm=True)
    assert "u1" in say(coach, "leaderboard workspace")
    assert "No points yet" in say(coach, "leaderboard")


def test_seasons_and_resets_are_admin_only(coach: Coach) -> None:
    assert "Only workspace or server admins" in say(coach, "season cup 2026-11-01 2026-11-30")
    assert "Season 'cup' runs" in say(coach, "season cup 2026-11-01 2026-11-30", admin=True)
    assert "cup: 2026-11-01 → 2026-11-30" in say(coach, "season")
    answer_daily(coach)
    assert "u1" in say(coach, "leaderboard season cup")
    assert "No season called 'nope'" in say(coach, "leaderboard season nope")
    assert "Only workspace or server admins" in say(coach, "leaderboard reset")
    assert "reset" in say(coach, "leaderboard reset", admin=True)
    assert "No points yet" in say(coach, "leaderboard all")
    assert "u1" in say(coach, "leaderboard all workspace")  # other boards untouched


def test_streak_board_looks_past_long_runs_that_have_lapsed(coach: Coach) -> None:
    today = coach.clock.now().date()
    with coach.db.transaction() as repo:
        for i in range(120):  # long runs, last answered three days ago: broken, no freezes
            repo.streaks.put(
                UserRef("slack", "T1", f"L{i:03}"), StreakState(90, 90, today - timedelta(days=3))
            )
    answer_daily(coach, user="U7")
    board = say(coach, "leaderboard streaks")
    assert "u7 — 1 day" in board and "L000" not in board
