"""Discord → core: which messages the coach answers, and the core Message/Action they become.

Pure functions over `Inbound` (the few facts the coach needs from a Discord message) and plain
values from interactions; `adapters.discord.bot` extracts those facts from discord.py objects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.messages import Action, ActionKind, Message, Place

PLATFORM = "discord"
DM_WORKSPACE = "@me"  # Discord's own name for "no server": DMs belong to no guild
ANSWERABLE_TYPES = frozenset({0, 19})  # MessageType.default and MessageType.reply
NONCE_LENGTH = 25  # Discord rejects longer nonces
CUSTOM_ID_PREFIX = "prodml:"
SLASH_COMMANDS = (
    "today",
    "mock",
    "streak",
    "leaderboard",
    "season",
    "remind",
    "schedule",
    "my-data",
    "forget-me",
    "help",
)


@dataclass(frozen=True)
class Inbound:
    """What the coach needs to know about a Discord message."""

    message_id: str
    author_id: str
    author_name: str
    author_is_bot: bool
    is_webhook: bool
    type: int
    content: str
    guild_id: str | None
    channel_id: str
    at: datetime
    thread_parent_id: str | None = None  # set when the channel is a thread
    thread_owner_id: str | None = None
    is_admin: bool = False


def ignore_reason(message: Inbound, bot_id: str) -> str | None:
    """Why the coach stays silent on a message, or None when it should answer."""
    if message.author_id == bot_id:
        return "our own message"
    if message.author_is_bot or message.is_webhook:
        return "a bot or webhook message"
    if message.type not in ANSWERABLE_TYPES:
        return "a system message"
    if message.guild_id is not None:
        if message.thread_parent_id is None:
            return "a channel message outside the coach's threads"
        if message.thread_owner_id != bot_id:
            return "a thread the coach did not open"
    if not strip_bot_mention(message.content, bot_id):
        return "a message without text"
    return None


def strip_bot_mention(text: str, bot_id: str) -> str:
    """The text without mentions of the coach itself (people often @ the bot when answering)."""
    return re.sub(rf"<@!?{re.escape(bot_id)}>", "", text).strip()


def place_of(guild_id: str | None, channel_id: str, thread_parent_id: str | None) -> Place:
    """Where a message or interaction happened: a thread hangs off its parent channel."""
    if guild_id is None:
        return Place(PLATFORM, DM_WORKSPACE, channel_id)
    if thread_parent_id is not None:
        return Place(PLATFORM, guild_id, thread_parent_id, channel_id)
    return Place(PLATFORM, guild_id, channel_id)


def message_event_id(message_id: str) -> str:
    """The dedupe id of a message: identical when the gateway replays it after a resume."""
    return f"message:{message_id}"


def interaction_event_id(interaction_id: str) -> str:
    """The dedupe id of an interaction (slash command or button press)."""
    return f"interaction:{interaction_id}"


def to_message(message: Inbound, bot_id: str) -> Message:
    """A Discord message as a core Message (call only when `ignore_reason` is None)."""
    return Message(
        place_of(message.guild_id, message.channel_id, message.thread_parent_id),
        message.author_id,
        strip_bot_mention(message.content, bot_id),
        message.at,
        event_id=message_event_id(message.message_id),
        user_name=message.author_name,
        is_dm=message.guild_id is None,
        is_admin=message.is_admin,
    )


def slash_text(command: str, options: Mapping[str, str | None]) -> str:
    """A `/coach <command>` invocation as the typed command the core understands."""
    if command not in SLASH_COMMANDS:
        raise ValueError(f"unknown command {command!r}")
    if command == "mock":
        args = [options.get("track"), options.get("level")]
    elif command == "leaderboard":
        season = (options.get("season") or "").strip()
        period = "season " + season if season else options.get("period")
        args = [period, options.get("scope")]
    elif command in ("remind", "season"):
        args = [options.get("setting")]
    elif command == "schedule":
        args = [options.get("settings")]
    elif command == "forget-me":
        args = [options.get("confirm")]
    else:
        args = []
    words = [command, *(a.strip() for a in args if a and a.strip())]
    return " ".join(words)


def slash_message(
    command: str,
    options: Mapping[str, str | None],
    place: Place,
    user: str,
    user_name: str,
    at: datetime,
    interaction_id: str,
    is_admin: bool,
) -> Message:
    """A slash command as a core Message, run at `place` (a channel, thread or DM)."""
    return Message(
        place,
        user,
        slash_text(command, options),
        at,
        event_id=interaction_event_id(interaction_id),
        user_name=user_name,
        is_dm=place.workspace == DM_WORKSPACE,
        is_admin=is_admin,
    )


def custom_id(kind: ActionKind) -> str:
    """The custom_id of a session button (stable, so buttons survive restarts)."""
    return f"{CUSTOM_ID_PREFIX}{kind.value}"


def kind_of(custom_id_value: str) -> ActionKind | None:
    """The session action a button's custom_id stands for, if it is one of ours."""
    if not custom_id_value.startswith(CUSTOM_ID_PREFIX):
        return None
    try:
        return ActionKind(custom_id_value[len(CUSTOM_ID_PREFIX) :])
    except ValueError:
        return None


def to_action(
    kind: ActionKind,
    place: Place,
    user: str,
    user_name: str,
    at: datetime,
    interaction_id: str,
    is_dm: bool = False,
) -> Action:
    """A button press as a core Action."""
    return Action(
        place,
        user,
        kind,
        at,
        event_id=interaction_event_id(interaction_id),
        user_name=user_name,
        is_dm=is_dm,
    )


def nonce(key: str) -> str:
    """A deterministic 25-character nonce, so a re-sent POST is deduplicated by Discord."""
    return hashlib.sha256(key.encode()).hexdigest()[:NONCE_LENGTH]


def reply_nonce(event_id: str, index: int) -> str:
    """The nonce of the index-th message sent in answer to an event."""
    return nonce(f"{event_id}#{index}")
