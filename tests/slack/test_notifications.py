"""Evening reminder DMs and the weekly digest, through the fake Slack."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.bank.loader import Bank
from bot.ports import UserRef
from bot.progress import StreakState
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, ADMIN, running

DM = "D0ADA"


def test_a_reminder_dm_and_the_weekly_digest(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 35, tzinfo=UTC))  # Monday 09:35 UTC

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as env:
            fake = env.fake
            await env.command(
                P.slash("schedule 09:00 UTC daily digest=mon@09:30", ADMIN, fake.response_url())
            )
            await env.command(P.slash("remind on 19:00", ADA, fake.response_url()))
            await env.command(P.slash("timezone UTC", ADA, fake.response_url()))
            await env.settle()
            with sqlite_db.transaction() as repo:
                team = repo.channels.enabled("slack")[0][0].workspace
                repo.streaks.put(
                    UserRef("slack", team, ADA),
                    StreakState(6, 6, clock.current.date().replace(day=22)),
                )
            await env.runtime.ticker.tick()  # 09:35: the daily post and the digest
            channel_posts = [p["text"] for p in fake.posts("C0COACH")]
            assert any(t.startswith("Question of the day") for t in channel_posts)
            assert any(t.startswith("Weekly digest — week of 16 Nov 2026") for t in channel_posts)
            assert fake.posts(DM) == []
            clock.set(datetime(2026, 11, 23, 19, 10, tzinfo=UTC))
            await env.runtime.ticker.tick()
            await env.runtime.ticker.tick()
            (reminder,) = fake.posts(DM)
            assert "6-day streak ends at midnight" in reminder["text"]
            assert (
                sum(
                    t.startswith("Weekly digest")
                    for t in (p["text"] for p in fake.posts("C0COACH"))
                )
                == 1
            )

    asyncio.run(scenario())
