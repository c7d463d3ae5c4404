"""Gateway trouble: resume with replayed events, READY twice, invalid sessions, duplicates,
two processes on one shard, and the sharded client."""

from __future__ import annotations

from bot.bank.loader import Bank
from bot.ports import UserRef
from storage.database import SqlDatabase
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import make_bot, run, running, start_bot, stop_bot
from tests.discord.test_daily_thread import ANSWER_1, POST_TIME, post_daily, said, slash_done
from tests.fakes import FakeClock


def answers_of(db: SqlDatabase, fake: FakeDiscord, who: dict[str, str]) -> int:
    with db.transaction() as repo:
        return len(repo.answers.recent(UserRef("discord", fake.guild_id, who["id"]), 50))


def test_resume_after_a_drop_replays_events_that_count_once(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f, bot = r.fake, r.bot
            thread_id = await post_daily(r)
            answer = await said(r, f.alice, thread_id, ANSWER_1)
            last_seq = f.current().seq
            f.replay_overlap = 3  # Discord re-sends alice's answer and our feedback on RESUME
            await f.close_gateway(4000)
            await f.wait(lambda: len(f.resumes) == 1)
            assert f.resumes[0]["session_id"] == "session-1"
            assert f.resumes[0]["seq"] == last_seq
            await bot.trace.wait(lambda: bot.trace.count("resumed") == 1)
            await bot.trace.wait(lambda: bot.trace.count("handled", str(answer["id"])) == 2)
            assert [d for k, r_, d in bot.trace.entries if r_ == str(answer["id"])] == [
                "1 replies",
                "0 replies",
            ]
            assert len(f.identifies) == 1 and bot.setups == 1
            assert len(f.bot_messages(thread_id)) == 1  # one feedback, not two
            assert answers_of(sqlite_db, f, f.alice) == 1
            await said(r, f.bob, thread_id, ANSWER_1)  # still listening after the resume
            assert len(f.bot_messages(thread_id)) == 2

    run(scenario())


def test_ready_twice_starts_the_scheduler_once_and_posts_once(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f, bot = r.fake, r.bot
            scheduler = bot.ticker._scheduler
            await f.send_ready_again()
            await bot.trace.wait(lambda: bot.trace.count("ready") == 2)
            assert bot.setups == 1 and bot.ticker._scheduler is scheduler
            assert scheduler is not None and len(scheduler.get_jobs()) == 1
            await post_daily(r)
            assert await bot.ticker.tick() == 0
            assert len(f.bot_messages(f.channel_id)) == 1
            assert len(f.commands) == 1 and len(f.posts("PUT", r".*/commands")) == 1

    run(scenario())


def test_invalid_session_identifies_again_without_restarting_anything(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f, bot = r.fake, r.bot
            thread_id = await post_daily(r)
            await f.invalidate_session()
            await f.wait(lambda: len(f.identifies) == 2)
            await bot.trace.wait(lambda: bot.trace.count("ready") == 2)
            assert bot.setups == 1 and f.resumes == []
            await said(r, f.alice, thread_id, ANSWER_1)
            assert len(f.bot_messages(thread_id)) == 1
            assert len(f.bot_messages(f.channel_id)) == 1

    run(scenario())


def test_a_redelivered_interaction_is_answered_once(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f, bot = r.fake, r.bot
            streak = await slash_done(r, await f.slash(f.alice, f.channel_id, "streak"))
            await f.redeliver(streak)
            await bot.trace.wait(lambda: bot.trace.count("duplicate", streak.id) == 1)
            assert len(streak.callbacks) == 1 and len(streak.followups) == 1

    run(scenario())


def test_two_processes_on_one_shard_count_a_message_once(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await post_daily(r)
            second = make_bot(f, drift_bank, sqlite_db, FakeClock(POST_TIME), worker_id="w2")
            task = await start_bot(second, f)
            try:
                msg = await f.say(f.alice, thread_id, ANSWER_1)
                for bot in (r.bot, second):
                    await bot.trace.wait(
                        lambda b=bot: b.trace.count("handled", str(msg["id"])) == 1  # type: ignore[misc]
                    )
                assert len(f.bot_messages(thread_id)) == 1
                assert answers_of(sqlite_db, f, f.alice) == 1
                assert await second.ticker.tick() == 0  # the daily post was claimed already
            finally:
                await stop_bot(second, task)

    run(scenario())


def test_sharded_client_uses_gateway_bot_and_identifies_with_a_shard(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, discord_sharded=True) as r:
            f = r.fake
            assert type(r.bot.client).__name__ == "ShardedCoachClient"
            assert f.posts("GET", "/gateway/bot")
            assert f.identifies[0]["shard"] == [0, 1]
            thread_id = await post_daily(r)
            await said(r, f.alice, thread_id, ANSWER_1)
            assert f.bot_messages(thread_id)[0]["embeds"]

    run(scenario())
