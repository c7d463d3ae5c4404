"""Slack payloads shaped like real ones: Events API callbacks, slash commands, block_actions."""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.slack.fake_slack import BOT_ID, BOT_USER, TEAM

CHANNEL = "C0COACH"
_ids = itertools.count(1)


def event_body(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An event_callback envelope as Slack sends it over HTTP (and inside Socket Mode)."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "context_team_id": TEAM,
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": 1795400000,
        "authorizations": [
            {"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    }


def thread_reply(
    user: str,
    text: str,
    thread_ts: str,
    channel: str = CHANNEL,
    parent_user: str = BOT_USER,
    ts: str | None = None,
) -> dict[str, Any]:
    """A person's reply inside a thread (message.channels)."""
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts or f"1795400100.{next(_ids):06d}",
        "thread_ts": thread_ts,
        "parent_user_id": parent_user,
        "team": TEAM,
        "channel": channel,
        "event_ts": ts or "1795400100.000001",
        "channel_type": "channel",
        "client_msg_id": f"0f2b{next(_ids):04d}-aaaa-bbbb-cccc-1234567890ab",
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "x1",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
    }


def dm_message(user: str, text: str, channel: str | None = None) -> dict[str, Any]:
    """A person's message in their DM with the bot (message.im)."""
    ts = f"1795400200.{next(_ids):06d}"
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": TEAM,
        "channel": channel or "D" + user.lstrip("U"),
        "event_ts": ts,
        "channel_type": "im",
        "client_msg_id": f"7a1c{next(_ids):04d}-aaaa-bbbb-cccc-1234567890ab",
    }


def bot_echo(text: str, thread_ts: str, channel: str = CHANNEL) -> dict[str, Any]:
    """Our own reply coming back as a message event."""
    return {
        "type": "message",
        "subtype": None,
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "app_id": "A0001",
        "text": text,
        "ts": f"1795400300.{next(_ids):06d}",
        "thread_ts": thread_ts,
        "parent_user_id": BOT_USER,
        "channel": channel,
        "channel_type": "channel",
        "bot_profile": {"id": BOT_ID, "app_id": "A0001", "name": "ProdML Coach"},
    }


def other_bot(text: str, thread_ts: str, channel: str = CHANNEL) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B0OTHER",
        "username": "deploy-bot",
        "text": text,
        "ts": f"1795400400.{next(_ids):06d}",
        "thread_ts": thread_ts,
        "parent_user_id": BOT_USER,
        "channel": channel,
        "channel_type": "channel",
    }


def edited(user: str, text: str, thread_ts: str, channel: str = CHANNEL) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": "channel",
        "ts": f"1795400500.{next(_ids):06d}",
        "message": {
            "type": "message",
            "user": user,
            "text": text,
            "ts": "1795400100.000777",
            "thread_ts": thread_ts,
            "parent_user_id": BOT_USER,
            "edited": {"user": user, "ts": "1795400500.000001"},
        },
        "previous_message": {"type": "message", "user": user, "text": "old"},
    }


def deleted(thread_ts: str, channel: str = CHANNEL) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "channel_type": "channel",
        "ts": f"1795400600.{next(_ids):06d}",
        "deleted_ts": "1795400100.000777",
        "previous_message": {
            "type": "message",
            "user": "U0ADA",
            "text": "gone",
            "thread_ts": thread_ts,
        },
    }


def slash(
    text: str,
    user: str,
    response_url: str,
    channel: str = CHANNEL,
    channel_name: str = "ml-interviews",
) -> dict[str, str]:
    """A /coach invocation (form fields, as Slack posts them)."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "test",
        "channel_id": channel,
        "channel_name": channel_name,
        "user_id": user,
        "user_name": user.lower(),
        "command": "/coach",
        "text": text,
        "api_app_id": "A0001",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{next(_ids)}.1795400000.abcdef0123456789",
    }


def button(
    action_id: str,
    value: str,
    user: str,
    message_ts: str,
    channel: str = CHANNEL,
    thread_ts: str | None = None,
    ephemeral: bool = False,
    response_url: str = "",
) -> dict[str, Any]:
    """A block_actions payload for a click on one of our buttons."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": f"{next(_ids)}.1795400000.fedcba9876543210",
        "team": {"id": TEAM, "domain": "test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "ml-interviews"},
        "response_url": response_url or "http://127.0.0.1:9/unused",
        "actions": [
            {
                "action_id": action_id,
                "block_id": "coach_session",
                "text": {"type": "plain_text", "text": action_id},
                "value": value,
                "type": "button",
                "action_ts": "1795400700.123456",
            }
        ],
    }
    if not ephemeral:
        payload["message"] = {"type": "message", "ts": message_ts, "bot_id": BOT_ID}
        if thread_ts:
            payload["message"]["thread_ts"] = thread_ts
    return payload


def buttons_of(message: dict[str, Any]) -> dict[str, str]:
    """action_id → value of the buttons in a posted message."""
    out = {}
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            for element in block["elements"]:
                out[element["action_id"]] = element["value"]
    return out


def home_opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user.lstrip("U"),
        "tab": "home",
        "event_ts": "1795400800.000100",
    }


def as_json(payload: Any) -> str:
    return json.dumps(payload)
