"""End to end through the fake Slack: schedule → daily post → answers scored in the thread,
buttons, private feedback, `/coach today` pointing at the thread, App Home; and the daily post
stays single across a crash takeover and dropped connections."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.bank.loader import Bank
from bot.messages import Place
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, ADMIN, BOB, CAROL, Env, count_rows, running

FIRE = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)  # a Monday, just after 09:00 UTC
ANSWER_1 = (
    "For covariate drift I'd run PSI per feature against the training window and page when "
    "PSI > 0.25 for two days; the score histogram is an early warning <!channel>"
)
ANSWER_3 = (
    "PSI alone opens a ticket; the model's on-call rotation is paged only if the approval rate "
    "also moves more than 3 points. First rule out a data bug: a pipeline change, a new income "
    "unit or more nulls upstream. Then check whether decisions moved, and follow the runbook: "
    "switch to the fallback policy if they did."
)
TRANSCRIPT = os.environ.get("SLACK_TRANSCRIPT")  # write the recorded thread here, if set


async def schedule(env: Env, args: str, user: str = ADMIN) -> dict:
    before = len(env.fake.responses)
    status, _, _ = await env.command(P.slash(f"schedule {args}", user, env.fake.response_url()))
    assert status == 200
    await env.fake.wait_for(lambda: len(env.fake.responses) > before)
    return env.fake.responses[-1]


async def answer(env: Env, user: str, text: str, thread: str) -> None:
    status, _, _ = await env.event(P.event_body(P.thread_reply(user, text, thread)))
    assert status == 200
    await env.settle()


async def press(env: Env, action_id: str, user: str, message: dict, thread: str) -> None:
    value = P.buttons_of(message)[action_id]
    payload = P.button(action_id, value, user, message["ts"], thread_ts=thread)
    status, _, _ = await env.action(payload)
    assert status == 200
    await env.settle()


def texts(env: Env, thread: str) -> list[str]:
    return [m["text"] for m in env.fake.posts(P.CHANNEL, thread)]


def test_a_full_daily_thread(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    clock = FakeClock(FIRE)

    async def scenario() -> list[str]:
        async with running(drift_bank, sqlite_db, clock) as env:
            fake = env.fake
            refused = await schedule(env, "10:00", user=BOB)
            assert refused["response_type"] == "ephemeral" and "Only workspace" in refused["text"]
            saved = await schedule(env, "09:00 UTC daily")
            assert saved["response_type"] == "in_channel" and saved["text"].startswith("Saved.")

            # The daily post: once, tagged with metadata; a second tick posts nothing.
            assert await env.runtime.ticker.tick() == 1
            assert await env.runtime.ticker.tick() == 0
            assert fake.count("conversations.history") == 0  # a first attempt needs no lookup
            (post,) = fake.posts(P.CHANNEL)
            thread = post["ts"]
            assert post["metadata"] == {
                "event_type": "prodml_daily",
                "event_payload": {"key": "daily:slack:T0TEAM:C0COACH:2026-11-23"},
            }
            assert post["text"].startswith("Question of the day — ")

            # Ada answers: scored in the thread with Block Kit and the three buttons.
            await answer(env, ADA, ANSWER_1, thread)
            (feedback,) = fake.posts(P.CHANNEL, thread)
            header = feedback["blocks"][0]["text"]["text"]
            assert header.startswith("Score ") and "points" in header
            body = json.dumps(feedback["blocks"], ensure_ascii=False)
            assert "What earned credit" in body and "To go further" in body
            assert "Next — Step 2/4" in body
            assert set(P.buttons_of(feedback)) == {"coach_next", "coach_model", "coach_skip"}
            assert json.loads(P.buttons_of(feedback)["coach_next"]) == {"o": ADA, "t": thread}
            assert "&gt; 0.25" in body and "<!channel>" not in body

            # Slack echoes our own reply back as an event: ignored.
            await env.event(P.event_body(P.bot_echo(feedback["text"], thread)))
            await env.settle()
            assert len(fake.posts(P.CHANNEL, thread)) == 1

            # Buttons: model answer, then next follow-up; Bob can't press Ada's buttons.
            await press(env, "coach_model", ADA, feedback, thread)
            assert texts(env, thread)[-1].startswith("Model answer — ")
            await press(env, "coach_next", ADA, feedback, thread)
            assert texts(env, thread)[-2] == "Skipped."
            assert texts(env, thread)[-1].startswith("Step 3/4")
            await press(env, "coach_next", ADA, feedback, thread)  # same button twice: once
            assert len(texts(env, thread)) == 4
            await press(env, "coach_skip", BOB, feedback, thread)
            assert fake.ephemerals[-1]["user"] == BOB
            assert "someone else's answer" in fake.ephemerals[-1]["text"]
            assert len(texts(env, thread)) == 4

            await answer(env, ADA, ANSWER_3, thread)
            step3 = fake.posts(P.CHANNEL, thread)[-1]
            assert step3["blocks"][0]["text"]["text"].startswith("Score ")
            await press(env, "coach_skip", ADA, step3, thread)
            assert "That's the whole thread" in texts(env, thread)[-1]

            # Bob answers in the same thread: his own session, public feedback.
            await answer(env, BOB, "I'd monitor accuracy.", thread)
            assert fake.posts(P.CHANNEL, thread)[-1]["text"].startswith("Score: ")

            # `/coach today` in the channel points at the thread (ephemeral, with a permalink).
            await env.command(P.slash("today", CAROL, fake.response_url()))
            await fake.wait_for(lambda: "already posted" in fake.responses[-1]["text"])
            pointer = fake.responses[-1]
            assert pointer["response_type"] == "ephemeral"
            assert f"p{thread.replace('.', '')}" in pointer["text"]

            # Streak, leaderboard, App Home.
            await env.command(P.slash("streak", ADA, fake.response_url()))
            await fake.wait_for(lambda: fake.responses[-1]["text"].startswith("Streak: 1 day"))
            assert fake.responses[-1]["response_type"] == "ephemeral"
            await env.command(P.slash("leaderboard", ADA, fake.response_url()))
            await fake.wait_for(lambda: "Leaderboard" in fake.responses[-1]["text"])
            board = fake.responses[-1]
            assert board["response_type"] == "in_channel"
            assert " 1. Ada — " in board["text"] and "Bob Builder" in board["text"]
            await env.event(P.event_body(P.home_opened(ADA)))
            await env.settle()
            home = json.dumps(fake.views[ADA], ensure_ascii=False)
            assert "*Streak:* 1 day" in home and "Recent scores" in home
            assert "Weakest topics" in home

            # Private feedback: an admin switches it; Carol's answer is ephemeral in the thread.
            await schedule(env, "feedback=private")
            public_before = len(fake.posts(P.CHANNEL, thread))
            await answer(env, CAROL, "I'd compare PSI per feature weekly.", thread)
            assert len(fake.posts(P.CHANNEL, thread)) == public_before
            private = fake.ephemerals[-1]
            assert private["user"] == CAROL and private["thread_ts"] == thread
            assert private["blocks"][0]["text"]["text"].startswith("Score ")

            assert fake.violations == []
            assert count_rows(sqlite_db, "answer") == 4
            return fake.transcript(P.CHANNEL, thread)

    lines = asyncio.run(scenario())
    assert any(line.startswith(">> message event from U0ADA") for line in lines)
    if TRANSCRIPT:
        Path(TRANSCRIPT).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_daily_post_survives_a_crash_takeover(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    """A replica claimed the post, posted it, and died before recording it: after the lease the
    next tick finds the message by its metadata key instead of posting again."""
    clock = FakeClock(FIRE)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as env:
            await schedule(env, "09:00 UTC daily")
            service = env.runtime.ticker.service
            (claimed,) = service.due("slack", clock.now())  # the crashed replica's claim
            earlier = env.fake.add_message(
                P.CHANNEL,
                user="U0BOT",
                bot_id="B0BOT",
                text=claimed.reply.text,
                metadata={"event_type": "prodml_daily", "event_payload": {"key": claimed.key}},
            )
            assert await env.runtime.ticker.tick() == 0  # still leased to the dead replica
            clock.advance(minutes=6)
            assert await env.runtime.ticker.tick() == 1
            assert env.fake.count("chat.postMessage") == 0
            history = [c for c in env.fake.calls if c.method == "conversations.history"]
            assert history and history[-1].args["include_all_metadata"] in (True, "1", "true")
            thread = await asyncio.to_thread(
                env.app.coach.daily_thread, Place("slack", "T0TEAM", P.CHANNEL)
            )
            assert thread == earlier["ts"]
            await answer(env, ADA, ANSWER_1, thread)
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1

    asyncio.run(scenario())


def test_a_dropped_connection_after_the_daily_post_does_not_post_twice(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    clock = FakeClock(FIRE)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as env:
            await schedule(env, "09:00 UTC daily")
            env.fake.fault("chat.postMessage", drop="after")
            assert await env.runtime.ticker.tick() == 1
            assert env.fake.count("chat.postMessage") == 1
            (post,) = env.fake.posts(P.CHANNEL)
            thread = await asyncio.to_thread(
                env.app.coach.daily_thread, Place("slack", "T0TEAM", P.CHANNEL)
            )
            assert thread == post["ts"]

    asyncio.run(scenario())


def test_a_refused_daily_post_is_retried_on_a_later_tick(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    clock = FakeClock(FIRE)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as env:
            await schedule(env, "09:00 UTC daily")
            env.fake.not_in_channel.add(P.CHANNEL)
            assert await env.runtime.ticker.tick() == 0
            env.fake.not_in_channel.clear()
            clock.advance(seconds=30)
            assert await env.runtime.ticker.tick() == 1
            assert len(env.fake.posts(P.CHANNEL)) == 1

    asyncio.run(scenario())


def test_today_without_a_daily_post_runs_in_the_dm(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    clock = FakeClock(FIRE + timedelta(hours=3))

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as env:
            fake = env.fake
            await env.command(P.slash("today", ADA, fake.response_url()))
            await env.settle()
            assert "our DM" in fake.responses[-1]["text"]
            assert fake.responses[-1]["response_type"] == "ephemeral"
            (question,) = fake.posts("D0ADA")
            assert question["text"].startswith("Question of the day — ")
            await env.event(P.event_body(P.dm_message(ADA, ANSWER_1)))
            await env.settle()
            assert fake.posts("D0ADA")[-1]["text"].startswith("Score: ")

    asyncio.run(scenario())
