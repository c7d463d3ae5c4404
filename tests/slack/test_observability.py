"""Slack: /healthz /readyz /metrics beside /slack/events, readiness in Socket Mode, API errors
counted by code, and log lines tagged with the event's id."""

from __future__ import annotations

import asyncio
import io
import json
import logging

from bot.bank.loader import Bank
from coach.logs import configure
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, ADMIN, BOB, FIRE, Env, running, start_daily

ANSWER = "PSI per feature against the training window; page above 0.25 for two days."


async def get(env: Env, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{env.runtime.bound_port}{path}"
    assert env.session is not None
    async with env.session.get(url) as response:
        return response.status, await response.text()


def test_http_mode_serves_health_readiness_and_metrics_on_the_events_port(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("adapters.slack.bot")
    configure("INFO", "json", [], stream, target=logger)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            status, _, _ = await env.event(P.event_body(P.thread_reply(ADA, ANSWER, thread)))
            assert status == 200
            await env.settle()
            env.fake.fault("chat.postMessage", error="channel_not_found")
            body = P.event_body(P.thread_reply(BOB, ANSWER, thread), event_id="Ev0OBSERVE")
            assert (await env.event(body))[0] == 200
            await env.settle()

            assert await get(env, "/healthz") == (200, "ok")
            status, text = await get(env, "/readyz")
            assert status == 200 and json.loads(text)["checks"] == ["database", "slack"]
            status, page = await get(env, "/metrics")
            assert status == 200
            for line in (
                'coach_platform_api_errors_total{code="channel_not_found",platform="slack"} 1.0',
                'coach_events_received_total{kind="message",platform="slack"} 2.0',
                'coach_events_received_total{kind="command",platform="slack"} 1.0',
                'coach_replies_scored_total{mode="daily",platform="slack"} 2.0',
                'coach_posts_total{kind="daily",outcome="sent",platform="slack"} 1.0',
                'coach_ready{check="slack"} 1.0',
            ):
                assert line in page, line

    try:
        asyncio.run(scenario())
    finally:
        logger.handlers = []
        logger.setLevel(logging.NOTSET)
    failed = [json.loads(x) for x in stream.getvalue().splitlines() if "could not post" in x]
    assert [line["event_id"] for line in failed] == ["Ev0OBSERVE"]


def test_socket_mode_is_ready_while_connected(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE), mode="socket") as env:
            assert env.runtime.connected
            assert await env.app.health.failures() == {}
            await env.runtime.close()
            assert not env.runtime.connected
            assert await env.app.health.failures() == {"slack": "not connected"}

    asyncio.run(scenario())


def test_a_refused_daily_post_counts_as_failed_and_as_an_api_error(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            form = P.slash("schedule 09:00 UTC daily", ADMIN, env.fake.response_url())
            await env.command(form)
            await env.settle()
            env.fake.fault("chat.postMessage", error="not_in_channel")
            assert await env.runtime.ticker.tick() == 0
            sample = env.app.metrics.registry.get_sample_value
            failed = {"platform": "slack", "kind": "daily", "outcome": "failed"}
            assert sample("coach_posts_total", failed) == 1
            code = {"platform": "slack", "code": "not_in_channel"}
            assert sample("coach_platform_api_errors_total", code) == 1

    asyncio.run(scenario())
