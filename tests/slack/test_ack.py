"""Slack needs an answer within 3 seconds: every event, command and click is acknowledged while
the database (and so scoring) is still blocked, and the reply follows once it is free."""

from __future__ import annotations

import asyncio
import threading

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, FIRE, Env, GatedDatabase, running, start_daily

ANSWER = "PSI per feature against the training window; page above 0.25 for two days."


async def blocked(entered: threading.Event) -> bool:
    """The bot's worker reached the (blocked) database."""
    return await asyncio.to_thread(entered.wait, 10)


def test_events_commands_and_clicks_are_acked_before_the_slow_work_finishes(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    gate, entered = threading.Event(), threading.Event()
    gate.set()
    db = GatedDatabase(sqlite_db, gate, entered)

    async def check(env: Env, send: object, produced: object) -> None:
        gate.clear()
        entered.clear()
        assert callable(send) and callable(produced)
        status, _, elapsed = await send()
        assert status == 200 and elapsed < 3.0  # acknowledged…
        assert await blocked(entered)  # …while the work is stuck on the database
        assert not produced()  # …and has produced nothing yet
        gate.set()
        await env.settle()
        assert produced()

    async def scenario() -> None:
        async with running(drift_bank, db, FakeClock(FIRE)) as env:
            fake = env.fake
            thread = await start_daily(env)
            body = P.event_body(P.thread_reply(ADA, ANSWER, thread))
            await check(env, lambda: env.event(body), lambda: fake.posts(P.CHANNEL, thread))
            feedback = fake.posts(P.CHANNEL, thread)[-1]
            value = P.buttons_of(feedback)["coach_model"]
            click = P.button("coach_model", value, ADA, feedback["ts"], thread_ts=thread)
            await check(
                env, lambda: env.action(click), lambda: len(fake.posts(P.CHANNEL, thread)) == 2
            )
            form = P.slash("streak", ADA, fake.response_url())
            before = len(fake.responses)
            await check(env, lambda: env.command(form), lambda: len(fake.responses) > before)

    try:
        asyncio.run(scenario())
    finally:
        gate.set()


def test_socket_mode_envelopes_are_acked_before_the_slow_work_finishes(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    gate, entered = threading.Event(), threading.Event()
    gate.set()
    db = GatedDatabase(sqlite_db, gate, entered)

    async def scenario() -> None:
        async with running(drift_bank, db, FakeClock(FIRE), mode="socket") as env:
            thread = await start_daily(env)
            gate.clear()
            entered.clear()
            envelope = await env.envelope(
                "events_api", P.event_body(P.thread_reply(ADA, ANSWER, thread))
            )
            assert envelope.acked_at is not None
            assert envelope.acked_at - envelope.sent_at < 3.0
            assert await blocked(entered)
            assert env.fake.posts(P.CHANNEL, thread) == []
            gate.set()
            await env.settle()
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1

    try:
        asyncio.run(scenario())
    finally:
        gate.set()
