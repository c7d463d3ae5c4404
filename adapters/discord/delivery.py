"""Sending: replies as Discord messages (with their files), with nonces, references, no pings.

A reply marked `direct`, or carrying a file (a `my-data` export), goes to the user's DM whatever
channel it was asked in, through the same DM channel the evening reminders use.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord.api_errors import describe
from adapters.discord.base import BotBase
from adapters.discord.client import ALLOWED
from adapters.discord.render import Outgoing, render_reply
from adapters.discord.translate import nonce, reply_nonce
from adapters.discord.views import SessionView
from bot.messages import Attachment, Reply

log = logging.getLogger(__name__)

DM_REFUSED = "I couldn't DM you: allow direct messages from this server's members, then try again."
TOO_LARGE = "I couldn't DM you the file: it is larger than Discord accepts, so nothing was sent."


def as_file(attachment: Attachment) -> discord.File:
    """A reply's attachment as the upload discord.py sends (UTF-8 text)."""
    data = io.BytesIO(attachment.content.encode("utf-8"))
    return discord.File(data, filename=attachment.filename)


def needs_dm(reply: Reply) -> bool:
    """Whether a reply belongs in the user's DM: `direct`, and any reply with a file."""
    return reply.direct or reply.attachment is not None


def sent_note(reply: Reply) -> Reply:
    """What the user sees where they asked, once a direct reply went to their DM."""
    what = "the file" if reply.attachment is not None else "this"
    text = f"{reply.text}\n(I sent {what} to you in a DM.)"
    return dataclasses.replace(reply, text=text, attachment=None, buttons=())


def dm_failure(exc: discord.HTTPException) -> str:
    """What to tell a user whose DM could not be delivered."""
    if isinstance(exc, discord.Forbidden):
        return DM_REFUSED
    if exc.status == 413:
        return TOO_LARGE
    return f"I couldn't DM you just now (Discord answered HTTP {exc.status}). Please try again."


class Delivery(BotBase):
    """Sends what the core answered: in the channel, or privately in the author's DMs."""

    async def _send(
        self,
        target: discord.abc.Messageable,
        out: Outgoing,
        nonce_value: str,
        reference: discord.Message | None = None,
    ) -> discord.Message | None:
        kwargs: dict[str, Any] = {"allowed_mentions": ALLOWED, "nonce": nonce_value}
        if out.content:
            kwargs["content"] = out.content
        if out.embed is not None:
            kwargs["embed"] = discord.Embed.from_dict(out.embed)
        if out.buttons:
            kwargs["view"] = SessionView(self, out.buttons)
        if out.attachment is not None:
            kwargs["file"] = as_file(out.attachment)
        if reference is not None:
            kwargs["reference"] = reference.to_reference(fail_if_not_exists=False)
            kwargs["mention_author"] = False
        return await target.send(**kwargs)

    async def _deliver(
        self,
        channel: discord.abc.Messageable,
        replies: Sequence[Reply],
        event_id: str,
        reference: discord.Message | None = None,
        author: discord.User | discord.Member | None = None,
    ) -> None:
        """Send replies in a channel; private ones go to the author's DMs (no ephemeral here)."""
        in_dm = isinstance(channel, discord.DMChannel)
        index = 0
        for reply in replies:
            if needs_dm(reply) and not in_dm:
                await self._deliver_direct(channel, reply, reply_nonce(event_id, index), author)
                index += 1
                continue
            for out in render_reply(reply):
                try:
                    if out.private and not in_dm and author is not None:
                        await self._send_private(
                            channel, author, out, reply_nonce(event_id, index)
                        )
                    else:
                        ref = reference if index == 0 else None
                        await self._send(channel, out, reply_nonce(event_id, index), ref)
                except discord.HTTPException as exc:
                    log.warning("could not send a reply to %s: %s", event_id, describe(exc))
                index += 1

    async def _send_private(
        self,
        channel: discord.abc.Messageable,
        author: discord.User | discord.Member,
        out: Outgoing,
        nonce_value: str,
    ) -> None:
        try:
            dm = await author.create_dm()
            await self._send(dm, out, nonce_value)
        except discord.Forbidden:
            note = Outgoing(
                content=f"{author.display_name}, I couldn't DM you your private feedback: allow "
                "direct messages from server members, then answer again."
            )
            await self._send(channel, note, nonce(nonce_value + ":dm-refused"))

    async def _dm_channel(self, user_id: int) -> discord.PartialMessageable:
        """The user's DM channel with the bot (opened if need be)."""
        data = await self.client.http.start_private_message(user_id)
        return self.client.get_partial_messageable(
            int(data["id"]), type=discord.ChannelType.private
        )

    async def _send_direct(
        self, user_id: int, reply: Reply, nonce_key: str
    ) -> discord.HTTPException | None:
        """Send a reply, file included, in the user's DM; Discord's refusal if it failed.

        The failure is logged with its status and code only, never with what was being sent.
        """
        try:
            dm = await self._dm_channel(user_id)
            for index, out in enumerate(render_reply(reply)):
                await self._send(dm, out, nonce(f"{nonce_key}#{index}"))
        except discord.HTTPException as exc:
            log.warning("could not DM a direct reply: HTTP %s, code %s", exc.status, exc.code)
            return exc
        return None

    async def _deliver_direct(
        self,
        channel: discord.abc.Messageable,
        reply: Reply,
        nonce_key: str,
        author: discord.User | discord.Member | None,
    ) -> None:
        """A direct reply to a message in a server: to the author's DM, a note here if refused."""
        if author is None:
            log.warning("a direct reply without a recipient was not sent")
            return
        failure = await self._send_direct(author.id, reply, nonce_key)
        if failure is None:
            return
        note = Outgoing(content=f"{author.display_name}, {dm_failure(failure)}")
        try:
            await self._send(channel, note, nonce(nonce_key + ":dm-refused"))
        except discord.HTTPException as exc:
            log.warning("could not say that a DM failed: HTTP %s, code %s", exc.status, exc.code)
