"""What the daily ticker publishes: the daily question and its thread, reminder DMs, digests."""

from __future__ import annotations

import logging

import discord

from adapters.discord.api_errors import describe
from adapters.discord.delivery import Delivery
from adapters.discord.render import render_reply, thread_name
from adapters.discord.translate import nonce
from bot.daily import DuePost
from bot.digest import DueDigest
from bot.reminders import DueReminder

log = logging.getLogger(__name__)

THREAD_EXISTS = 160004  # "A thread has already been created for this message"


class Publishing(Delivery):
    """The DailyTicker's callbacks: each post carries a deterministic nonce."""

    async def publish(self, post: DuePost) -> str:
        """Post the daily question, open a thread on it, return the thread id (= message id)."""
        channel_id = int(post.place.channel)
        guild_id = int(post.place.workspace)
        channel = self.client.get_partial_messageable(
            channel_id, guild_id=guild_id, type=discord.ChannelType.text
        )
        parts = render_reply(post.reply)
        first = await self._send(channel, parts[0], post.short_key)
        if first is None:
            raise RuntimeError(f"Discord refused the daily post in channel {channel_id}")
        question = self.app.bank.questions.get(post.question_id)
        name = thread_name(question.title if question else post.question_id, post.day)
        try:
            data = await self.client.http.start_thread_with_message(
                channel_id, first.id, name=name, auto_archive_duration=1440
            )
            thread_id = str(data["id"])
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                thread_id = str(first.id)  # a retry after the thread was made: same id
            elif isinstance(exc, discord.Forbidden):
                log.error(
                    "posted the daily question in %s but cannot open a thread on it (%s): give "
                    "the bot Create Public Threads and Send Messages in Threads",
                    channel_id,
                    describe(exc),
                )
                return str(first.id)
            else:
                raise
        thread = self.client.get_partial_messageable(
            int(thread_id), guild_id=guild_id, type=discord.ChannelType.public_thread
        )
        for index, extra in enumerate(parts[1:], start=1):
            await self._send(thread, extra, nonce(f"{post.key}#{index}"))
        self.trace.add("published", thread_id, post.place.channel)
        return thread_id

    async def send_reminder(self, reminder: DueReminder) -> None:
        """DM an evening streak reminder (the claim in the database makes it once a day)."""
        dm = await self._dm_channel(int(reminder.who.user))
        day = f"{self.app.clock.now():%Y-%m-%d}"
        for index, part in enumerate(render_reply(reminder.reply)):
            await self._send(dm, part, nonce(f"{reminder.key}:{day}#{index}"))

    async def post_digest(self, digest: DueDigest) -> str:
        """Post a channel's weekly digest with a deterministic nonce."""
        channel = self.client.get_partial_messageable(
            int(digest.place.channel),
            guild_id=int(digest.place.workspace),
            type=discord.ChannelType.text,
        )
        parts = render_reply(digest.reply)
        first = await self._send(channel, parts[0], nonce(digest.key))
        if first is None:
            raise RuntimeError(f"Discord refused the weekly digest in {digest.place.channel}")
        for index, extra in enumerate(parts[1:], start=1):
            await self._send(channel, extra, nonce(f"{digest.key}#{index}"))
        return str(first.id)
