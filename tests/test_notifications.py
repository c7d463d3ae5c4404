"""Evening reminders and the weekly digest: due once, in the right local time, with the right data."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from adapters.scheduling import DailyTicker, Extras
from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.coach import Coach, CoachConfig
from bot.daily import DailyService, DuePost
from bot.digest import DigestService, DueDigest, digest_due
from bot.messages import Message, Place
from bot.ports import UserRef
from bot.progress import StreakState
from bot.reminders import DueReminder, ReminderService
from bot.scoring.scorer import Scorer
from tests.fakes import FakeClock, InMemoryDatabase

ADA = UserRef("slack", "T1", "U1")
CHANNEL = Place("slack", "T1", "C1")
QID = "drift-detection-instrumentation"


def opt_in(
    db, who: UserRef = ADA, at: time = time(19, 0), tz: str | None = "Europe/Helsinki"
) -> None:
    with db.transaction() as repo:
        repo.profiles.update(who, display_name="ada", timezone=tz)
        repo.reminders.set(who, at)


def test_a_live_unanswered_streak_is_reminded_once_in_the_evening(memory_db) -> None:
    opt_in(memory_db)
    with memory_db.transaction() as repo:
        repo.streaks.put(ADA, StreakState(5, 5, date(2026, 11, 22)))
    service = ReminderService(memory_db, "UTC")
    helsinki_1800 = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert service.due("slack", helsinki_1800) == []  # before 19:00 local
    (reminder,) = service.due("slack", helsinki_1800 + timedelta(hours=1))
    assert reminder.who == ADA and "5-day streak" in reminder.reply.text
    assert service.due("slack", helsinki_1800 + timedelta(hours=1, minutes=30)) == []  # once
    assert service.due("slack", helsinki_1800 + timedelta(hours=5)) == []  # past the window


@pytest.mark.parametrize(
    "state",
    [
        StreakState(),  # no streak to keep
        StreakState(4, 4, date(2026, 11, 23)),  # already answered today
        StreakState(4, 4, date(2026, 11, 19)),  # already broken
    ],
)
def test_no_reminder_when_there_is_nothing_to_keep(memory_db, state: StreakState) -> None:
    opt_in(memory_db)
    with memory_db.transaction() as repo:
        repo.streaks.put(ADA, state)
    evening = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    assert ReminderService(memory_db, "UTC").due("slack", evening) == []


def test_remind_command_round_trip(drift_bank: Bank, memory_db, clock: FakeClock) -> None:
    coach = Coach(drift_bank, Scorer(drift_bank), memory_db, clock, CoachConfig())

    def say(text: str) -> str:
        return coach.handle(Message(CHANNEL, "U1", text, clock.now()))[0].text

    assert "Evening reminders are off" in say("remind")
    assert "I'll DM you at 20:30" in say("remind on 20:30")
    assert "on at 20:30" in say("remind")
    assert "Use `remind on`" in say("remind on 25:99")
    assert "Reminders off" in say("remind off")


def test_digest_is_due_once_a_week_at_the_channel_time() -> None:
    settings = ChannelSettings(
        enabled=True, timezone="America/New_York", digest_weekday=0, digest_time=time(9, 30)
    )
    monday_0930_ny = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    grace = timedelta(hours=2)
    assert digest_due(settings, monday_0930_ny - timedelta(minutes=1), grace) is None
    assert digest_due(settings, monday_0930_ny, grace) == date(2026, 11, 23)
    assert digest_due(settings, monday_0930_ny + timedelta(hours=3), grace) is None
    assert digest_due(settings, monday_0930_ny + timedelta(days=1), grace) is None


def test_digest_reports_last_week(drift_bank: Bank, memory_db) -> None:
    clock = FakeClock(datetime(2026, 11, 17, 9, 0, tzinfo=UTC))  # the week before
    with memory_db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True, timezone="UTC"), "admin")
    coach = Coach(drift_bank, Scorer(drift_bank), memory_db, clock, CoachConfig())
    memory_db.state.threads[("slack", "T1", "C1", "t1")] = QID
    thread = replace(CHANNEL, thread="t1")
    for user, text in (
        ("U1", "PSI per feature above 0.2 pages the on-call for two days."),
        ("U2", "I would monitor accuracy."),
    ):
        coach.handle(Message(thread, user, text, clock.now(), user_name=user.lower()))
    service = DigestService(drift_bank, memory_db, timedelta(hours=2))
    (digest,) = service.due("slack", datetime(2026, 11, 23, 9, 31, tzinfo=UTC))
    text = digest.reply.text
    assert text.startswith("Weekly digest — week of 16 Nov 2026")
    assert "1. u1 —" in text
    assert "Hardest question: “Instrumenting drift detection" in text
    assert service.due("slack", datetime(2026, 11, 23, 9, 45, tzinfo=UTC)) == []


def test_the_ticker_posts_digests_and_sends_reminders(drift_bank: Bank) -> None:
    db = InMemoryDatabase()
    with db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True, weekdays=frozenset()), "admin")
        repo.streaks.put(ADA, StreakState(3, 3, date(2026, 11, 22)))
    opt_in(db, tz="UTC")
    clock = FakeClock(datetime(2026, 11, 23, 9, 31, tzinfo=UTC))
    dms: list[DueReminder] = []
    digests: list[DueDigest] = []

    async def publish(post: DuePost) -> str:
        raise AssertionError("no daily posts on an empty schedule")

    async def send_dm(reminder: DueReminder) -> None:
        dms.append(reminder)

    async def post_digest(digest: DueDigest) -> str:
        digests.append(digest)
        return "msg-1"

    extras = Extras(
        ReminderService(db, "UTC"),
        send_dm,
        DigestService(drift_bank, db, timedelta(hours=2)),
        post_digest,
    )
    ticker = DailyTicker(
        DailyService(drift_bank, db, "w1"), "slack", publish, clock, extras=extras
    )
    asyncio.run(ticker.tick())
    assert len(digests) == 1 and dms == []
    clock.set(datetime(2026, 11, 23, 19, 5, tzinfo=UTC))
    asyncio.run(ticker.tick())
    asyncio.run(ticker.tick())
    assert len(digests) == 1 and len(dms) == 1


def test_a_failed_digest_is_retried(drift_bank: Bank) -> None:
    db = InMemoryDatabase()
    with db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True, weekdays=frozenset()), "admin")
    clock = FakeClock(datetime(2026, 11, 23, 9, 31, tzinfo=UTC))
    attempts: list[int] = []

    async def publish(post: DuePost) -> str:
        return "unused"

    async def flaky(digest: DueDigest) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("reset")
        return "msg-2"

    extras = Extras(digests=DigestService(drift_bank, db, timedelta(hours=2)), post_digest=flaky)
    ticker = DailyTicker(
        DailyService(drift_bank, db, "w1"), "slack", publish, clock, extras=extras
    )
    for _ in range(3):
        asyncio.run(ticker.tick())
    assert len(attempts) == 2
