"""Tokens, the signing secret, the Socket Mode ticket and response_urls never reach the logs,
at DEBUG, through everything the adapter does (start-up, both transports, failures)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.errors import PlatformStartupError
from adapters.slack.runner import build_runtime
from bot.bank.loader import Bank
from coach import redaction
from coach.bootstrap import build_app
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TICKET, FakeSlack
from tests.slack.harness import ADA, FIRE, USERS, make_settings, running, start_daily

SECRETS = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, TICKET, "/response/"]


@pytest.fixture
def debug_logs() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """The root logger at DEBUG with the production redaction filter, plus a raw (unfiltered)
    capture of the adapter's own loggers."""
    root, adapters = logging.getLogger(), logging.getLogger("adapters")
    filtered, raw = io.StringIO(), io.StringIO()
    filtered_handler = logging.StreamHandler(filtered)
    raw_handler = logging.StreamHandler(raw)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(filtered_handler)
    adapters.addHandler(raw_handler)
    settings_secrets = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET]
    filtered_handler.addFilter(redaction.RedactingFilter(settings_secrets))
    try:
        yield filtered, raw
    finally:
        root.removeHandler(filtered_handler)
        adapters.removeHandler(raw_handler)
        root.setLevel(old_level)


def test_no_secret_reaches_any_log(
    debug_logs: tuple[io.StringIO, io.StringIO], drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    filtered, raw = debug_logs

    async def scenario() -> None:
        clock = FakeClock(FIRE)
        async with running(drift_bank, sqlite_db, clock) as env:
            thread = await start_daily(env)
            env.fake.fault("chat.postMessage", status=429, retry_after="0")
            body = P.event_body(P.thread_reply(ADA, "PSI per feature above 0.25", thread))
            await env.event(body)
            raw_body = json.dumps(body).encode()
            await env.post_raw(raw_body, env.sign(raw_body, secret="wrong"), "application/json")
            await env.command(P.slash("streak", ADA, env.fake.response_url()))
            await env.settle()
        async with running(drift_bank, sqlite_db, clock, mode="socket") as env:
            await env.envelope("events_api", P.event_body(P.dm_message(ADA, "today")))
            await env.settle()
        fake = await FakeSlack(USERS).start()
        try:
            settings = make_settings(fake, slack_bot_token="xoxb-9999-wrong-token-abcdef")
            app = build_app(settings, drift_bank, sqlite_db, clock)
            with pytest.raises(PlatformStartupError):
                await build_runtime(app, host="127.0.0.1", port=0)
        finally:
            await fake.stop()

    asyncio.run(scenario())
    logged, adapter_raw = filtered.getvalue(), raw.getvalue()
    assert "Sending a request" in logged  # slack_sdk's DEBUG output was captured
    assert "refused a request" in adapter_raw
    for secret in SECRETS:
        assert secret not in logged, secret
        assert secret not in adapter_raw, secret
    assert "xoxb-9999-wrong-token-abcdef" not in logged
