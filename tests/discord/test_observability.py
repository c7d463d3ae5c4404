"""Discord: readiness follows the gateway, REST errors are counted by code, events are counted
and their log lines carry the message or interaction id."""

from __future__ import annotations

import io
import json
import logging

from bot.bank.loader import Bank
from coach.logs import configure
from storage.database import SqlDatabase
from tests.discord.harness import run, running
from tests.discord.test_daily_thread import ANSWER_1, post_daily, said


def test_ready_while_connected_and_errors_counted_by_code(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("adapters.discord")  # every adapter module propagates here
    configure("INFO", "json", [], stream, target=logger)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            assert r.bot.connected
            assert await r.app.health.failures() == {}
            thread_id = await post_daily(r)
            r.fake.fail("POST", rf"/channels/{thread_id}/messages", 403)
            message = await said(r, r.fake.alice, thread_id, ANSWER_1)
            sample = r.app.metrics.registry.get_sample_value
            assert (
                sample("coach_platform_api_errors_total", {"platform": "discord", "code": "403"})
                == 1
            )
            assert (
                sample("coach_events_received_total", {"platform": "discord", "kind": "message"})
                >= 1
            )
            assert (
                sample("coach_events_received_total", {"platform": "discord", "kind": "command"})
                == 1
            )
            assert (
                sample("coach_replies_scored_total", {"platform": "discord", "mode": "daily"}) == 1
            )
            sent = {"platform": "discord", "kind": "daily", "outcome": "sent"}
            assert sample("coach_posts_total", sent) == 1
            await r.bot.close()
            assert not r.bot.connected
            assert await r.app.health.failures() == {"discord": "not connected"}
            failed = [
                json.loads(line)
                for line in stream.getvalue().splitlines()
                if "could not send a reply" in line
            ]
            assert [line["event_id"] for line in failed] == [f"message:{message['id']}"]

    try:
        run(scenario())
    finally:
        logger.handlers = []
        logger.setLevel(logging.NOTSET)
