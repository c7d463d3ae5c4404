"""The Slack coach: Bolt listeners that ack at once, then translate, call the core and reply.

Every listener acknowledges first and hands the work to a tracked background task, so Slack
gets its answer within milliseconds however slow scoring or the database is. Dedupe of
retried events happens in the core, in the database (Message.event_id = Slack's event_id).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.direct import dm_link, dm_note, needs_dm, send_direct
from adapters.slack.render import SlackMessage, escape, home_view, render_notice, render_reply
from adapters.slack.translate import (
    PLATFORM,
    SLASH_COMMAND,
    SlashCommand,
    button_press,
    message_from_event,
    slash_command,
)
from adapters.slack.web import CONNECTION_ERRORS, DAILY_EVENT, Poster, error_code
from bot.bank.loader import Bank
from bot.coach import Coach
from bot.daily import DuePost
from bot.digest import DueDigest
from bot.info import help_reply
from bot.messages import Message, Place, Reply, ReplyKind
from bot.ports import Clock
from bot.reminders import DueReminder
from coach.logs import event_context
from coach.metrics import CoachMetrics

log = logging.getLogger(__name__)
USER_CACHE_SECONDS = 600.0
SLACK_HELP = (
    "In Slack: `/coach today`, `/coach mock [track] [level]`, `/coach streak`, "
    "`/coach leaderboard [week|month|all|streaks] [channel|workspace]`, `/coach remind on`, "
    "`/coach season`, `/coach my-data`, `/coach forget-me`, `/coach schedule …` (admins), "
    "`/coach help`.\n"
    "Answer the daily question in its thread; mock interviews run in our DM, where you can also "
    "type any command above without the slash."
)
NOT_YOURS = (
    "Those buttons belong to someone else's answer. Reply in the thread to get your own "
    "feedback and follow-ups."
)


@dataclass(frozen=True)
class Identity:
    """Who we are in the workspace (from auth.test)."""

    team_id: str
    bot_user_id: str
    bot_id: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class SlackUser:
    """What we need to know about a person: a display name and whether they are an admin."""

    name: str
    is_admin: bool


class SlackCoach:
    """Bolt app + the core. One per process."""

    def __init__(
        self,
        coach: Coach,
        bank: Bank,
        clock: Clock,
        client: AsyncWebClient,
        identity: Identity,
        admins: frozenset[str] = frozenset(),
        poster: Poster | None = None,
        metrics: CoachMetrics | None = None,
    ) -> None:
        self.coach = coach
        self.metrics = metrics or CoachMetrics()
        self.bank = bank
        self.clock = clock
        self.client = client
        self.identity = identity
        self.admins = admins
        self.poster = poster or Poster(client)
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[tuple[str, str, str, str], asyncio.Lock] = {}
        self._users: dict[tuple[str, str], tuple[float, SlackUser]] = {}
        self.completed = 0  # events fully handled (for metrics and tests)
        self._progress: asyncio.Event | None = None
        # Bolt gets a token-less twin of our client: the token comes from `authorize`.
        bolt_client = AsyncWebClient(
            base_url=client.base_url, retry_handlers=client.retry_handlers, logger=client.logger
        )
        self.bolt = AsyncApp(
            client=bolt_client,
            authorize=self._authorizer(),
            request_verification_enabled=False,  # checked before Bolt sees the body (http.py)
            process_before_response=False,
            # our translator drops our own and other bots' messages (translate.py); letting every
            # event reach it keeps one rule in one place
            ignoring_self_events_enabled=False,
        )
        self._register()

    # ------------------------------------------------------------------ Bolt wiring
    def _authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """Single workspace: every request is ours, with the identity from auth.test at start-up
        (so no Web API call stands between a request and its ack)."""
        me = self.identity

        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=me.team_id,
                bot_user_id=me.bot_user_id,
                bot_id=me.bot_id,
                bot_token=me.token,
            )

        return authorize

    def _register(self) -> None:
        bolt = self.bolt

        @bolt.event("message")
        async def on_message(body: dict[str, Any]) -> None:
            self.spawn(self.handle_message(body), "message", body)

        @bolt.event("app_home_opened")
        async def on_home(body: dict[str, Any]) -> None:
            self.spawn(self.handle_home(body), "home", body)

        @bolt.command(SLASH_COMMAND)
        async def on_command(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.spawn(self.handle_command(body), "command", body)

        @bolt.action(re.compile(r"^coach_"))
        async def on_button(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.spawn(self.handle_button(body), "button", body)

        @bolt.error
        async def on_error(error: Exception) -> None:
            log.error("a Slack listener failed: %s", type(error).__name__)

    def spawn(
        self,
        work: Coroutine[Any, Any, None],
        kind: str = "",
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """Run work after the ack, its logs tagged with the event's id; keep a reference so it is
        neither lost nor collected."""
        if kind:
            self.metrics.received(PLATFORM, kind)
        with event_context(inbound_id(body or {})):  # the task and its callback copy it
            task = asyncio.get_running_loop().create_task(work)
            task.add_done_callback(self._finished)
        self._tasks.add(task)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self.completed += 1
        if self._progress is not None:
            self._progress.set()
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error(
                "handling a Slack event failed: %s",
                type(exc).__name__,
                exc_info=(type(exc), exc, exc.__traceback__) if exc else None,
            )

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for in-flight work (on shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def wait_completed(self, count: int, timeout: float = 10.0) -> None:
        """Wait until `count` events have been fully handled since start."""

        async def waiter() -> None:
            while self.completed < count:
                if self._progress is None:
                    self._progress = asyncio.Event()
                self._progress.clear()
                await self._progress.wait()

        await asyncio.wait_for(waiter(), timeout)

    # ------------------------------------------------------------------ helpers
    def _lock(self, place: Place, user: str) -> asyncio.Lock:
        key = (place.workspace, place.channel, place.thread, user)
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > 10_000:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def user(self, team: str, user_id: str) -> SlackUser:
        """Display name and admin flag (users.info, cached for a few minutes)."""
        now = time.monotonic()
        cached = self._users.get((team, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        name, is_admin = "", False
        try:
            response = await self.client.users_info(user=user_id)
            info = response.get("user") or {}
            profile = info.get("profile") or {}
            name = str(
                profile.get("display_name") or info.get("real_name") or info.get("name") or ""
            )
            is_admin = bool(
                info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner")
            )
        except SlackApiError as exc:
            log.warning("users.info failed: %s", error_code(exc))
        except CONNECTION_ERRORS as exc:
            log.warning("users.info failed: %s", type(exc).__name__)
        found = SlackUser(name[:80], is_admin or user_id in self.admins)
        self._users[(team, user_id)] = (now + USER_CACHE_SECONDS, found)
        return found

    async def deliver(
        self, place: Place, owner: str, replies: list[Reply], key: str, in_dm: bool
    ) -> None:
        """Post replies in order: in the thread (ephemeral when private) or in the DM; `direct`
        replies (and files) go to the user's DM, with a private note in the thread."""
        for index, reply in enumerate(replies):
            reply_key = f"{key}#{index}" if key else ""
            if needs_dm(reply):
                await self._deliver_direct(place, owner, reply, reply_key, in_dm)
                continue
            message = render_reply(reply, owner=owner, thread=place.thread, in_dm=in_dm)
            await self._send_here(place, owner, message, reply.private and not in_dm, reply_key)

    async def _deliver_direct(
        self, place: Place, owner: str, reply: Reply, key: str, in_dm: bool
    ) -> None:
        dm = place.channel if in_dm else ""
        sent = await send_direct(self.poster, self.open_dm, owner, reply, dm=dm, key=key)
        if sent.failure is not None:
            await self._send_here(place, owner, sent.failure, not in_dm)
        elif not in_dm:
            await self._send_here(place, owner, dm_note(reply, sent.dm, place.workspace), True)

    async def _send_here(
        self, place: Place, owner: str, message: SlackMessage, ephemeral: bool, key: str = ""
    ) -> None:
        """Post in the place (ephemeral to `owner` if asked); failures are logged, not raised."""
        try:
            if ephemeral:
                await self.poster.ephemeral(place.channel, owner, message, place.thread)
            else:
                await self.poster.post(place.channel, message, thread=place.thread, key=key)
        except SlackApiError as exc:
            log.warning("could not post a reply in %s: %s", place.channel, error_code(exc))
        except CONNECTION_ERRORS as exc:
            log.warning("could not post a reply in %s: %s", place.channel, type(exc).__name__)

    async def respond(self, command: SlashCommand, message: SlackMessage, private: bool) -> None:
        """Answer a slash command where it was typed."""
        if command.response_url:
            await self.poster.respond(command.response_url, message, private)

    async def open_dm(self, user: str) -> str:
        """The DM channel between the bot and a user."""
        response = await self.client.conversations_open(users=user)
        return str(response["channel"]["id"])

    # ------------------------------------------------------------------ events
    async def handle_message(self, body: dict[str, Any]) -> None:
        """A message in a DM or in a thread the bot started."""
        message = message_from_event(body, self.identity.bot_user_id, self.clock.now())
        if message is None:
            return
        person = await self.user(message.place.workspace, message.user)
        message = replace(message, user_name=person.name, is_admin=person.is_admin)
        async with self._lock(message.place, message.user):
            replies = await asyncio.to_thread(self.coach.handle, message)
            await self.deliver(
                message.place, message.user, replies, message.event_id, message.is_dm
            )

    async def handle_button(self, body: dict[str, Any]) -> None:
        """Next follow-up / Show model answer / Skip."""
        press = button_press(body, self.clock.now())
        if press is None:
            return
        action = press.action
        if press.owner and press.owner != action.user:
            await self.poster.ephemeral(
                action.place.channel,
                action.user,
                render_notice(escape(NOT_YOURS)),
                action.place.thread,
            )
            return
        person = await self.user(action.place.workspace, action.user)
        action = replace(action, user_name=person.name)
        async with self._lock(action.place, action.user):
            replies = await asyncio.to_thread(self.coach.act, action)
            await self.deliver(action.place, action.user, replies, action.event_id, press.in_dm)

    async def handle_home(self, body: dict[str, Any]) -> None:
        """Publish the App Home tab when a user opens it."""
        event = body.get("event") or {}
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        user = str(event["user"])
        place = Place(
            PLATFORM, str(body.get("team_id") or ""), str(event.get("channel") or "home")
        )
        summary = await asyncio.to_thread(self.coach.summary, place, user)
        try:
            await self.client.views_publish(user_id=user, view=home_view(summary, self.bank))
        except SlackApiError as exc:
            log.warning("views.publish failed: %s", error_code(exc))

    async def handle_command(self, body: dict[str, Any]) -> None:
        """`/coach …`: today and mock move to the DM; the rest answer where they were typed."""
        command = slash_command(body)
        if command.name == "help":
            text = help_reply(self.bank, SLACK_HELP).text
            if command.unknown:
                text = f"I don't know `/coach {command.unknown}`. Here's what I can do:\n{text}"
            await self.respond(command, render_reply(Reply(text)), private=True)
            return
        person = await self.user(command.team, command.user)
        if command.name == "today" and not command.in_dm:
            thread = await asyncio.to_thread(self.coach.daily_thread, command.channel_place)
            if thread is not None:
                await self._point_to_thread(command, thread)
                return
        if command.name in {"today", "mock"}:
            await self._run_in_dm(command, person)
            return
        message = Message(
            command.channel_place,
            command.user,
            command.core_text,
            self.clock.now(),
            event_id=command.event_id,
            user_name=person.name,
            is_dm=command.in_dm,
            is_admin=person.is_admin,
        )
        replies = await asyncio.to_thread(self.coach.handle, message)
        for index, reply in enumerate(replies):
            if needs_dm(reply):
                await self._command_direct(command, reply, index)
            else:
                await self.respond(command, render_reply(reply), private=reply.private)

    async def _command_direct(self, command: SlashCommand, reply: Reply, index: int) -> None:
        """A `direct` reply to a slash command: to the DM, and a private note (or what failed)
        where the command was typed unless that is the DM itself."""
        key = f"{command.event_id}#{index}" if command.event_id else ""
        sent = await send_direct(self.poster, self.open_dm, command.user, reply, key=key)
        if sent.failure is not None:
            await self.respond(command, sent.failure, private=True)
        elif sent.dm != command.channel:
            await self.respond(command, dm_note(reply, sent.dm, command.team), private=True)

    async def _point_to_thread(self, command: SlashCommand, thread: str) -> None:
        link = ""
        try:
            response = await self.client.chat_getPermalink(
                channel=command.channel, message_ts=thread
            )
            link = str(response.get("permalink") or "")
        except (SlackApiError, *CONNECTION_ERRORS) as exc:
            log.info("chat.getPermalink failed: %s", type(exc).__name__)
        where = (
            f"<{link}|its thread>"
            if link.startswith("https://") or link.startswith("http://")
            else "its thread"
        )
        await self.respond(
            command,
            render_notice(
                f"Today's question is already posted in this channel — answer it in {where}: "
                "I'll score your reply there and follow up."
            ),
            private=True,
        )

    async def _run_in_dm(self, command: SlashCommand, person: SlackUser) -> None:
        try:
            dm = await self.open_dm(command.user)
        except (SlackApiError, *CONNECTION_ERRORS) as exc:
            log.warning("conversations.open failed: %s", type(exc).__name__)
            await self.respond(
                command, render_notice("I couldn't open a DM with you. Please try again."), True
            )
            return
        place = Place(PLATFORM, command.team, dm)
        message = Message(
            place,
            command.user,
            command.core_text,
            self.clock.now(),
            event_id=command.event_id,
            user_name=person.name,
            is_dm=True,
            is_admin=person.is_admin,
        )
        async with self._lock(place, command.user):
            replies = await asyncio.to_thread(self.coach.handle, message)
            moved = dm != command.channel
            if moved and replies and all(r.kind is ReplyKind.ERROR for r in replies):
                for reply in replies:
                    await self.respond(command, render_reply(reply), private=True)
                return
            await self.deliver(place, command.user, replies, command.event_id, in_dm=True)
        if moved and replies:
            what = "today's question" if command.name == "today" else "your mock interview"
            link = dm_link(dm, command.team)
            await self.respond(
                command, render_notice(f"I've sent {what} to {link} — answer there."), True
            )

    # ------------------------------------------------------------------ daily posts
    async def _earlier_post(self, post: DuePost) -> str | None:
        """The ts of this day's post if an earlier attempt made it, else None."""
        try:
            return await self.poster.find(
                post.place.channel, "", post.key, oldest=self.clock.now() - timedelta(hours=36)
            )
        except SlackApiError as exc:
            log.warning(
                "could not check %s for an earlier daily post: %s",
                post.place.channel,
                error_code(exc),
            )
            return None

    async def publish(self, post: DuePost) -> str:
        """Post the daily question, tagged with post.key; a retry first looks for an earlier copy.

        The lookup (conversations.history, a low-rate tier) runs only when an earlier attempt
        may have reached Slack, so a normal day costs one API call per channel.
        """
        channel = post.place.channel
        found = await self._earlier_post(post) if post.attempt > 1 else None
        if found is not None:
            log.info("today's question was already in %s; recording it", channel)
            return found
        message = render_reply(post.reply)
        try:
            return await self.poster.post(channel, message, key=post.key, event_type=DAILY_EVENT)
        except SlackApiError as exc:
            raise PublishError(f"chat.postMessage in {channel}: {error_code(exc)}") from None

    async def send_reminder(self, reminder: DueReminder) -> None:
        """DM an evening streak reminder (one per user and day; the claim is in the database)."""
        channel = await self.open_dm(reminder.who.user)
        key = f"{reminder.key}:{self.clock.now():%Y-%m-%d}"
        await self.poster.post(channel, render_reply(reminder.reply, in_dm=True), key=key)

    async def post_digest(self, digest: DueDigest) -> str:
        """Post a channel's weekly digest (tagged with its key like the daily post)."""
        channel = digest.place.channel
        try:
            return await self.poster.post(channel, render_reply(digest.reply), key=digest.key)
        except SlackApiError as exc:
            raise PublishError(f"chat.postMessage in {channel}: {error_code(exc)}") from None


def inbound_id(body: Mapping[str, Any]) -> str:
    """Slack's id of an inbound request: event_id for events, trigger_id for commands/buttons."""
    return str(body.get("event_id") or body.get("trigger_id") or "")


class PublishError(Exception):
    """A daily post Slack refused (the ticker releases the claim and retries later)."""
