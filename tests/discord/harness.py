"""Start the fake Discord and the real discord.py bot against it, on one event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import discord
from pydantic import SecretStr

from adapters.discord.bot import DiscordBot
from bot.bank.loader import Bank
from coach.bootstrap import App, build_app
from coach.settings import Settings
from tests.discord.fake_discord import FakeDiscord
from tests.fakes import FakeClock

T = TypeVar("T")
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # before the 09:00 post time


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Run one async test body with an overall time limit."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def settings_for(fake: FakeDiscord, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "discord_token": SecretStr(fake.token),
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
        "timezone": "UTC",
        "mock_questions": 1,
        "worker_id": "discord-test",
        "daily_tick_seconds": 600,
        **extra,
    }
    return Settings(**values)


@dataclass
class Running:
    fake: FakeDiscord
    bot: DiscordBot
    app: App
    clock: FakeClock
    task: asyncio.Task[None]


def make_bot(
    fake: FakeDiscord, bank: Bank, database: object, clock: FakeClock, **extra: Any
) -> DiscordBot:
    app = build_app(settings_for(fake, **extra), bank, database, clock)  # type: ignore[arg-type]
    return DiscordBot(app, guild_ready_timeout=0.05)


async def start_bot(bot: DiscordBot, fake: FakeDiscord) -> asyncio.Task[None]:
    task = await bot.start()
    await bot.trace.wait(lambda: bot.trace.count("ready") >= 1 or task.done())
    if task.done():
        task.result()
    return task


async def stop_bot(bot: DiscordBot, task: asyncio.Task[None]) -> None:
    await bot.close()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await asyncio.wait_for(task, 10)


@contextlib.asynccontextmanager
async def running(
    bank: Bank,
    database: object,
    clock: FakeClock | None = None,
    fake: FakeDiscord | None = None,
    **extra: Any,
) -> AsyncIterator[Running]:
    """A started fake Discord with a connected, ready bot; both stopped afterwards."""
    fake = fake or FakeDiscord()
    own_fake = fake.port == 0
    if own_fake:
        await fake.start()
    clock = clock or FakeClock(START)
    bot = make_bot(fake, bank, database, clock, **extra)
    task = await start_bot(bot, fake)
    try:
        yield Running(fake, bot, bot.app, clock, task)
    finally:
        await stop_bot(bot, task)
        if own_fake:
            await fake.stop()


async def eventually(check: Callable[[], Awaitable[bool]], fake: FakeDiscord) -> None:
    await fake.wait(lambda: True)
    assert await check()


def restore_endpoints() -> Callable[[], None]:
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY

    def undo() -> None:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway

    return undo


def db_path(tmp: Path) -> Path:
    return tmp / "discord.db"
