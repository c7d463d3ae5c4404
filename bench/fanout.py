"""Daily-post fan-out: 5,000 channels against a local fake Slack Web API with rate limits.

The fake (127.0.0.1 only) enforces Slack's 1 message per second per channel and, because one
post per channel alone sets no useful floor, a workspace-wide cap (--workspace-rate, default
100 msg/s; Slack has such a cap but does not publish it). Over either limit it answers 429 with
an integer Retry-After, as Slack does. The real Slack runtime posts: claims in the database,
chat.postMessage through slack_sdk, the pacer, then the posted record. The floor is the
fewest seconds the limits allow: channels / workspace rate. Goal: within 1.2x the floor, every
channel posted exactly once (checked at the fake and in the database).
Run: .venv/bin/python bench/fanout.py [--channels 5000] [--workspace-rate 100] [--backend ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import tempfile
import time
from collections import Counter, deque
from datetime import UTC, datetime
from datetime import time as clock_time
from typing import Any
from urllib.parse import parse_qsl

from _common import ROOT, fresh_url
from aiohttp import web
from sqlalchemy import text

from adapters.slack.runner import build_runtime
from bot.bank.loader import load_bank
from bot.channels import ChannelSettings
from bot.messages import Place
from coach.bootstrap import build_app
from coach.settings import Settings
from storage.database import SqlDatabase
from storage.migrate import upgrade

TEAM = "T0BENCH"
POST_TIME = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)  # a Monday, just after 09:00


class RateLimitedSlack:
    """chat.postMessage with per-channel and workspace limits; auth.test; nothing else."""

    def __init__(self, workspace_rate: float) -> None:
        self.workspace_rate = workspace_rate
        self.accepted: Counter[str] = Counter()
        self.keys: Counter[str] = Counter()
        self.limited = Counter[str]()
        self._last: dict[str, float] = {}
        self._window: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> RateLimitedSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api/"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        if request.content_type == "application/json":
            return dict(json.loads(raw or b"{}"))
        return {k: (json.loads(v) if k == "metadata" else v) for k, v in parse_qsl(raw.decode())}

    def _too_soon(self, channel: str, now: float) -> float:
        """Seconds to wait before this channel may get a message, 0 if it may now."""
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        waits = [0.0]
        last = self._last.get(channel)
        if last is not None and now - last < 1.0:
            self.limited["channel"] += 1
            waits.append(last + 1.0 - now)
        if self.workspace_rate and len(self._window) >= self.workspace_rate:
            self.limited["workspace"] += 1
            waits.append(self._window[0] + 1.0 - now)
        return max(waits)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "team_id": TEAM, "user_id": "U0BOT", "bot_id": "B0BOT"}
            )
        if method != "chat.postMessage":
            return web.json_response({"ok": False, "error": "unknown_method"})
        args = await self._args(request)
        channel, now = str(args["channel"]), time.monotonic()
        wait = self._too_soon(channel, now)
        if wait > 0:
            retry_after = str(max(1, math.ceil(wait)))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": retry_after},
            )
        self._last[channel] = now
        self._window.append(now)
        self.accepted[channel] += 1
        metadata = args.get("metadata") or {}
        self.keys[str((metadata.get("event_payload") or {}).get("key"))] += 1
        ts = f"{1763888400 + sum(self.accepted.values()):d}.000100"
        return web.json_response({"ok": True, "channel": channel, "ts": ts})


class FixedClock:
    """The post time, throughout (elapsed time is measured separately)."""

    def now(self) -> datetime:
        return POST_TIME


def seed(db: SqlDatabase, channels: int) -> list[Place]:
    """Enable daily posts at 09:00 UTC in every channel."""
    places = [Place("slack", TEAM, f"C{i:05}") for i in range(channels)]
    settings = ChannelSettings(enabled=True, timezone="UTC", post_time=clock_time(9, 0))
    with db.transaction() as repo:
        for place in places:
            repo.channels.save(place, settings, "admin")
    return places


async def run(url: str, channels: int, workspace_rate: float) -> None:
    """Post every channel's daily question; print time, floor, duplicates and losses."""
    db = SqlDatabase(url)
    upgrade(db.engine)
    places = seed(db, channels)
    fake = await RateLimitedSlack(workspace_rate).start()
    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-secret",
        slack_api_url=fake.url,
        slack_mode="http",
        timezone="UTC",
        worker_id="bench",
    )
    bank = load_bank(
        [ROOT / "content" / "lexicon.yaml", *(ROOT / "content" / "questions").glob("drift*.yaml")]
    )
    app = build_app(settings, bank, db, FixedClock())
    runtime = await build_runtime(app, host="127.0.0.1", port=0)
    ticks, posted = 0, 0
    started = time.perf_counter()
    while posted < channels and ticks < 10:
        posted += await runtime.ticker.tick()
        ticks += 1
    elapsed = time.perf_counter() - started
    await runtime.close()
    await fake.stop()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT status, COUNT(*) FROM daily_post GROUP BY status")).all()
    db.dispose()
    statuses = dict(rows)
    floor = channels / workspace_rate if workspace_rate else 0.0
    duplicates = sum(1 for n in fake.accepted.values() if n > 1)
    lost = sum(1 for p in places if fake.accepted[p.channel] == 0)
    print(f"  {channels} channels in {elapsed:.1f} s over {ticks} tick(s); posts accepted: "
          f"{sum(fake.accepted.values())}")  # fmt: skip
    print(
        f"  429s: {dict(fake.limited) or 'none'}; pacer learned {runtime.ticker.pacer.rate:.1f}/s"
    )
    print(f"  database: {statuses}")
    print(f"  duplicates {duplicates}, lost {lost}, distinct keys {len(fake.keys)}")
    if floor:
        ratio = elapsed / floor
        ok = ratio <= 1.2 and duplicates == 0 and lost == 0 and statuses.get("posted") == channels
        print(f"  floor {floor:.1f} s (workspace cap {workspace_rate:g}/s); {ratio:.2f}x the floor;"
              f" goal ≤ 1.2x, 0 duplicates, 0 lost: {'met' if ok else 'NOT met'}")  # fmt: skip
    else:
        print(f"  no workspace cap: {channels / elapsed:.0f} posts/s (floor ≈ 0 s)")


def main() -> None:
    """Run each backend and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=5000)
    parser.add_argument("--workspace-rate", type=float, default=100.0)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    for backend in args.backend:
        print(f"{backend}:")
        with tempfile.TemporaryDirectory() as tmp:
            url = fresh_url(backend, "fanout", tmp)
            asyncio.run(run(url, args.channels, args.workspace_rate))


if __name__ == "__main__":
    main()
