"""`/coach` sub-commands, admin rights, App Home, and what users see when storage is down."""

from __future__ import annotations

import asyncio
import json

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock, InMemoryDatabase
from tests.slack import payloads as P
from tests.slack.harness import ADA, ADMIN, BOB, FIRE, Env, running, start_daily


async def ask(env: Env, text: str, user: str = ADA, **where: str) -> dict:
    before = len(env.fake.responses)
    status, _, _ = await env.command(P.slash(text, user, env.fake.response_url(), **where))
    assert status == 200
    await env.settle()
    assert len(env.fake.responses) == before + 1, env.fake.responses[before:]
    return env.fake.responses[-1]


def test_help_unknown_and_bad_arguments(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            empty = await ask(env, "")
            assert empty["response_type"] == "ephemeral"
            assert (
                "ProdML Coach" in empty["text"] and "/coach mock [track] [level]" in empty["text"]
            )
            odd = await ask(env, "frobnicate <!channel>")
            assert odd["text"].startswith("I don't know `/coach frobnicate`")
            assert "Tracks: mixed, " in odd["text"]
            bad = await ask(env, "leaderboard decade")
            assert (
                bad["response_type"] == "ephemeral"
                and "leaderboard [week|month|all" in bad["text"]
            )
            board = await ask(env, "leaderboard all")
            assert board["response_type"] == "in_channel" and "No points yet" in board["text"]
            tz = await ask(env, "timezone Europe/Helsinki")
            assert tz["response_type"] == "ephemeral" and "Europe/Helsinki" in tz["text"]
            history = await ask(env, "history")
            assert "No history yet" in history["text"]
            assert env.fake.violations == []

    asyncio.run(scenario())


def test_schedule_is_for_admins_and_channels(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE), slack_admins=[BOB]) as env:
            shown = await ask(env, "schedule")
            assert "Daily questions are off in this channel." in shown["text"]
            refused = await ask(env, "schedule 08:30 Europe/Helsinki mon-fri")
            assert refused["response_type"] == "ephemeral" and "Only workspace" in refused["text"]
            by_workspace_admin = await ask(env, "schedule 08:30 Europe/Helsinki mon-fri", ADMIN)
            assert by_workspace_admin["text"].startswith(
                "Saved. Daily question at 08:30 Europe/Helsinki"
            )
            by_listed_admin = await ask(env, "schedule topics=drift level=mid", BOB)
            assert (
                by_listed_admin["text"].startswith("Saved.")
                and "Topics: drift" in by_listed_admin["text"]
            )
            in_dm = await ask(
                env, "schedule 07:00", ADMIN, channel="D0ADMIN", channel_name="directmessage"
            )
            assert "Schedules belong to channels" in in_dm["text"]

    asyncio.run(scenario())


def test_app_home_for_a_new_user(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            await env.event(P.event_body(P.home_opened(ADA)))
            await env.settle()
            home = json.dumps(env.fake.views[ADA], ensure_ascii=False)
            assert "none yet" in home and "Nothing yet." in home
            (call,) = [c for c in env.fake.calls if c.method == "views.publish"]
            assert call.args["user_id"] == ADA

    asyncio.run(scenario())


def test_storage_down_answers_privately_and_the_retry_is_processed(drift_bank: Bank) -> None:
    db = InMemoryDatabase()

    async def scenario() -> None:
        async with running(drift_bank, db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            body = P.event_body(P.thread_reply(ADA, "PSI per feature above 0.25 <!here>", thread))
            db.unavailable = "disk I/O error"
            await env.event(body)
            await env.settle()
            (sorry,) = env.fake.ephemerals
            assert sorry["user"] == ADA and sorry["thread_ts"] == thread
            assert "database is unavailable" in sorry["text"] and "<!here>" not in sorry["text"]
            assert env.fake.posts(P.CHANNEL, thread) == []
            await env.event(P.event_body(P.home_opened(ADA)))
            await env.settle()
            assert "database is unavailable" in json.dumps(env.fake.views[ADA])

            db.unavailable = None
            await env.event(body, retry=1)  # Slack's retry arrives after the outage
            await env.settle()
            (feedback,) = env.fake.posts(P.CHANNEL, thread)
            assert feedback["text"].startswith("Score: ")
            assert env.fake.violations == []

    asyncio.run(scenario())
