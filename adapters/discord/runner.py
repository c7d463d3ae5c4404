"""`coach run` on Discord: start the bot, stop on SIGINT/SIGTERM, fail clearly on bad setup."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
import discord

from adapters.discord.bot import DiscordBot
from adapters.errors import PlatformStartupError
from coach.bootstrap import App

log = logging.getLogger(__name__)
HELP_EXTRA = (
    "In Discord: `/coach today`, `/coach mock`, `/coach streak`, `/coach leaderboard`, "
    "`/coach season`, `/coach remind`, `/coach schedule` (Manage Server), `/coach my-data`, "
    "`/coach forget-me`, `/coach help`. Answer the daily question in its thread; mock "
    "interviews run in DMs, where you can also type any command."
)

BAD_TOKEN = (
    "Discord rejected DISCORD_TOKEN. Copy the bot token again: Discord Developer Portal → your "
    "application → Bot → Reset Token, then set DISCORD_TOKEN to it."
)
NO_CONTENT_INTENT = (
    "Discord refused the connection because the Message Content intent is not enabled. Turn it "
    "on: Discord Developer Portal → your application → Bot → Privileged Gateway Intents → "
    "MESSAGE CONTENT INTENT, save, then start again."
)


def startup_error(exc: BaseException, api: str) -> PlatformStartupError | None:
    """A plain message for the errors that retrying cannot fix (no crash loop)."""
    if isinstance(exc, discord.LoginFailure):
        return PlatformStartupError(BAD_TOKEN)
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return PlatformStartupError(NO_CONTENT_INTENT)
    if isinstance(exc, discord.ConnectionClosed):
        if exc.code == 4004:
            return PlatformStartupError(BAD_TOKEN)
        if exc.code == 4014:
            return PlatformStartupError(NO_CONTENT_INTENT)
        return PlatformStartupError(f"Discord closed the gateway connection (code {exc.code}).")
    if isinstance(exc, aiohttp.ClientConnectorError | discord.GatewayNotFound):
        return PlatformStartupError(f"Cannot reach Discord at {api}: {type(exc).__name__}.")
    if isinstance(exc, discord.HTTPException):
        return PlatformStartupError(
            f"Discord answered HTTP {exc.status} while starting (code {exc.code})."
        )
    return None


async def run_bot(bot: DiscordBot, stop: asyncio.Event) -> None:
    """Run until `stop` is set or the client ends; translate start-up failures."""
    client_task = await bot.start()
    stopper = asyncio.create_task(stop.wait(), name="discord-stop")
    try:
        await asyncio.wait({client_task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if client_task.done() and not client_task.cancelled():
            exc = client_task.exception()
            if exc is not None:
                error = startup_error(exc, discord.http.Route.BASE)
                if error is not None:
                    raise error from None
                raise exc
    finally:
        stopper.cancel()
        await bot.close()
        if not client_task.done():
            client_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await client_task


async def serve(app: App, stop: asyncio.Event) -> None:
    """Entry point used by `coach run` when DISCORD_TOKEN is set."""
    bot = DiscordBot(app)
    log.info("starting the Discord bot (sharded: %s)", app.settings.discord_sharded)
    await run_bot(bot, stop)
