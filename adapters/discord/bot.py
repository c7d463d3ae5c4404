"""The Discord front end: a thin layer of discord.py around the pure translators and the core.

* Daily questions: the shared DailyTicker (started once, in `setup_hook`) claims a channel-day in
  the database; `publish` posts the question with a deterministic nonce, opens a thread on it and
  returns the thread id. Replies in that thread are answers.
* Messages: only in threads the coach opened, and in DMs; never from bots, webhooks or ourselves;
  edits and deletes are not listened to. Each is handed to the core with its message id as the
  dedupe key, so a replayed MESSAGE_CREATE counts once.
* `/coach today|mock|streak|leaderboard|schedule|help`: deferred before any database work, so the
  3-second deadline holds however slow scoring is. `mock` continues in DMs.
* Buttons (Next follow-up, Show model answer, Skip): a persistent view with fixed custom_ids,
  registered at start-up, so buttons on old messages keep working after a restart.
* Everything sent carries `allowed_mentions` that ping nobody, and fits Discord's limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord import logs
from adapters.discord.render import (
    Outgoing,
    button_style,
    only_notes,
    personal_thread_name,
    render_reply,
    thread_name,
)
from adapters.discord.translate import (
    DM_WORKSPACE,
    PLATFORM,
    Inbound,
    custom_id,
    ignore_reason,
    interaction_event_id,
    message_event_id,
    nonce,
    place_of,
    reply_nonce,
    slash_message,
    to_action,
    to_message,
)
from adapters.scheduling import make_ticker
from bot.bank.schema import Level
from bot.daily import DuePost
from bot.digest import DueDigest
from bot.messages import SESSION_BUTTONS, ActionKind, Button, Message, Place, Reply, ReplyKind
from bot.reminders import DueReminder
from coach.bootstrap import App
from coach.logs import event_context
from coach.metrics import CoachMetrics

log = logging.getLogger(__name__)

ALLOWED = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=False)
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
ALREADY_ACKNOWLEDGED = 40060
PRIVATE_COMMANDS = frozenset({"today", "mock", "streak", "remind", "schedule", "help"})
STYLES = {"primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary}
SORRY = "Something went wrong on my side and nothing was recorded. Please try again in a minute."
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


class SessionView(discord.ui.View):
    """The session buttons. timeout=None + fixed custom_ids = they work after a restart."""

    def __init__(self, bot: DiscordBot, buttons: Sequence[Button]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            self.add_item(SessionButton(bot, button))


class SessionButton(discord.ui.Button[SessionView]):
    """One session button; pressing it is a core Action."""

    def __init__(self, bot: DiscordBot, button: Button) -> None:
        super().__init__(
            label=button.label,
            custom_id=custom_id(button.action),
            style=STYLES[button_style(button.action)],
        )
        self.coach_bot = bot
        self.kind = button.action

    async def callback(self, interaction: AnyInteraction) -> None:
        await self.coach_bot.on_button(interaction, self.kind)


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
        await self.interaction.followup.send(**kwargs)
        self.filled = True

    async def say(self, text: str) -> None:
        await self.send(Outgoing(content=text, private=True))

    async def finish(self, text: str) -> None:
        """Replace the "thinking…" message if nothing else did."""
        if not self.filled:
            await self.interaction.edit_original_response(content=text, allowed_mentions=ALLOWED)
            self.filled = True


class DiscordBot:
    """The coach on Discord: a discord.py client wired to the core and the daily ticker."""

    def __init__(self, app: App, guild_ready_timeout: float = 2.0) -> None:
        self.app = app
        settings = app.settings
        self.token = settings.discord_token.get_secret_value() if settings.discord_token else ""
        logs.protect([*settings.secrets(), self.token])
        use_endpoints(settings.discord_api_url, settings.discord_gateway_url)
        discord.VoiceClient.warn_nacl = False  # the coach never joins voice: no warning
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        intents.message_content = True  # privileged: enable it in the Developer Portal
        intents.members = False
        intents.presences = False
        client_class: type[CoachClient] | type[ShardedCoachClient] = (
            ShardedCoachClient if settings.discord_sharded else CoachClient
        )
        self.client: discord.Client = client_class(
            intents=intents, allowed_mentions=ALLOWED, guild_ready_timeout=guild_ready_timeout
        )
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

    # ------------------------------------------------------------------ lifecycle
    async def setup(self) -> None:
        """Once per process (discord.py's setup_hook), never again on reconnects or READY."""
        self.setups += 1
        self.client.add_view(SessionView(self, SESSION_BUTTONS))
        try:
            synced = await self.tree.sync()
            log.info("synced %d application command(s)", len(synced))
        except discord.HTTPException as exc:
            log.warning("could not sync slash commands (%s); the old ones stay", _describe(exc))
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
        self.ticker.stop()
        if not self.client.is_closed():
            await self.client.close()

    @property
    def connected(self) -> bool:
        """Cheap readiness: the gateway said READY and the client is not closed."""
        return self.client.is_ready() and not self.client.is_closed()

    def me(self) -> str:
        user = self.client.user
        return str(user.id) if user else ""

    # ------------------------------------------------------------------ daily posts
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
                    _describe(exc),
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
        data = await self.client.http.start_private_message(int(reminder.who.user))
        dm = self.client.get_partial_messageable(int(data["id"]), type=discord.ChannelType.private)
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

    # ------------------------------------------------------------------ messages
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

    async def _thread_facts(self, channel_id: int) -> tuple[str | None, str | None]:
        """(parent id, owner id) of a channel the cache doesn't know; (None, None) if no thread."""
        if channel_id not in self._thread_cache:
            if len(self._thread_cache) > 10_000:
                self._thread_cache.clear()
            try:
                fetched = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                log.warning("cannot look up channel %s: %s", channel_id, _describe(exc))
                return None, None
            if isinstance(fetched, discord.Thread):
                owner = str(fetched.owner_id) if fetched.owner_id else None
                self._thread_cache[channel_id] = (str(fetched.parent_id), owner)
            else:
                self._thread_cache[channel_id] = (None, None)
        return self._thread_cache[channel_id]

    async def _handle(self, message: Message) -> list[Reply]:
        try:
            return await asyncio.to_thread(self.app.coach.handle, message)
        except Exception:
            log.exception("the coach failed on %s", message.event_id)
            return [Reply(SORRY, ReplyKind.ERROR, private=True)]

    # ------------------------------------------------------------------ sending
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
                    log.warning("could not send a reply to %s: %s", event_id, _describe(exc))
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

    # ------------------------------------------------------------------ interactions
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
                log.warning("could not acknowledge an interaction: %s", _describe(exc))
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
        for reply in replies:
            for out in render_reply(reply):
                view = SessionView(self, out.buttons) if out.buttons else None
                await responder.send(out, view)
        await responder.finish("Done.")

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
            log.warning("could not answer a button press: %s", _describe(exc))
        self.trace.add("button", str(interaction.id), kind.value)


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


def count_api_errors(client: discord.Client, metrics: CoachMetrics) -> None:
    """Count every failed Discord REST call by its JSON error code (else its HTTP status).

    Wraps the client's HTTP layer, the one path of REST calls (interaction responses and
    follow-ups go through discord.py's webhook adapter and are not counted here).
    """
    request = client.http.request

    async def counted(route: discord.http.Route, **kwargs: Any) -> Any:
        try:
            return await request(route, **kwargs)
        except discord.HTTPException as exc:
            metrics.api_error(PLATFORM, str(exc.code or exc.status))
            raise

    client.http.request = counted  # type: ignore[method-assign]


def _describe(exc: discord.HTTPException) -> str:
    return f"HTTP {exc.status}, code {exc.code}: {exc.text[:200]}"


def build_commands(bot: DiscordBot) -> app_commands.Group:
    """The `/coach` command group (synced on start)."""
    group = app_commands.Group(
        name="coach", description="ProdML Coach: production-ML interview practice"
    )
    tracks = sorted(bot.app.bank.topics)
    topics = [app_commands.Choice(name=bot.app.bank.topics[t][:100], value=t) for t in tracks]
    track_choices = [app_commands.Choice(name="mixed", value="mixed"), *topics[:24]]
    level_choices = [app_commands.Choice(name=level.value, value=level.value) for level in Level]
    period_choices = [
        app_commands.Choice(name="this week", value="week"),
        app_commands.Choice(name="this month", value="month"),
        app_commands.Choice(name="all time", value="all"),
        app_commands.Choice(name="streaks", value="streaks"),
    ]
    scope_choices = [
        app_commands.Choice(name="this channel", value="channel"),
        app_commands.Choice(name="the whole server", value="workspace"),
    ]

    @group.command(name="today", description="Today's question (opens a thread for you)")
    async def today(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "today", {})

    @group.command(
        name="mock", description="A mock interview in your DMs, ending with a scorecard"
    )
    @app_commands.describe(
        track="Which topic (default: mixed)", level="Seniority of the questions"
    )
    @app_commands.choices(track=track_choices, level=level_choices)
    async def mock(
        interaction: AnyInteraction,
        track: app_commands.Choice[str] | None = None,
        level: app_commands.Choice[str] | None = None,
    ) -> None:
        options = {
            "track": track.value if track else None,
            "level": level.value if level else None,
        }
        await bot.on_slash(interaction, "mock", options)

    @group.command(name="streak", description="Your streak and points (only you see it)")
    async def streak(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "streak", {})

    @group.command(name="leaderboard", description="Top ten of this channel or server")
    @app_commands.describe(period="Which period (default: this week)")
    @app_commands.choices(period=period_choices, scope=scope_choices)
    async def leaderboard(
        interaction: AnyInteraction,
        period: app_commands.Choice[str] | None = None,
        scope: app_commands.Choice[str] | None = None,
    ) -> None:
        await bot.on_slash(
            interaction,
            "leaderboard",
            {"period": period.value if period else None, "scope": scope.value if scope else None},
        )

    @group.command(name="remind", description="An evening DM when your streak needs an answer")
    @app_commands.describe(setting="on, off, or on 20:30 (your local time)")
    async def remind(interaction: AnyInteraction, setting: str | None = None) -> None:
        await bot.on_slash(interaction, "remind", {"setting": setting})

    @group.command(
        name="schedule",
        description="Show this channel's daily-question schedule; Manage Server can change it",
    )
    @app_commands.describe(
        settings="e.g. 09:00 Europe/Helsinki mon-fri topics=drift level=mid — or off"
    )
    async def schedule(interaction: AnyInteraction, settings: str | None = None) -> None:
        await bot.on_slash(interaction, "schedule", {"settings": settings})

    @group.command(name="help", description="What the coach can do")
    async def help_command(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "help", {})

    del today, mock, streak, leaderboard, remind, schedule, help_command
    return group
