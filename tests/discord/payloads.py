"""Discord payloads shaped like the real API's (users, guilds, channels, messages, interactions).

The fake server builds every gateway event and REST answer from these, and the translator unit
tests parse the same payloads through discord.py's own models.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
BASE_MS = int(datetime(2026, 11, 23, 8, 0, tzinfo=UTC).timestamp() * 1000)
_counter = itertools.count(1)

# A token shaped like a real one, unique enough to grep for in captured logs.
BOT_TOKEN = "MTQ0NTU2Njc3ODg5OTAwMTEyMjMzNDQ1.GzQ9xK.fake-discord-bot-token-never-logged-77"
PERM_VIEW_SEND_HISTORY = (
    (1 << 10) | (1 << 11) | (1 << 16) | (1 << 38)
)  # view, send, history, threads
PERM_MANAGE_GUILD = 1 << 5
INTENT_MESSAGE_CONTENT = 1 << 15


def snowflake() -> str:
    """A new, increasing snowflake id (timestamp bits from a fixed day, so ids are stable)."""
    n = next(_counter)
    return str(((BASE_MS + n - DISCORD_EPOCH_MS) << 22) | (n & 0x3FFFFF))


def iso(at: datetime | None = None) -> str:
    return (at or datetime(2026, 11, 23, 8, 0, tzinfo=UTC)).isoformat()


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(u: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {
        "user": u,
        "nick": None,
        "roles": roles,
        "joined_at": iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }


def role(role_id: str, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "color": 0,
        "hoist": False,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: str, guild_id: str, name: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread_channel(
    thread_id: str, guild_id: str, parent_id: str, owner_id: str, name: str
) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": 11,
        "guild_id": guild_id,
        "parent_id": parent_id,
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso(),
            "locked": False,
            "create_timestamp": iso(),
        },
    }


def dm_channel(channel_id: str, recipient: dict[str, Any]) -> dict[str, Any]:
    return {"id": channel_id, "type": 1, "last_message_id": None, "recipients": [recipient]}


def guild(
    guild_id: str,
    owner_id: str,
    roles: list[dict[str, Any]],
    channels: list[dict[str, Any]],
    threads: list[dict[str, Any]],
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": guild_id,
        "name": "ML Platform Guild",
        "icon": None,
        "owner_id": owner_id,
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": channels,
        "threads": threads,
        "members": members,
        "member_count": len(members),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
        "joined_at": iso(),
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "system_channel_flags": 0,
        "afk_timeout": 300,
    }


def message(
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    content: str,
    *,
    guild_id: str | None = None,
    author_member: dict[str, Any] | None = None,
    kind: int = 0,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    nonce: str | None = None,
    webhook_id: str | None = None,
    flags: int = 0,
    reference: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "author": author,
        "content": content,
        "timestamp": iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": kind,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    if author_member is not None:
        data["member"] = {k: v for k, v in author_member.items() if k != "user"}
    if nonce is not None:
        data["nonce"] = nonce
    if webhook_id is not None:
        data["webhook_id"] = webhook_id
    if reference is not None:
        data["message_reference"] = reference
    return data


def interaction(
    interaction_id: str,
    token: str,
    application_id: str,
    kind: int,
    data: dict[str, Any],
    channel: dict[str, Any],
    *,
    guild_id: str | None,
    invoker: dict[str, Any],
    permissions: int,
    on_message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": application_id,
        "type": kind,
        "data": data,
        "channel": channel,
        "channel_id": channel["id"],
        "token": token,
        "version": 1,
        "locale": "en-US",
        "app_permissions": str(PERM_VIEW_SEND_HISTORY),
        "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id or "0"},
        "context": 0 if guild_id else 1,
        "attachment_size_limit": 10_485_760,
    }
    if guild_id is not None:
        payload["guild_id"] = guild_id
        payload["guild_locale"] = "en-US"
        payload["guild"] = {"id": guild_id, "locale": "en-US", "features": []}
        invoking_member = dict(invoker)
        invoking_member["permissions"] = str(permissions)
        payload["member"] = invoking_member
    else:
        payload["user"] = invoker
    if on_message is not None:
        payload["message"] = on_message
    return payload


def slash_data(
    command_id: str, subcommand: str, options: dict[str, str] | None = None
) -> dict[str, Any]:
    sub_options = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]
    return {
        "id": command_id,
        "name": "coach",
        "type": 1,
        "options": [{"name": subcommand, "type": 1, "options": sub_options}],
    }


def button_data(custom_id: str) -> dict[str, Any]:
    return {"custom_id": custom_id, "component_type": 2}
