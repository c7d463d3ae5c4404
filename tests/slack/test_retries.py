"""Slack retries an event (X-Slack-Retry-Num 1–3, same event_id): it is scored once and
answered once, on one replica or two sharing the database; a first delivery that only ever
arrives as a retry is still handled."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.conftest import migrated_sqlite
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import ADA, FIRE, USERS, count_rows, running, start_daily

ANSWER = "PSI per feature against the training window; page above 0.25 for two days."


def test_retries_are_scored_and_answered_once(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            body = P.event_body(P.thread_reply(ADA, ANSWER, thread))
            for retry in (None, 1, 2, 3):
                status, _, _ = await env.event(body, retry=retry)
                assert status == 200
            await env.settle()
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1
            assert count_rows(sqlite_db, "answer") == 1

    asyncio.run(scenario())


def test_an_event_first_seen_as_a_retry_is_still_processed(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            body = P.event_body(P.thread_reply(ADA, ANSWER, thread))
            await env.event(body, retry=2)
            await env.settle()
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1
            await env.event(body, retry=3)
            await env.settle()
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1
            assert count_rows(sqlite_db, "answer") == 1

    asyncio.run(scenario())


def test_two_replicas_sharing_the_database_handle_an_event_once(
    drift_bank: Bank, tmp_path: Path
) -> None:
    path = tmp_path / "shared.db"
    first_db, second_db = migrated_sqlite(path), SqlDatabase(f"sqlite:///{path}")
    clock = FakeClock(FIRE)

    async def scenario() -> None:
        fake = await FakeSlack(USERS).start()
        try:
            async with (
                running(drift_bank, first_db, clock, fake=fake) as one,
                running(drift_bank, second_db, clock, fake=fake, worker_id="w2") as two,
            ):
                thread = await start_daily(one)
                assert await two.runtime.ticker.tick() == 0  # already posted by replica one
                body = P.event_body(P.thread_reply(ADA, ANSWER, thread))
                results = await asyncio.gather(
                    one.event(body),
                    two.event(body, retry=1),
                    one.event(body, retry=2),
                    two.event(body, retry=3),
                )
                assert [r[0] for r in results] == [200] * 4
                await one.settle()
                await two.settle()
                assert len(fake.posts(P.CHANNEL, thread)) == 1
                assert len(fake.posts(P.CHANNEL)) == 1
                assert count_rows(first_db, "answer") == 1
                assert count_rows(first_db, "processed_event") == 2  # the command + the event
        finally:
            await fake.stop()

    try:
        asyncio.run(scenario())
    finally:
        first_db.dispose()
        second_db.dispose()


def test_socket_mode_redeliveries_count_once(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE), mode="socket") as env:
            thread = await start_daily(env)
            body = P.event_body(P.thread_reply(ADA, ANSWER, thread))
            for attempt in (0, 1, 2):
                await env.envelope("events_api", body, retry=attempt)
            await env.settle()
            assert len(env.fake.posts(P.CHANNEL, thread)) == 1
            assert count_rows(sqlite_db, "answer") == 1

    asyncio.run(scenario())
