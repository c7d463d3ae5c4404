"""A full daily thread through the fake Discord, and the ways posting it can go wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from adapters.discord.translate import PLATFORM
from bot.bank.loader import Bank
from bot.daily import DuePost
from bot.messages import Place
from bot.ports import UserRef
from storage.database import SqlDatabase
from tests.discord.fake_discord import Interaction
from tests.discord.harness import Running, run, running
from tests.discord.transcript import Recorder

QUESTION = "drift-detection-instrumentation"
POST_TIME = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)
ANSWER_1 = (
    "For covariate drift I'd run PSI per feature against the training window and investigate "
    "above 0.2. For prior shift I'd watch the predicted approval rate and the matured default "
    "rate against last quarter's band, and for concept drift compare calibration on matured "
    "cohorts. I'd page only when PSI stays above 0.25 for two days on a top feature; the rest "
    "opens a ticket."
)


async def slash_done(r: Running, interaction: Interaction) -> Interaction:
    await r.bot.trace.wait(lambda: r.bot.trace.count("slash", interaction.id) == 1)
    return interaction


async def button_done(r: Running, interaction: Interaction) -> Interaction:
    await r.bot.trace.wait(lambda: r.bot.trace.count("button", interaction.id) == 1)
    return interaction


async def schedule_daily(r: Running) -> None:
    f = r.fake
    done = await slash_done(
        r, await f.slash(f.admin, f.channel_id, "schedule", {"settings": "09:00 UTC daily"})
    )
    assert done.followups[0]["content"].startswith("Saved.")


async def post_daily(r: Running) -> str:
    """Schedule the channel, move to 09:00:05 and tick; returns the thread id."""
    await schedule_daily(r)
    r.clock.set(POST_TIME)
    await r.bot.ticker.tick()
    await r.fake.wait(lambda: len(r.fake.bot_messages(r.fake.channel_id)) == 1)
    post = r.fake.bot_messages(r.fake.channel_id)[0]
    await r.fake.wait(lambda: post["id"] in r.fake.channels)
    return str(post["id"])


async def answered_daily(r: Running) -> str:
    """Alice answers today's question in its thread; returns the thread id."""
    thread_id = await post_daily(r)
    await said(r, r.fake.alice, thread_id, ANSWER_1)
    return thread_id


async def said(r: Running, who: dict[str, object], channel: str, text: str) -> dict[str, object]:
    msg = await r.fake.say(who, channel, text)  # type: ignore[arg-type]
    await r.bot.trace.wait(
        lambda: (
            r.bot.trace.count("handled", str(msg["id"]))
            + r.bot.trace.count("ignored", str(msg["id"]))
            == 1
        )
    )
    return msg


