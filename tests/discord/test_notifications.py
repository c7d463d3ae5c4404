"""Evening reminder DMs and the weekly digest, through the fake Discord."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.bank.loader import Bank
from bot.ports import UserRef
from bot.progress import StreakState
from storage.database import SqlDatabase
from tests.discord.harness import run, running
from tests.discord.test_daily_thread import slash_done
from tests.fakes import FakeClock


def test_a_reminder_dm_and_the_weekly_digest(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 35, tzinfo=UTC))  # Monday

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as r:
            f = r.fake
            await slash_done(
                r,
                await f.slash(
                    f.admin,
                    f.channel_id,
                    "schedule",
                    {"settings": "09:00 UTC daily digest=mon@09:30"},
                ),
            )
            done = await slash_done(
                r, await f.slash(f.alice, f.channel_id, "remind", {"setting": "on 19:00"})
            )
            assert (
                done.deferred_ephemeral and "I'll DM you at 19:00" in done.followups[0]["content"]
            )
            with sqlite_db.transaction() as repo:
                repo.streaks.put(
                    UserRef("discord", f.guild_id, f.alice["id"]),
                    StreakState(6, 6, datetime(2026, 11, 22).date()),
                )
            await r.bot.ticker.tick()
            posts = [m["content"] for m in f.bot_messages(f.channel_id)]
            assert any(p.startswith("**Question of the day") for p in posts)
            assert any("Weekly digest — week of 16 Nov 2026" in p for p in posts)
            clock.set(datetime(2026, 11, 23, 19, 10, tzinfo=UTC))
            await r.bot.ticker.tick()
            await r.bot.ticker.tick()
            (reminder,) = f.bot_messages(f.dm_channel_of(f.alice))
            assert "6-day streak ends at midnight" in reminder["content"]
            assert reminder["allowed_mentions"] == {"parse": []}
            assert f.rejected == []

    run(scenario())
