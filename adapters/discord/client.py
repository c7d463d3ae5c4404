"""The discord.py side of the wiring: endpoints, the client classes and the event trace."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord.translate import message_event_id
from coach.logs import event_context

if TYPE_CHECKING:
    from adapters.discord.bot import DiscordBot

log = logging.getLogger(__name__)

ALLOWED = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=False)
AnyInteraction = discord.Interaction[Any]


def api_base(url: str) -> str:
    """DISCORD_API_URL with the API version path discord.py expects (…/api/v10)."""
    url = url.rstrip("/")
    return url if "/api/v" in url else f"{url}/api/v10"


def use_endpoints(api_url: str | None, gateway_url: str | None) -> None:
    """Point discord.py at another Discord (a local fake in tests): REST and gateway."""
    if api_url:
        discord.http.Route.BASE = api_base(api_url)
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


@dataclass
class Trace:
    """What the bot did with each event, for logs and for tests to await instead of sleeping."""

    entries: deque[tuple[str, str, str]] = field(default_factory=lambda: deque(maxlen=5000))
    _changed: asyncio.Event | None = None

    def add(self, kind: str, ref: str, detail: str = "") -> None:
        self.entries.append((kind, ref, detail))
        log.debug("%s %s %s", kind, ref, detail)
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def count(self, kind: str, ref: str | None = None) -> int:
        return sum(1 for k, r, _ in self.entries if k == kind and (ref is None or r == ref))

    async def wait(self, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        """Wait until `predicate()` holds, re-checking after every trace entry."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if self._changed is None:
                self._changed = asyncio.Event()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out; trace so far: {list(self.entries)[-10:]}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                raise TimeoutError(
                    f"timed out; trace so far: {list(self.entries)[-10:]}"
                ) from None


class _Hooks:
    """discord.py calls these on the client; they forward to the DiscordBot."""

    coach_bot: DiscordBot

    async def setup_hook(self) -> None:
        await self.coach_bot.setup()

    async def on_ready(self) -> None:
        await self.coach_bot.on_ready()

    async def on_resumed(self) -> None:
        self.coach_bot.trace.add("resumed", "gateway")

    async def on_message(self, message: discord.Message) -> None:
        with event_context(message_event_id(str(message.id))):
            await self.coach_bot.on_message(message)


class CoachClient(_Hooks, discord.Client):
    """One gateway connection (most installs)."""


class ShardedCoachClient(_Hooks, discord.AutoShardedClient):
    """As many shards as Discord recommends (large installs: COACH_DISCORD_SHARDED=true)."""


def make_client(sharded: bool, guild_ready_timeout: float) -> CoachClient | ShardedCoachClient:
    """A client with the intents the coach needs (Message Content, no members or presences)."""
    discord.VoiceClient.warn_nacl = False  # the coach never joins voice: no warning
    discord.VoiceClient.warn_dave = False
    intents = discord.Intents.default()
    intents.message_content = True  # privileged: enable it in the Developer Portal
    intents.members = False
    intents.presences = False
    client_class: type[CoachClient] | type[ShardedCoachClient] = (
        ShardedCoachClient if sharded else CoachClient
    )
    return client_class(
        intents=intents, allowed_mentions=ALLOWED, guild_ready_timeout=guild_ready_timeout
    )
