"""Pure translators: Slack payloads (events, slash commands, button clicks) → core objects.

Nothing here talks to Slack or the database. Each function returns None for payloads the coach
must ignore: its own messages, other bots, edits, deletes, joins, top-level channel chatter and
threads the bot did not start.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.messages import Action, ActionKind, Message, Place

PLATFORM = "slack"
SLASH_COMMAND = "/coach"
SUBCOMMANDS = (
    "today",
    "mock",
    "streak",
    "leaderboard",
    "schedule",
    "help",
    "history",
    "timezone",
    "remind",
    "season",
    "my-data",
    "forget-me",
)
# Message subtypes that still carry a person's answer; every other subtype (message_changed,
# message_deleted, bot_message, channel_join, …) is ignored.
ANSWER_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
BUTTONS: dict[str, ActionKind] = {
    "coach_next": ActionKind.NEXT,
    "coach_model": ActionKind.MODEL,
    "coach_skip": ActionKind.SKIP,
    "coach_stop": ActionKind.STOP,
}

_LINK = re.compile(r"<([^<>]*)>")


def _markup(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!"):
        return f"@{target[1:].split('^')[0]}"
    return label or target


def plain_text(text: str) -> str:
    """Slack's wire text as what the user typed: links and mentions as labels, entities decoded."""
    text = _LINK.sub(_markup, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def is_dm_channel(channel: str) -> bool:
    """Direct-message conversation ids start with D."""
    return channel.startswith("D")


def message_from_event(body: Mapping[str, Any], bot_user_id: str, now: datetime) -> Message | None:
    """A `message` event as a core Message, or None when the coach must not react to it.

    DMs with the bot are always coached. In channels only replies inside a thread whose parent
    message is the bot's own (the daily post) count as answers.
    """
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("hidden"):
        return None
    if event.get("subtype") not in ANSWER_SUBTYPES:
        return None
    if event.get("bot_id") or event.get("bot_profile") or event.get("app_id"):
        return None
    user = event.get("user") or ""
    channel = event.get("channel") or ""
    if not user or user == bot_user_id or user == "USLACKBOT" or not channel:
        return None
    text = plain_text(event.get("text") or "")
    if not text:
        return None
    team = body.get("team_id") or event.get("team") or ""
    channel_type = event.get("channel_type") or ("im" if is_dm_channel(channel) else "channel")
    if channel_type == "im":
        place = Place(PLATFORM, team, channel)
        is_dm = True
    elif channel_type in {"channel", "group"}:
        thread = event.get("thread_ts") or ""
        if not thread or thread == event.get("ts") or event.get("parent_user_id") != bot_user_id:
            return None
        place = Place(PLATFORM, team, channel, thread)
        is_dm = False
    else:
        return None
    return Message(place, user, text, now, event_id=str(body.get("event_id") or ""), is_dm=is_dm)


@dataclass(frozen=True)
class SlashCommand:
    """`/coach <name> <args>` as typed; `unknown` holds a sub-command we don't have."""

    team: str
    channel: str
    user: str
    name: str
    args: tuple[str, ...]
    trigger_id: str
    response_url: str
    in_dm: bool
    unknown: str = ""

    @property
    def event_id(self) -> str:
        """Slack never retries slash commands; the trigger id is unique per invocation."""
        return f"cmd:{self.trigger_id}" if self.trigger_id else ""

    @property
    def core_text(self) -> str:
        """The command as the core parses it (e.g. `mock drift mid`)."""
        return " ".join((self.name, *self.args))

    @property
    def channel_place(self) -> Place:
        """The conversation the command was typed in."""
        return Place(PLATFORM, self.team, self.channel)


def slash_command(body: Mapping[str, Any]) -> SlashCommand:
    """Parse a slash-command payload; unknown or missing sub-commands become `help`."""
    words = plain_text(str(body.get("text") or "")).split()
    name = words[0].lower().lstrip("/") if words else "help"
    args = tuple(words[1:])
    unknown = ""
    if name not in SUBCOMMANDS:
        unknown, name, args = name, "help", ()
    channel = str(body.get("channel_id") or "")
    return SlashCommand(
        team=str(body.get("team_id") or ""),
        channel=channel,
        user=str(body.get("user_id") or ""),
        name=name,
        args=args,
        trigger_id=str(body.get("trigger_id") or ""),
        response_url=str(body.get("response_url") or ""),
        in_dm=is_dm_channel(channel) or body.get("channel_name") == "directmessage",
        unknown=unknown,
    )


@dataclass(frozen=True)
class ButtonPress:
    """A click on Next follow-up / Show model answer / Skip, and whose answer it was under."""

    action: Action
    owner: str
    in_dm: bool


def button_press(body: Mapping[str, Any], now: datetime) -> ButtonPress | None:
    """A block_actions payload as a core Action; None for buttons that are not ours."""
    pressed = (body.get("actions") or [{}])[0]
    kind = BUTTONS.get(str(pressed.get("action_id") or ""))
    if kind is None:
        return None
    try:
        value = json.loads(pressed.get("value") or "{}")
    except ValueError:
        value = {}
    if not isinstance(value, dict):
        value = {}
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
    if not channel or not user:
        return None
    in_dm = is_dm_channel(channel)
    thread = "" if in_dm else str(value.get("t") or container.get("thread_ts") or "")
    message_ts = str(container.get("message_ts") or body.get("action_ts") or "")
    event_id = f"button:{channel}:{message_ts}:{pressed.get('action_id')}:{user}"
    action = Action(Place(PLATFORM, team, channel, thread), user, kind, now, event_id=event_id)
    return ButtonPress(action, str(value.get("o") or ""), in_dm)
