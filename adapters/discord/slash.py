"""`/coach <command>`: deferred at once, run at the right place, answered privately if personal."""

from __future__ import annotations

import contextlib
import dataclasses
import logging

import discord

from adapters.discord.base import SORRY
from adapters.discord.client import AnyInteraction
from adapters.discord.delivery import dm_failure, needs_dm, sent_note
from adapters.discord.interactions import Interactions, Responder
from adapters.discord.render import personal_thread_name, render_reply
from adapters.discord.translate import (
    DM_WORKSPACE,
    PLATFORM,
    interaction_event_id,
    slash_message,
)
from adapters.discord.views import SessionView
from bot.messages import Message, Place
from coach.logs import event_context

log = logging.getLogger(__name__)

PRIVATE_COMMANDS = frozenset(
    {"today", "mock", "streak", "remind", "schedule", "my-data", "forget-me", "help"}
)


class SlashCommands(Interactions):
    """The `/coach` sub-commands, each turned into the typed command the core understands."""

    async def on_slash(
        self, interaction: AnyInteraction, command: str, options: dict[str, str | None]
    ) -> None:
        """`/coach <command>`, its logs tagged with the interaction's id."""
        self.metrics.received(PLATFORM, "command")
        with event_context(interaction_event_id(str(interaction.id))):
            await self._on_slash(interaction, command, options)

    async def _on_slash(
        self, interaction: AnyInteraction, command: str, options: dict[str, str | None]
    ) -> None:
        """`/coach <command>`: defer at once, then run it."""
        in_dm = interaction.guild_id is None
        ephemeral = command in PRIVATE_COMMANDS and not in_dm
        if not await self._defer(interaction, ephemeral=ephemeral, thinking=True):
            return
        responder = Responder(interaction, ephemeral)
        try:
            await self._slash(interaction, responder, command, options, in_dm)
        except Exception:
            log.exception("/coach %s failed", command)
            with contextlib.suppress(discord.HTTPException):
                await responder.say(SORRY)
        self.trace.add("slash", str(interaction.id), command)

    async def _slash(
        self,
        interaction: AnyInteraction,
        responder: Responder,
        command: str,
        options: dict[str, str | None],
        in_dm: bool,
    ) -> None:
        user = interaction.user
        place, owner = await self._where(interaction)
        is_admin = not in_dm and interaction.permissions.manage_guild
        event_id = interaction_event_id(str(interaction.id))

        def core(at: Place) -> Message:
            return slash_message(
                command,
                options,
                at,
                str(user.id),
                user.display_name,
                self.app.clock.now(),
                str(interaction.id),
                is_admin,
            )

        if command == "mock" and not in_dm:
            try:
                dm = await user.create_dm()
            except discord.HTTPException:
                await responder.say(
                    "I couldn't open a DM with you. Allow DMs from server members."
                )
                return
            replies = await self._handle(core(Place(PLATFORM, DM_WORKSPACE, str(dm.id))))
            await self._deliver(dm, replies, event_id)
            await responder.say(
                "Your mock interview continues in your DMs with me: answer there, and you'll "
                "get a scorecard at the end."
            )
            return
        if command == "today" and not in_dm:
            if place.thread and owner != self.me():
                await responder.say("Run `/coach today` in a channel, in my threads or in DMs.")
                return
            if not place.thread:
                channel = interaction.channel
                if not isinstance(channel, discord.TextChannel):
                    await responder.say("Run `/coach today` in a text channel or in DMs.")
                    return
                day = self.app.clock.now().date()
                thread = await channel.create_thread(
                    name=personal_thread_name(user.display_name, day),
                    type=discord.ChannelType.public_thread,
                    auto_archive_duration=1440,
                )
                self._thread_cache[thread.id] = (str(channel.id), self.me())
                replies = await self._handle(
                    core(Place(PLATFORM, place.workspace, place.channel, str(thread.id)))
                )
                await self._deliver(thread, replies, event_id, author=user)
                await responder.say(f"Today's question is in {thread.mention}: answer there.")
                return
            replies = await self._handle(core(place))
            public = [r for r in replies if not r.private]
            await self._deliver(self._channel_of(interaction), public, event_id)
            for reply in replies:
                if reply.private:
                    for out in render_reply(reply):
                        await responder.send(out)
            await responder.finish("Today's question is below.")
            return
        replies = await self._handle(core(place))
        for number, reply in enumerate(replies):
            if needs_dm(reply) and not in_dm:
                failure = await self._send_direct(user.id, reply, f"{event_id}:direct{number}")
                if failure is not None:
                    await responder.say(dm_failure(failure))
                    continue
                reply = sent_note(reply)  # here, privately: the text, and where the rest went
            elif needs_dm(reply):
                reply = dataclasses.replace(reply, private=False)  # kept: a DM is private anyway
            for out in render_reply(reply):
                view = SessionView(self, out.buttons) if out.buttons else None
                await responder.send(out, view)
        await responder.finish("Done.")
