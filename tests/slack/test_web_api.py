"""The Web API under stress: 429 + Retry-After is waited for and retried (bounded), and a
connection dropped during chat.postMessage never produces a duplicate or a lost reply."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, ADMIN, FIRE, Env, running, start_daily

ANSWER = "PSI per feature against the training window; page above 0.25 for two days."


async def answer(env: Env, thread: str, user: str = ADA) -> None:
    status, _, _ = await env.event(P.event_body(P.thread_reply(user, ANSWER, thread)))
    assert status == 200
    await env.settle()


def post_calls(env: Env) -> list[float]:
    return [c.at for c in env.fake.calls if c.method == "chat.postMessage"]


def test_a_429_is_waited_out_then_posted_once(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            env.fake.fault("chat.postMessage", status=429, retry_after="1")
            before = len(post_calls(env))
            await answer(env, thread)
            attempts = post_calls(env)[before:]
            assert len(attempts) == 2
            assert attempts[1] - attempts[0] >= 1.0  # Retry-After honoured
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1

    asyncio.run(scenario())


def test_rate_limit_retries_are_bounded(
    drift_bank: Bank, sqlite_db: SqlDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE), sleep=no_wait) as env:
            thread = await start_daily(env)
            env.fake.fault("chat.postMessage", status=429, retry_after="7", times=50)
            before = len(post_calls(env))
            await answer(env, thread)
            assert len(post_calls(env)) - before == 4  # the call + 3 retries, then give up
            assert [round(w) for w in waits] == [7, 7, 7]  # Retry-After, via the pacer
            assert env.fake.posts(P.CHANNEL, thread) == []

    with caplog.at_level(logging.WARNING, logger="adapters.slack"):
        asyncio.run(scenario())
    assert any("could not post a reply" in r.getMessage() for r in caplog.records)


def test_a_connection_dropped_after_the_post_is_not_re_sent(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            env.fake.fault("chat.postMessage", drop="after")
            before = len(post_calls(env))
            await answer(env, thread)
            assert len(post_calls(env)) - before == 1
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1
            (lookup,) = [c for c in env.fake.calls if c.method == "conversations.replies"]
            assert lookup.args["ts"] == thread

    asyncio.run(scenario())


def test_a_connection_dropped_before_the_post_is_re_sent_once(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            env.fake.fault("chat.postMessage", drop="before")
            before = len(post_calls(env))
            await answer(env, thread)
            assert len(post_calls(env)) - before == 2
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1

    asyncio.run(scenario())


def test_ephemeral_replies_are_never_re_sent_blindly(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            await env.command(P.slash("schedule feedback=private", ADMIN, env.fake.response_url()))
            await env.settle()
            env.fake.fault("chat.postEphemeral", drop="after")
            await answer(env, thread)
            assert env.fake.count("chat.postEphemeral") == 1
            assert len(env.fake.ephemerals) == 1

    asyncio.run(scenario())


def test_reads_still_retry_a_dropped_connection_once(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            env.fake.fault("users.info", drop="before")
            before = env.fake.count("users.info")
            await answer(env, thread, user="U0NEW")
            assert env.fake.count("users.info") - before == 2
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1

    asyncio.run(scenario())


def test_a_huge_answer_full_of_mentions_is_answered_within_slacks_limits(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    huge = " ".join(
        f"<!channel> <!here> @everyone <@U0BOB> PSI > 0.25 & drift check {i}." for i in range(900)
    )

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            status, _, _ = await env.event(P.event_body(P.thread_reply(ADA, huge, thread)))
            assert status == 200 and len(huge) > 50_000
            await env.settle()
            (reply,) = env.fake.posts(P.CHANNEL, thread)
            assert env.fake.violations == []  # no mention, no oversize block reached the fake
            assert reply["blocks"][0]["text"]["text"].startswith("Score ")
            assert reply["blocks"][-1]["type"] == "actions"

    asyncio.run(scenario())