def test_full_daily_thread(drift_bank: Bank, sqlite_db: SqlDatabase, tmp_path: Path) -> None:
    question = drift_bank.question(QUESTION)

    async def scenario() -> str:
        async with running(drift_bank, sqlite_db) as r:
            f, bot = r.fake, r.bot
            rec = Recorder(f)
            assert [c["name"] for c in f.commands] == ["coach"]
            assert [o["name"] for o in f.commands[0]["options"]] == [
                "today",
                "mock",
                "streak",
                "leaderboard",
                "season",
                "remind",
                "schedule",
                "my-data",
                "forget-me",
                "help",
            ]

            rec.user(f.bob, "#mlops-daily", "/coach schedule 09:00 UTC daily  (no Manage Server)")
            refused = await slash_done(
                r, await f.slash(f.bob, f.channel_id, "schedule", {"settings": "09:00 UTC daily"})
            )
            assert refused.ack_type == 5 and refused.deferred_ephemeral
            assert "Only workspace or server admins" in refused.followups[0]["content"]
            assert refused.followups[0]["ephemeral"]

            rec.user(f.admin, "#mlops-daily", "/coach schedule 09:00 UTC daily  (Manage Server)")
            await schedule_daily(r)
            assert await bot.ticker.tick() == 0  # 08:00: not due yet

            rec.note("clock moves to 09:00:05 UTC; the daily ticker fires")
            r.clock.set(POST_TIME)
            assert await bot.ticker.tick() == 1
            assert await bot.ticker.tick() == 0  # claimed: never twice
            [post] = f.bot_messages(f.channel_id)
            thread_id = post["id"]
            thread = f.channels[thread_id]
            assert thread["type"] == 11 and thread["parent_id"] == f.channel_id
            assert thread["name"].startswith("2026-11-23 · Instrumenting drift detection")
            assert post["content"].startswith("**Question of the day — ")
            key = DuePost(
                Place(PLATFORM, f.guild_id, f.channel_id), date(2026, 11, 23), QUESTION, None
            )  # type: ignore[arg-type]
            assert post["nonce"] == key.short_key

            rec.user(f.alice, "the thread", ANSWER_1)
            answer = await said(r, f.alice, thread_id, ANSWER_1)
            [feedback] = f.bot_messages(thread_id)
            assert str(feedback["message_reference"]["message_id"]) == answer["id"]
            embed = feedback["embeds"][0]
            assert embed["title"].endswith("Step 1/4 · opening question")
            assert embed["description"].startswith("Score: ") and "+" in embed["description"]
            fields = {fl["name"]: fl["value"] for fl in embed["fields"]}
            assert "you said “" in fields["What earned credit"]
            assert any(name.startswith("Next — Step 2/4") for name in fields)
            labels = [c["label"] for c in feedback["components"][0]["components"]]
            assert labels == ["Next follow-up", "Show model answer", "Skip"]

            rec.user(f.alice, "the thread", "[button] Next follow-up")
            pressed = await button_done(r, await f.click(f.alice, feedback, "prodml:next"))
            assert pressed.ack_type == 6  # deferred update: acknowledged, nothing shown yet
            skipped, step3 = f.bot_messages(thread_id)[1:]
            assert skipped["content"] == "Skipped."
            assert "Step 3/4" in step3["content"]

            rec.user(f.alice, "the thread", question.steps[2].model_answer)
            await said(r, f.alice, thread_id, question.steps[2].model_answer)
            feedback3 = f.bot_messages(thread_id)[-1]
            assert "Step 3/4" in feedback3["embeds"][0]["title"]

            rec.user(f.alice, "the thread", "[button] Show model answer")
            await button_done(r, await f.click(f.alice, feedback3, "prodml:model"))
            assert f.bot_messages(thread_id)[-1]["content"].startswith("**Model answer — ")

            rec.user(f.alice, "the thread", "[button] Skip")
            skip = await button_done(r, await f.click(f.alice, feedback3, "prodml:skip"))
            assert skip.followups[0]["content"] == "Skipped."
            assert "whole thread" in skip.followups[1]["content"]  # shown to alice only
            assert all(m["ephemeral"] for m in skip.followups)

            rec.user(f.bob, "the thread", "I'd monitor accuracy and retrain every week")
            await said(r, f.bob, thread_id, "I'd monitor accuracy and retrain every week")
            assert f.bot_messages(thread_id)[-1]["embeds"][0]["title"].endswith(
                "Step 1/4 · opening question"
            )

            rec.user(f.alice, "#mlops-daily", "/coach streak")
            streak = await slash_done(r, await f.slash(f.alice, f.channel_id, "streak"))
            assert streak.deferred_ephemeral and streak.followups[0]["ephemeral"]
            assert streak.followups[0]["content"].startswith("Streak: 1 day")

            rec.user(f.bob, "#mlops-daily", "/coach leaderboard")
            board = await slash_done(r, await f.slash(f.bob, f.channel_id, "leaderboard"))
            assert not board.deferred_ephemeral and not board.followups[0]["ephemeral"]
            lines = board.followups[0]["content"].splitlines()
            assert lines[0].startswith("Leaderboard — this week") and "Alice" in lines[1]

            with sqlite_db.transaction() as repo:
                mine = repo.answers.recent(UserRef(PLATFORM, f.guild_id, f.alice["id"]), 10)
            assert sorted(item.stage for item in mine) == [0, 2]
            assert f.rejected == []
            assert all(m["pings"] == [] for m in f.outbound_messages())
            return rec.text()

    text = run(scenario())
    (tmp_path / "daily-thread-transcript.txt").write_text(text)
    assert "POST /channels/" in text


