"""HTTP mode only accepts requests signed with the signing secret within 5 minutes: anything
else is a bare 401 before the body is parsed, stored or logged."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.fake_slack import SIGNING_SECRET
from tests.slack.harness import ADA, FIRE, count_rows, running, start_daily


def test_bad_missing_or_stale_signatures_get_401_and_nothing_is_stored(
    drift_bank: Bank, sqlite_db: SqlDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(FIRE)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, clock) as env:
            thread = await start_daily(env)
            calls_before = len(env.fake.calls)
            events_before = count_rows(sqlite_db, "processed_event")
            handled = env.done
            body = P.event_body(P.thread_reply(ADA, "PSI per feature, page above 0.25", thread))
            raw = json.dumps(body).encode()
            now = int(clock.now().timestamp())
            forged = env.sign(raw, secret="not-the-signing-secret")
            tampered = env.sign(b'{"type":"event_callback"}')
            cases = {
                "no headers": {},
                "no signature": {"X-Slack-Request-Timestamp": str(now)},
                "wrong secret": forged,
                "other body": tampered,
                "6 minutes old": env.sign(raw, ts=now - 301),
                "6 minutes ahead": env.sign(raw, ts=now + 301),
                "bad timestamp": {**env.sign(raw), "X-Slack-Request-Timestamp": "soon"},
                "garbage signature": {**env.sign(raw), "X-Slack-Signature": "v0=00"},
            }
            for name, headers in cases.items():
                status, text, _ = await env.post_raw(raw, headers, "application/json")
                assert status == 401, name
                assert "invalid request signature" in text
            assert env.done == handled
            assert len(env.fake.calls) == calls_before
            assert count_rows(sqlite_db, "processed_event") == events_before
            assert count_rows(sqlite_db, "answer") == 0

            # Just inside the window is fine.
            status, _, _ = await env.post_raw(raw, env.sign(raw, ts=now - 299), "application/json")
            assert status == 200
            await env.settle()
            assert count_rows(sqlite_db, "answer") == 1

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    refused = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refused) == 8
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SIGNING_SECRET not in logged
    assert "PSI per feature, page above 0.25" not in "\n".join(r.getMessage() for r in refused)


def test_url_verification_and_health_check(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            body = {
                "token": "legacy",
                "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                "type": "url_verification",
            }
            raw = json.dumps(body).encode()
            status, text, _ = await env.post_raw(raw, env.sign(raw), "application/json")
            assert status == 200 and body["challenge"] in text
            status, _, _ = await env.post_raw(raw, {}, "application/json")
            assert status == 401
            assert env.session is not None
            health = env.url.replace("/slack/events", "/healthz")
            async with env.session.get(health) as resp:
                assert resp.status == 200 and await resp.text() == "ok"

    asyncio.run(scenario())
