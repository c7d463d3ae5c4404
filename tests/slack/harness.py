"""Runs the real Slack runtime against the fake Slack, and sends it signed requests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.runner import SlackRuntime, build_runtime
from adapters.slack.web import Sleep
from bot.bank.loader import Bank
from bot.ports import StorageUnavailable
from coach.bootstrap import App, build_app
from coach.settings import Settings
from tests.fakes import FakeClock
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, Envelope, FakeSlack

ADA, BOB, CAROL, ADMIN = "U0ADA", "U0BOB", "U0CAROL", "U0ADMIN"
USERS = {
    ADA: {"name": "ada", "real_name": "Ada Lovelace", "display_name": "Ada"},
    BOB: {"name": "bob", "real_name": "Bob Builder"},
    CAROL: {"name": "carol", "real_name": "Carol Shaw"},
    ADMIN: {"name": "grace", "real_name": "Grace Hopper", "is_admin": True},
}


def make_settings(fake: FakeSlack, mode: str = "http", **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_app_token": APP_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "slack_mode": mode,
        "timezone": "UTC",
        "mock_questions": 2,
        "worker_id": "w1",
    }
    return Settings(**{**values, **extra})


@dataclass
class Env:
    """A running bot + the fake it talks to."""

    fake: FakeSlack
    runtime: SlackRuntime
    app: App
    clock: FakeClock
    session: aiohttp.ClientSession | None
    sent: int = 0  # accepted requests that start work in the bot

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.runtime.bound_port}/slack/events"

    def sign(
        self, body: bytes, secret: str = SIGNING_SECRET, ts: int | None = None
    ) -> dict[str, str]:
        stamp = str(int(self.clock.now().timestamp()) if ts is None else ts)
        signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": str(signature)}

    async def post_raw(
        self, body: bytes, headers: dict[str, str], content_type: str
    ) -> tuple[int, str, float]:
        assert self.session is not None
        started = time.monotonic()
        async with self.session.post(
            self.url, data=body, headers={**headers, "Content-Type": content_type}
        ) as resp:
            text = await resp.text()
            if resp.status == 200:
                self.sent += 1
            return resp.status, text, time.monotonic() - started

    async def event(
        self, body: dict[str, Any], retry: int | None = None, **sign: Any
    ) -> tuple[int, str, float]:
        raw = json.dumps(body).encode()
        self.fake.record_inbound("event", body.get("event") or {})
        headers = self.sign(raw, **sign)
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return await self.post_raw(raw, headers, "application/json")

    async def command(self, form: dict[str, str]) -> tuple[int, str, float]:
        raw = urlencode(form).encode()
        self.fake.record_inbound("command", form)
        return await self.post_raw(raw, self.sign(raw), "application/x-www-form-urlencoded")

    async def action(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        self.fake.record_inbound("action", payload)
        return await self.post_raw(raw, self.sign(raw), "application/x-www-form-urlencoded")

    async def envelope(self, kind: str, payload: dict[str, Any], retry: int = 0) -> Envelope:
        """Deliver a Socket Mode envelope and wait for the bot's ack."""
        inbound = {"events_api": "event", "slash_commands": "command", "interactive": "action"}
        self.fake.record_inbound(inbound[kind], payload.get("event") or payload)
        sent = await self.fake.send_envelope(
            kind, payload, retry_attempt=retry, retry_reason="timeout" if retry else ""
        )
        await asyncio.wait_for(sent.acked.wait(), 10)
        self.sent += 1
        return sent

    async def settle(self, count: int | None = None) -> None:
        """Wait until the bot has fully handled every request sent so far (or `count`)."""
        await self.runtime.coach.wait_completed(self.sent if count is None else count)

    @property
    def done(self) -> int:
        return self.runtime.coach.completed


@asynccontextmanager
async def running(
    bank: Bank,
    database: Any,
    clock: FakeClock,
    mode: str = "http",
    fake: FakeSlack | None = None,
    sleep: Sleep | None = None,
    **settings: Any,
) -> AsyncIterator[Env]:
    """Start the fake (unless given) and the bot; stop both afterwards."""
    own_fake = fake is None
    fake = fake or await FakeSlack(USERS).start()
    app = build_app(make_settings(fake, mode, **settings), bank, database, clock)
    runtime = await build_runtime(app, host="127.0.0.1", port=0, sleep=sleep)
    await runtime.start(ticker=False)
    if mode == "socket":
        await asyncio.wait_for(fake.connected.wait(), 10)
    session = aiohttp.ClientSession() if mode == "http" else None
    try:
        yield Env(fake, runtime, app, clock, session)
    finally:
        if session is not None:
            await session.close()
        await runtime.close()
        if own_fake:
            await fake.stop()


class GatedDatabase:
    """A database whose transactions wait for the test to open a gate (a slow database)."""

    def __init__(self, inner: Any, gate: Any, entered: Any) -> None:
        self.inner = inner
        self.gate = gate
        self.entered = entered

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        self.entered.set()
        if not self.gate.wait(15):
            raise StorageUnavailable("gate never opened")
        with self.inner.transaction() as repo:
            yield repo


def count_rows(database: Any, table: str) -> int:
    from sqlalchemy import text

    with database.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


FIRE = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)  # a Monday, just after 09:00 UTC


async def start_daily(env: Env, channel: str = "C0COACH") -> str:
    """An admin schedules the channel and the ticker posts today's question; returns its ts."""
    from tests.slack import payloads as P

    form = P.slash("schedule 09:00 UTC daily", ADMIN, env.fake.response_url(), channel=channel)
    if env.session is not None:
        await env.command(form)
    else:
        await env.envelope("slash_commands", form)
    await env.settle()
    assert await env.runtime.ticker.tick() == 1
    return str(env.fake.posts(channel)[-1]["ts"])
