"""Interactions: acknowledged before any database work, answered by follow-ups; the buttons."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import discord

from adapters.discord.api_errors import describe
from adapters.discord.base import SORRY
from adapters.discord.client import ALLOWED, AnyInteraction
from adapters.discord.delivery import Delivery, as_file
from adapters.discord.render import Outgoing, only_notes, render_reply
from adapters.discord.translate import (
    PLATFORM,
    interaction_event_id,
    place_of,
    reply_nonce,
    to_action,
)
from bot.messages import ActionKind, Place, Reply, ReplyKind
from coach.logs import event_context

log = logging.getLogger(__name__)

ALREADY_ACKNOWLEDGED = 40060


class Responder:
    """Answers one deferred interaction: follow-ups, ephemeral where the reply is personal."""

    def __init__(self, interaction: AnyInteraction, ephemeral: bool) -> None:
        self.interaction = interaction
        self.ephemeral = ephemeral
        self.filled = False  # the deferred "thinking…" response has been replaced

    async def send(self, out: Outgoing, view: discord.ui.View | None = None) -> None:
        private = self.ephemeral or out.private
        if out.private and not self.ephemeral and not self.filled:
            # The first follow-up would fill the public "thinking…" message: remove it first.
            await self.interaction.delete_original_response()
        kwargs: dict[str, Any] = {"allowed_mentions": ALLOWED, "ephemeral": private, "wait": True}
        if out.content:
            kwargs["content"] = out.content
        if out.embed is not None:
            kwargs["embed"] = discord.Embed.from_dict(out.embed)
        if view is not None:
            kwargs["view"] = view
        if out.attachment is not None:
            kwargs["file"] = as_file(out.attachment)
        await self.interaction.followup.send(**kwargs)
        self.filled = True

    async def say(self, text: str) -> None:
        await self.send(Outgoing(content=text, private=True))

    async def finish(self, text: str) -> None:
        """Replace the "thinking…" message if nothing else did."""
        if not self.filled:
            await self.interaction.edit_original_response(content=text, allowed_mentions=ALLOWED)
            self.filled = True


class Interactions(Delivery):
    """What slash commands and buttons share, and the session buttons themselves."""

    async def _defer(
        self, interaction: AnyInteraction, *, ephemeral: bool, thinking: bool
    ) -> bool:
        """Acknowledge first, before any database work: the 3-second rule."""
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
        except discord.InteractionResponded:
            return False
        except discord.HTTPException as exc:
            if exc.code == ALREADY_ACKNOWLEDGED:
                self.trace.add("duplicate", str(interaction.id))
            else:
                log.warning("could not acknowledge an interaction: %s", describe(exc))
            return False
        self.trace.add("deferred", str(interaction.id))
        return True

    async def _where(self, interaction: AnyInteraction) -> tuple[Place, str | None]:
        """The place of an interaction and, in a thread, the thread's owner."""
        guild = str(interaction.guild_id) if interaction.guild_id else None
        channel = interaction.channel
        channel_id = interaction.channel_id or (channel.id if channel else 0)
        if isinstance(channel, discord.Thread):
            owner = str(channel.owner_id) if channel.owner_id else None
            return place_of(guild, str(channel.id), str(channel.parent_id)), owner
        if guild is not None and not isinstance(
            channel, discord.TextChannel | discord.VoiceChannel | discord.StageChannel
        ):
            parent, owner = await self._thread_facts(channel_id)
            return place_of(guild, str(channel_id), parent), owner
        return place_of(guild, str(channel_id), None), None

    def _channel_of(self, interaction: AnyInteraction) -> discord.abc.Messageable:
        channel = interaction.channel
        if isinstance(channel, discord.abc.Messageable):
            return channel
        return self.client.get_partial_messageable(
            interaction.channel_id or 0, guild_id=interaction.guild_id
        )

    async def on_button(self, interaction: AnyInteraction, kind: ActionKind) -> None:
        """A session button, its logs tagged with the interaction's id."""
        self.metrics.received(PLATFORM, "button")
        with event_context(interaction_event_id(str(interaction.id))):
            await self._on_button(interaction, kind)

    async def _on_button(self, interaction: AnyInteraction, kind: ActionKind) -> None:
        """A session button: acknowledge silently, then act as the core says."""
        if not await self._defer(interaction, ephemeral=False, thinking=False):
            return
        try:
            place, _ = await self._where(interaction)
            user = interaction.user
            action = to_action(
                kind,
                place,
                str(user.id),
                user.display_name,
                self.app.clock.now(),
                str(interaction.id),
                is_dm=interaction.guild is None,
            )
            try:
                replies = await asyncio.to_thread(self.app.coach.act, action)
            except Exception:
                log.exception("the coach failed on a button press")
                replies = [Reply(SORRY, ReplyKind.ERROR, private=True)]
            responder = Responder(interaction, ephemeral=False)
            responder.filled = True  # a silent defer leaves no message to fill
            channel = self._channel_of(interaction)
            in_guild = interaction.guild_id is not None
            quiet = in_guild and only_notes(replies)
            index = 0
            for reply in replies:
                for out in render_reply(reply):
                    if in_guild and (out.private or quiet):
                        await responder.send(dataclasses.replace(out, private=True))
                    else:
                        await self._send(channel, out, reply_nonce(action.event_id, index))
                    index += 1
        except discord.HTTPException as exc:
            log.warning("could not answer a button press: %s", describe(exc))
        self.trace.add("button", str(interaction.id), kind.value)
