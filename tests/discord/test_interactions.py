"""Interactions: acknowledged before slow work finishes; buttons survive a restart."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.bank.loader import Bank
from bot.ports import Repositories
from storage.database import SqlDatabase
from tests.discord.fake_discord import FakeDiscord, Interaction
from tests.discord.harness import run, running
from tests.discord.test_daily_thread import (
    ANSWER_1,
    POST_TIME,
    answered_daily,
    button_done,
    post_daily,
    said,
    slash_done,
)
from tests.fakes import FakeClock


class GatedDatabase:
    """The real database behind a gate the test closes: every transaction waits (slow DB)."""

    def __init__(self, inner: SqlDatabase) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = threading.Event()

    @contextmanager
    def transaction(self) -> Iterator[Repositories]:
        if not self.gate.is_set():
            self.waiting.set()
            assert self.gate.wait(20), "the test never opened the gate"
        with self.inner.transaction() as repo:
            yield repo


def test_slash_commands_and_buttons_are_acknowledged_while_the_database_is_slow(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    db = GatedDatabase(sqlite_db)

    async def scenario() -> None:
        async with running(drift_bank, db) as r:
            f = r.fake
            thread_id = await answered_daily(r)
            feedback = f.bot_messages(thread_id)[-1]
            db.gate.clear()  # from now on every transaction blocks until the test says so
            try:
                slash = await f.slash(f.alice, f.channel_id, "streak")
                click = await f.click(f.alice, feedback, "prodml:model")
                # Both acknowledged, and the work behind them reached the closed gate (under
                # load it may get there a moment after the acknowledgements): still stuck.
                await f.wait(lambda: bool(slash.callbacks and click.callbacks))
                assert await asyncio.to_thread(db.waiting.wait, 15), "no work reached the DB"
                assert not db.gate.is_set()
                assert slash.followups == [] and f.bot_messages(thread_id)[-1] is feedback
                assert slash.ack_type == 5 and click.ack_type == 6
                assert slash.callback_at is not None and click.callback_at is not None
                assert slash.callback_at - slash.sent_at < 3.0
                assert click.callback_at - click.sent_at < 3.0
            finally:
                db.gate.set()
            await slash_done(r, slash)
            await button_done(r, click)
            assert slash.followups[0]["content"].startswith("Streak:")
            assert f.bot_messages(thread_id)[-1]["content"].startswith("**Model answer — ")

    run(scenario())


def test_buttons_keep_working_after_a_restart(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        fake = FakeDiscord()
        await fake.start()
        clock = FakeClock(POST_TIME)
        try:
            async with running(drift_bank, sqlite_db, clock, fake=fake) as first:
                thread_id = await post_daily(first)
                await said(first, fake.alice, thread_id, ANSWER_1)
                feedback = fake.bot_messages(thread_id)[-1]
            # A new process: new client, same database, the old message's buttons.
            async with running(drift_bank, sqlite_db, clock, fake=fake) as second:
                assert len(fake.identifies) == 2
                click = await fake.click(fake.alice, feedback, "prodml:next")
                await button_done(second, click)
                skipped, prompt = fake.bot_messages(thread_id)[-2:]
                assert skipped["content"] == "Skipped." and "Step 3/4" in prompt["content"]
        finally:
            await fake.stop()

    run(scenario())


def test_someone_elses_button_press_is_answered_privately(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await answered_daily(r)
            feedback = f.bot_messages(thread_id)[-1]
            click = await f.click(f.bob, feedback, "prodml:skip")  # bob has nothing open
            await button_done(r, click)
            assert len(f.bot_messages(thread_id)) == 1  # nothing public
            [note] = click.followups
            assert note["content"].startswith("There's nothing open to skip")

    run(scenario())


def test_help_is_private_and_dm_commands_use_the_dm_place(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            helped = await slash_done(r, await f.slash(f.bob, f.channel_id, "help"))
            assert (
                helped.deferred_ephemeral
                and "mock [track] [level]" in helped.followups[0]["content"]
            )
            f._dm_with(f.bob["id"])
            dm = f.dm_channel_of(f.bob)
            streak = await slash_done(r, await f.slash(f.bob, dm, "streak"))
            assert streak.followups[0]["content"].startswith("No streak yet")
            refused = await slash_done(r, await f.slash(f.admin, f.channel_id, "schedule"))
            assert refused.followups[0]["content"].startswith("Daily questions are off")
            f._dm_with(f.admin["id"])
            in_dm = await slash_done(
                r,
                await f.slash(f.admin, f.dm_channel_of(f.admin), "schedule", {"settings": "off"}),
            )
            # No Manage Server in a DM (there is no server): refused, nothing saved.
            assert (
                "admins" in in_dm.followups[0]["content"]
                or "channel" in in_dm.followups[0]["content"]
            )

    run(scenario())


def test_seasons_and_board_resets_need_manage_server(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            await answered_daily(r)
            winter = {"setting": "winter 2026-01-01 2026-12-31"}

            def text(asked: Interaction) -> str:
                return "\n".join(asked.texts())

            refused = await slash_done(r, await f.slash(f.bob, f.channel_id, "season", winter))
            assert "Manage Server" in text(refused) or "admin" in text(refused)
            listed = await slash_done(r, await f.slash(f.bob, f.channel_id, "season"))
            assert "winter" not in text(listed)

            made = await slash_done(r, await f.slash(f.admin, f.channel_id, "season", winter))
            assert "winter" in text(made)
            board = await slash_done(
                r, await f.slash(f.bob, f.channel_id, "leaderboard", {"season": "winter"})
            )
            assert "Alice" in text(board)

            reset = {"period": "reset"}
            not_admin = await slash_done(
                r, await f.slash(f.bob, f.channel_id, "leaderboard", reset)
            )
            assert "Alice" in text(
                await slash_done(r, await f.slash(f.bob, f.channel_id, "leaderboard"))
            )
            assert "reset." not in text(not_admin)
            done = await slash_done(r, await f.slash(f.admin, f.channel_id, "leaderboard", reset))
            assert "reset" in text(done) and "history" in text(done)
            after = await slash_done(r, await f.slash(f.bob, f.channel_id, "leaderboard"))
            assert "Alice" not in text(after)

    run(scenario())