def test_slash_today_in_a_channel_opens_a_personal_thread(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            done = await slash_done(r, await f.slash(f.alice, f.channel_id, "today"))
            [thread] = [c for c in f.channels.values() if c["type"] == 11]
            assert thread["parent_id"] == f.channel_id and "Alice" in thread["name"]
            assert (
                done.followups[0]["ephemeral"]
                and f"<#{thread['id']}>" in done.followups[0]["content"]
            )
            [prompt] = f.bot_messages(thread["id"])
            assert "Step 1/4" in prompt["content"]
            await said(r, f.alice, thread["id"], ANSWER_1)
            assert f.bot_messages(thread["id"])[-1]["embeds"][0]["description"].startswith(
                "Score:"
            )

    run(scenario())


def test_a_500_after_the_post_was_stored_does_not_post_twice(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            await schedule_daily(r)
            message_route = rf"/channels/{f.channel_id}/messages"
            f.fail("POST", message_route, 500, after_effect=True)
            f.fail(
                "POST", rf"/channels/{f.channel_id}/messages/\d+/threads", 502, after_effect=True
            )
            r.clock.set(POST_TIME)
            assert await r.bot.ticker.tick() == 1
            attempts = f.posts("POST", message_route)
            assert [c.status for c in attempts] == [500, 200]
            assert attempts[0].body["nonce"] == attempts[1].body["nonce"]
            assert attempts[0].body["enforce_nonce"] is True
            assert len(f.bot_messages(f.channel_id)) == 1
            threads = f.posts("POST", rf"/channels/{f.channel_id}/messages/\d+/threads")
            assert [c.status for c in threads] == [502, 400]  # the retry finds the thread made
            [post] = f.bot_messages(f.channel_id)
            await said(r, f.alice, post["id"], ANSWER_1)  # replies still reach the thread
            assert f.bot_messages(post["id"])[0]["embeds"]

    run(scenario())


def test_a_429_is_waited_out_and_nothing_is_lost(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await post_daily(r)
            route = rf"/channels/{thread_id}/messages"
            f.fail("POST", route, 429, retry_after=0.3)
            await said(r, f.alice, thread_id, ANSWER_1)
            first, second = f.posts("POST", route)
            assert (first.status, second.status) == (429, 200)
            assert second.at - first.at >= 0.3  # discord.py slept for retry_after
            assert first.body["nonce"] == second.body["nonce"]
            assert len(f.bot_messages(thread_id)) == 1

    run(scenario())


def test_bots_own_messages_edits_and_deletes_never_score(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await post_daily(r)
            before = len(f.calls)
            await said(r, f.other_bot, thread_id, ANSWER_1)
            await said(r, f.bot, thread_id, ANSWER_1)
            webhook = await f.say(f.alice, thread_id, ANSWER_1, webhook_id="4242")
            await f.say(f.alice, f.channel_id, ANSWER_1)  # top level, not in a thread
            human = await said(r, f.bob, thread_id, "short")
            await f.edit(human, ANSWER_1)
            await f.delete(human)
            await said(r, f.bob, thread_id, "sentinel")  # processed after everything above
            reasons = [d for k, _, d in r.bot.trace.entries if k == "ignored"]
            assert "a bot or webhook message" in reasons and "our own message" in reasons
            assert r.bot.trace.count("ignored", str(webhook["id"])) == 1
            outbound = [c for c in f.calls[before:] if c.method != "GET"]
            # Only bob's two real messages were answered (one reply each), nothing else.
            assert len(outbound) == 2
            with sqlite_db.transaction() as repo:
                assert (
                    repo.answers.recent(UserRef(PLATFORM, f.guild_id, f.other_bot["id"]), 5) == []
                )
                assert repo.answers.recent(UserRef(PLATFORM, f.guild_id, f.alice["id"]), 5) == []
                assert repo.answers.recent(UserRef(PLATFORM, f.guild_id, f.app_id), 5) == []

    run(scenario())


def test_mention_injection_and_huge_answers_stay_safe(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    hostile = (
        "@everyone @here <@&{role}> <@{user}> For covariate drift I'd run PSI per feature "
        "against the training window @everyone and page above 0.25 for two days. "
    )

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await post_daily(r)
            text = hostile.format(role=f.admin_role, user=f.bob["id"]) * 60  # ~12k characters
            await said(r, f.alice, thread_id, text)
            await said(r, f.bob, thread_id, ("<@&" + f.admin_role + "> ") * 700)
            assert f.rejected == []  # nothing over 2,000 characters or the embed limits
            sent = f.outbound_messages()
            assert len(sent) >= 3
            assert all(m["pings"] == [] for m in sent)
            for call in f.posts("POST", r"/channels/\d+/messages"):
                assert call.body["allowed_mentions"]["parse"] == []
                assert call.body["allowed_mentions"].get("replied_user", False) is False

    run(scenario())


def test_private_feedback_channels_send_feedback_by_dm(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await post_daily(r)
            done = await slash_done(
                r,
                await f.slash(f.admin, f.channel_id, "schedule", {"settings": "feedback=private"}),
            )
            assert done.followups[0]["content"].startswith("Saved.")
            await said(r, f.alice, thread_id, ANSWER_1)
            assert f.bot_messages(thread_id) == []
            dm = f.dm_channel_of(f.alice)
            assert f.bot_messages(dm)[0]["embeds"][0]["description"].startswith("Score:")

    run(scenario())


def test_fake_discord_enforces_what_discord_enforces() -> None:
    """The fake itself refuses oversize payloads, so the tests above mean something."""
    from tests.discord.fake_discord import message_problems

    assert message_problems({"content": "x" * 2001})
    assert message_problems({"embeds": [{"title": "t", "description": "d" * 4097}]})
    assert message_problems({"content": "ok", "nonce": "n" * 26})
    assert message_problems({"content": ""})
    assert not message_problems({"content": "fine"})
