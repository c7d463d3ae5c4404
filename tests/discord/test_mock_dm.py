"""A full mock interview: `/coach mock` in a server channel, continued and finished in DMs."""

from __future__ import annotations

from bot.bank.loader import Bank
from bot.ports import UserRef
from storage.database import SqlDatabase
from tests.discord.harness import run, running
from tests.discord.test_daily_thread import QUESTION, said, slash_done


def test_full_mock_interview_in_dms(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    question = drift_bank.question(QUESTION)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            started = await slash_done(
                r, await f.slash(f.alice, f.channel_id, "mock", {"track": "drift", "level": "mid"})
            )
            assert started.ack_type == 5 and started.deferred_ephemeral
            assert "continues in your DMs" in started.followups[0]["content"]
            assert started.followups[0]["ephemeral"]
            assert f.bot_messages(f.channel_id) == []  # nothing public in the server channel
            dm = f.dm_channel_of(f.alice)
            intro, first = f.bot_messages(dm)
            assert intro["content"].startswith("Mock interview: 1 questions, 4 steps")
            assert first["content"].startswith("**Question 1 of 1 — ")

            for stage, step in enumerate(question.steps):
                await said(r, f.alice, dm, step.model_answer)
                embed = f.bot_messages(dm)[-1 if stage < 3 else -2]["embeds"][0]
                assert f"Step {stage + 1}/4" in embed["title"]
                assert embed["description"].startswith("Score: ")
            scorecard = f.bot_messages(dm)[-1]["embeds"][0]
            assert scorecard["title"].startswith("Mock interview scorecard — track: drift")
            assert "Overall: " in scorecard["description"]

            with sqlite_db.transaction() as repo:
                [card] = repo.scorecards.recent(UserRef("discord", "@me", f.alice["id"]), 5)
            assert card.complete and card.answered == 4
            assert f.rejected == []

    run(scenario())


def test_mock_started_in_a_dm_answers_in_the_dm(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            # Alice opens a DM with the bot first (as Discord does when she messages it).
            f._dm_with(f.alice["id"])
            dm = f.dm_channel_of(f.alice)
            started = await slash_done(r, await f.slash(f.alice, dm, "mock"))
            assert not started.deferred_ephemeral  # nothing to hide in a DM
            texts = [m["content"] for m in started.followups]
            assert texts[0].startswith("Mock interview:") and "Question 1 of 1" in texts[1]
            await said(r, f.alice, dm, "stop")
            assert "no scorecard this time" in f.bot_messages(dm)[-1]["content"]

    run(scenario())


def test_typed_commands_work_in_dms_and_stop_early_gives_a_partial_scorecard(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    question = drift_bank.question(QUESTION)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            f._dm_with(f.bob["id"])
            dm = f.dm_channel_of(f.bob)
            await said(r, f.bob, dm, "mock drift")
            await said(r, f.bob, dm, question.steps[0].model_answer)
            await said(r, f.bob, dm, "stop")
            scorecard = f.bot_messages(dm)[-1]["embeds"][0]
            assert scorecard["title"].startswith("Mock interview scorecard")
            assert "(ended early)" in scorecard["description"]

    run(scenario())
