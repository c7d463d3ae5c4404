"""Start-up: clear errors for missing or rejected tokens, and `serve(app, stop)` in both modes."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
import pytest

from adapters.errors import PlatformStartupError
from adapters.slack import runner
from adapters.slack.runner import build_runtime, serve
from bot.bank.loader import Bank
from coach.bootstrap import build_app
from coach.run_command import _server
from coach.settings import Settings
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.slack.harness import ADA, USERS, make_settings


def start_error(bank: Bank, db: SqlDatabase, **overrides: Any) -> str:
    async def scenario() -> str:
        fake = await FakeSlack(USERS).start()
        try:
            app = build_app(make_settings(fake, **overrides), bank, db, FakeClock())
            with pytest.raises(PlatformStartupError) as caught:
                await build_runtime(app, host="127.0.0.1", port=0)
            return str(caught.value)
        finally:
            await fake.stop()

    return asyncio.run(scenario())


def test_missing_or_rejected_tokens_stop_start_up_with_a_plain_message(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    assert "SLACK_BOT_TOKEN is not set" in start_error(drift_bank, sqlite_db, slack_bot_token=None)
    assert "SLACK_APP_TOKEN" in start_error(
        drift_bank, sqlite_db, slack_mode="socket", slack_app_token=None
    )
    assert "SLACK_SIGNING_SECRET" in start_error(
        drift_bank, sqlite_db, slack_mode="http", slack_signing_secret=None
    )
    assert start_error(drift_bank, sqlite_db, slack_bot_token="xoxb-0-wrong-token") == (
        "Slack rejected SLACK_BOT_TOKEN: invalid_auth."
    )
    assert start_error(
        drift_bank, sqlite_db, slack_mode="socket", slack_app_token="xapp-1-wrong-token"
    ) == ("Slack rejected SLACK_APP_TOKEN: invalid_auth.")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/api/"
    assert "Could not reach the Slack API" in start_error(
        drift_bank, sqlite_db, slack_api_url=dead
    )


def test_coach_run_finds_the_slack_adapter() -> None:
    assert _server("slack") is runner.serve


def test_serve_in_socket_mode_until_stopped(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        fake = await FakeSlack(USERS).start()
        try:
            app = build_app(
                make_settings(fake, mode="socket", daily_tick_seconds=600),
                drift_bank,
                sqlite_db,
                FakeClock(),
            )
            stop = asyncio.Event()
            task = asyncio.create_task(serve(app, stop))
            await asyncio.wait_for(fake.connected.wait(), 10)
            envelope = await fake.send_envelope(
                "events_api", P.event_body(P.dm_message(ADA, "help"))
            )
            await asyncio.wait_for(envelope.acked.wait(), 10)
            await fake.wait_for(lambda: bool(fake.posts("D0ADA")))
            assert fake.posts("D0ADA")[0]["text"].startswith("ProdML Coach")
            stop.set()
            await asyncio.wait_for(task, 10)
            await fake.wait_for(lambda: not fake.sockets)
        finally:
            await fake.stop()

    asyncio.run(scenario())


def test_serve_in_http_mode_until_stopped(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def scenario() -> None:
        fake = await FakeSlack(USERS).start()
        try:
            settings = make_settings(fake, mode="http", http_port=port, daily_tick_seconds=600)
            app = build_app(settings, drift_bank, sqlite_db, FakeClock())
            stop, ready = asyncio.Event(), asyncio.Event()
            task = asyncio.create_task(serve(app, stop, ready))
            await asyncio.wait_for(ready.wait(), 10)
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    assert await resp.text() == "ok"
                async with session.post(f"http://127.0.0.1:{port}/slack/events", data=b"{}") as r:
                    assert r.status == 401
            stop.set()
            await asyncio.wait_for(task, 10)
        finally:
            await fake.stop()

    asyncio.run(scenario())


def test_slack_api_url_from_the_environment_points_the_bot_at_a_local_fake(
    drift_bank: Bank, sqlite_db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        fake = await FakeSlack(USERS).start()
        try:
            monkeypatch.setenv("SLACK_API_URL", fake.api_url)
            monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
            monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
            monkeypatch.setenv("COACH_SLACK_MODE", "http")
            settings = Settings()
            assert settings.chosen_platforms() == ["slack"]
            app = build_app(settings, drift_bank, sqlite_db, FakeClock())
            runtime = await build_runtime(app, host="127.0.0.1", port=0)
            assert runtime.coach.identity.bot_user_id == "U0BOT"
            assert fake.count("auth.test") == 1
            assert BOT_TOKEN not in repr(runtime) and SIGNING_SECRET not in repr(runtime)
        finally:
            await fake.stop()

    asyncio.run(scenario())
