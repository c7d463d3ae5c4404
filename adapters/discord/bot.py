"""The Discord front end: a thin layer of discord.py around the pure translators and the core.

* Daily questions: the shared DailyTicker (started once, in `setup_hook`) claims a channel-day in
  the database; `publish` posts the question with a deterministic nonce, opens a thread on it and
  returns the thread id. Replies in that thread are answers. (publishing.py)
* Messages: only in threads the coach opened, and in DMs; never from bots, webhooks or ourselves;
  edits and deletes are not listened to. Each is handed to the core with its message id as the
  dedupe key, so a replayed MESSAGE_CREATE counts once. (inbound.py, delivery.py)
* `/coach today|mock|streak|leaderboard|remind|schedule|my-data|forget-me|help`: deferred before
  any database work, so the 3-second deadline holds however slow scoring is. `mock` continues in
  DMs; `my-data` sends its file to the user's DM. (slash.py, commands.py)
* Buttons (Next follow-up, Show model answer, Skip): a persistent view with fixed custom_ids,
  registered at start-up, so buttons on old messages keep working after a restart. (views.py,
  interactions.py)
* Everything sent carries `allowed_mentions` that ping nobody, and fits Discord's limits.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from adapters.discord import logs
from adapters.discord.api_errors import count_api_errors, describe
from adapters.discord.client import Trace, api_base, make_client, use_endpoints
from adapters.discord.commands import build_commands
from adapters.discord.inbound import MessageHandling, guild_of, inbound_from, thread_facts
from adapters.discord.publishing import Publishing
from adapters.discord.slash import SlashCommands
from adapters.discord.translate import PLATFORM
from adapters.discord.views import SessionView
from adapters.scheduling import make_ticker
from bot.messages import SESSION_BUTTONS
from coach.bootstrap import App

__all__ = [
    "DiscordBot",
    "Trace",
    "api_base",
    "build_commands",
    "count_api_errors",
    "guild_of",
    "inbound_from",
    "thread_facts",
    "use_endpoints",
]

log = logging.getLogger(__name__)


class DiscordBot(Publishing, MessageHandling, SlashCommands):
    """The coach on Discord: a discord.py client wired to the core and the daily ticker."""

    def __init__(self, app: App, guild_ready_timeout: float = 2.0) -> None:
        self.app = app
        settings = app.settings
        self.token = settings.discord_token.get_secret_value() if settings.discord_token else ""
        logs.protect([*settings.secrets(), self.token])
        use_endpoints(settings.discord_api_url, settings.discord_gateway_url)
        self.client = make_client(settings.discord_sharded, guild_ready_timeout)
        self.client.coach_bot = self
        self.metrics = app.metrics
        count_api_errors(self.client, self.metrics)
        app.health.watch(PLATFORM, lambda: self.connected)
        self.tree = app_commands.CommandTree(self.client)
        self.tree.add_command(build_commands(self))
        self.ticker = make_ticker(
            app, PLATFORM, self.publish, self.send_reminder, self.post_digest
        )
        self.trace = Trace()
        self.setups = 0
        self._warned_no_content = False
        self._thread_cache: dict[int, tuple[str | None, str | None]] = {}

    async def setup(self) -> None:
        """Once per process (discord.py's setup_hook), never again on reconnects or READY."""
        self.setups += 1
        self.client.add_view(SessionView(self, SESSION_BUTTONS))
        try:
            synced = await self.tree.sync()
            log.info("synced %d application command(s)", len(synced))
        except discord.HTTPException as exc:
            log.warning("could not sync slash commands (%s); the old ones stay", describe(exc))
        self.ticker.start()
        self.trace.add("setup", "client", str(self.setups))

    async def on_ready(self) -> None:
        """READY can arrive more than once (reconnects): only log it."""
        user = self.client.user
        log.info(
            "connected to Discord as %s (%s guilds)",
            user.name if user else "?",
            len(self.client.guilds),
        )
        self.trace.add("ready", "gateway")

    async def start(self) -> asyncio.Task[None]:
        """Log in and connect in the background; the task ends when the client closes."""
        if not self.token:
            from adapters.errors import PlatformStartupError

            raise PlatformStartupError(
                "DISCORD_TOKEN is not set: copy the bot token from the Discord Developer Portal"
            )
        return asyncio.create_task(self.client.start(self.token), name="discord-client")

    async def close(self) -> None:
        """Stop the ticker and disconnect."""
        self.ticker.stop()
        if not self.client.is_closed():
            await self.client.close()

    @property
    def connected(self) -> bool:
        """Cheap readiness: the gateway said READY and the client is not closed."""
        return self.client.is_ready() and not self.client.is_closed()
