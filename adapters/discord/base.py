"""State and helpers every part of the Discord bot shares: who we are, the core, thread lookups."""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.api_errors import describe
from adapters.discord.client import AnyInteraction, Trace
from bot.messages import ActionKind, Message, Reply, ReplyKind
from coach.bootstrap import App
from coach.metrics import CoachMetrics

log = logging.getLogger(__name__)

SORRY = "Something went wrong on my side and nothing was recorded. Please try again in a minute."


class BotBase:
    """The attributes DiscordBot sets up, and the helpers its parts use."""

    app: App
    client: discord.Client
    metrics: CoachMetrics
    trace: Trace
    _thread_cache: dict[int, tuple[str | None, str | None]]

    def me(self) -> str:
        """The bot's own user id ("" before login)."""
        user = self.client.user
        return str(user.id) if user else ""

    async def on_button(self, interaction: AnyInteraction, kind: ActionKind) -> None:
        """A session button press (answered by the interactions part)."""
        raise NotImplementedError

    async def _handle(self, message: Message) -> list[Reply]:
        try:
            return await asyncio.to_thread(self.app.coach.handle, message)
        except Exception:
            log.exception("the coach failed on %s", message.event_id)
            return [Reply(SORRY, ReplyKind.ERROR, private=True)]

    async def _thread_facts(self, channel_id: int) -> tuple[str | None, str | None]:
        """(parent id, owner id) of a channel the cache doesn't know; (None, None) if no thread."""
        if channel_id not in self._thread_cache:
            if len(self._thread_cache) > 10_000:
                self._thread_cache.clear()
            try:
                fetched = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                log.warning("cannot look up channel %s: %s", channel_id, describe(exc))
                return None, None
            if isinstance(fetched, discord.Thread):
                owner = str(fetched.owner_id) if fetched.owner_id else None
                self._thread_cache[channel_id] = (str(fetched.parent_id), owner)
            else:
                self._thread_cache[channel_id] = (None, None)
        return self._thread_cache[channel_id]
