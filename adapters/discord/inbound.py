"""Inbound messages: the facts the translators need, and which messages reach the core."""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from adapters.discord.delivery import Delivery
from adapters.discord.translate import PLATFORM, Inbound, ignore_reason, to_message

log = logging.getLogger(__name__)


def guild_of(message: discord.Message) -> int | None:
    """The guild id of a message, also when the guild is not (yet) cached; None in DMs."""
    if message.guild is not None:
        return message.guild.id
    guild_id = getattr(message.channel, "guild_id", None)
    return guild_id if isinstance(guild_id, int) else None


def thread_facts(channel: object) -> tuple[str | None, str | None] | None:
    """(parent id, owner id) of a thread; None when the channel is not a known thread."""
    if isinstance(channel, discord.Thread):
        return str(channel.parent_id), str(channel.owner_id) if channel.owner_id else None
    return None


def inbound_from(
    message: discord.Message, at: datetime, facts: tuple[str | None, str | None] | None
) -> Inbound:
    """The facts the translators need from a discord.py message."""
    author = message.author
    guild_id = guild_of(message)
    parent, owner = facts or (None, None)
    return Inbound(
        message_id=str(message.id),
        author_id=str(author.id),
        author_name=author.display_name,
        author_is_bot=author.bot,
        is_webhook=message.webhook_id is not None,
        type=message.type.value,
        content=message.content,
        guild_id=str(guild_id) if guild_id is not None else None,
        channel_id=str(message.channel.id),
        at=at,
        thread_parent_id=parent,
        thread_owner_id=owner,
        is_admin=isinstance(author, discord.Member) and author.guild_permissions.manage_guild,
    )


class MessageHandling(Delivery):
    """Messages in the coach's threads and in DMs; everything else is ignored."""

    _warned_no_content: bool

    async def on_message(self, message: discord.Message) -> None:
        """Answer a message in one of our threads or in a DM."""
        self.metrics.received(PLATFORM, "message")
        inbound = await self._inbound(message)
        me = self.me()
        reason = ignore_reason(inbound, me)
        if reason is not None:
            if reason == "a message without text" and not self._warned_no_content:
                self._warned_no_content = True
                log.warning(
                    "a message in a coach thread arrived without text: is the Message Content "
                    "intent enabled for this bot in the Developer Portal?"
                )
            self.trace.add("ignored", inbound.message_id, reason)
            return
        core = to_message(inbound, me)
        replies = await self._handle(core)
        await self._deliver(message.channel, replies, core.event_id, message, message.author)
        self.trace.add("handled", inbound.message_id, f"{len(replies)} replies")

    async def _inbound(self, message: discord.Message) -> Inbound:
        facts = thread_facts(message.channel)
        if (
            facts is None
            and guild_of(message) is not None
            and isinstance(message.channel, discord.PartialMessageable)
            and not message.author.bot
            and message.webhook_id is None
        ):
            facts = await self._thread_facts(message.channel.id)  # a thread the cache missed
        return inbound_from(message, self.app.clock.now(), facts)
