"""Discord → core translators, on payloads parsed by discord.py's own models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from adapters.discord.bot import inbound_from, thread_facts
from adapters.discord.translate import (
    Inbound,
    custom_id,
    ignore_reason,
    kind_of,
    nonce,
    place_of,
    reply_nonce,
    slash_message,
    slash_text,
    to_action,
    to_message,
)
from bot.messages import ActionKind, Place
from tests.discord import payloads as p
from tests.discord.fake_discord import FakeDiscord

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


class World:
    """discord.py's connection state fed a recorded GUILD_CREATE, to parse MESSAGE_CREATEs."""

    def __init__(self) -> None:
        self.fake = FakeDiscord()
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.client = discord.Client(intents=discord.Intents.default())
        self.state = self.client._connection
        self.state.user = discord.ClientUser(state=self.state, data=self.fake.bot)
        f = self.fake
        self.our_thread = p.thread_channel(p.snowflake(), f.guild_id, f.channel_id, f.app_id, "q")
        self.their_thread = p.thread_channel(
            p.snowflake(), f.guild_id, f.channel_id, f.alice["id"], "chat"
        )
        self.state.parse_guild_create(
            p.guild(
                f.guild_id,
                f.admin["id"],
                f.roles,
                list(f.channels.values()),
                [self.our_thread, self.their_thread],
                list(f.members.values()),
            )
        )

    def message(
        self, author: dict[str, Any], channel_id: str, content: str, **kw: Any
    ) -> discord.Message:
        guild = channel_id in (
            self.fake.channel_id,
            self.our_thread["id"],
            self.their_thread["id"],
        )
        data = p.message(
            p.snowflake(),
            channel_id,
            author,
            content,
            guild_id=self.fake.guild_id if guild else None,
            author_member=self.fake.members[author["id"]] if guild else None,
            **kw,
        )
        channel, _ = self.state._get_guild_channel(data)
        return discord.Message(state=self.state, channel=channel, data=data)  # type: ignore[arg-type]

    def inbound(self, message: discord.Message) -> Inbound:
        return inbound_from(message, AT, thread_facts(message.channel))

    def close(self) -> None:
        self.loop.close()
        asyncio.set_event_loop(None)


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    yield w
    w.close()


def test_answer_in_our_thread_becomes_a_message_in_the_thread(world: World) -> None:
    f = world.fake
    msg = world.message(f.alice, world.our_thread["id"], f"<@{f.app_id}> I'd use PSI per feature")
    inbound = world.inbound(msg)
    assert ignore_reason(inbound, f.app_id) is None
    core = to_message(inbound, f.app_id)
    assert core.place == Place("discord", f.guild_id, f.channel_id, world.our_thread["id"])
    assert core.text == "I'd use PSI per feature"
    assert core.event_id == f"message:{msg.id}"
    assert core.user == f.alice["id"] and core.user_name == "Alice"
    assert not core.is_dm and not core.is_admin


def test_admin_is_read_from_guild_permissions(world: World) -> None:
    f = world.fake
    inbound = world.inbound(world.message(f.admin, world.our_thread["id"], "schedule off"))
    assert inbound.is_admin
    assert not world.inbound(world.message(f.bob, world.our_thread["id"], "schedule off")).is_admin


def test_dm_messages_are_answered_in_the_dm_place(world: World) -> None:
    f = world.fake
    dm_id = p.snowflake()
    msg = world.message(f.alice, dm_id, "mock drift")
    inbound = world.inbound(msg)
    assert inbound.guild_id is None
    assert ignore_reason(inbound, f.app_id) is None
    core = to_message(inbound, f.app_id)
    assert core.place == Place("discord", "@me", dm_id) and core.is_dm


@pytest.mark.parametrize(
    ("who", "where", "kw", "reason"),
    [
        ("bot", "ours", {}, "our own message"),
        ("other_bot", "ours", {}, "a bot or webhook message"),
        ("alice", "ours", {"webhook_id": "123"}, "a bot or webhook message"),
        ("alice", "ours", {"kind": 21}, "a system message"),  # thread starter message
        ("alice", "ours", {"kind": 18}, "a system message"),  # "started a thread"
        ("alice", "channel", {}, "a channel message outside the coach's threads"),
        ("alice", "theirs", {}, "a thread the coach did not open"),
    ],
)
def test_messages_the_coach_never_answers(
    world: World, who: str, where: str, kw: dict[str, Any], reason: str
) -> None:
    f = world.fake
    author = {"bot": f.bot, "other_bot": f.other_bot, "alice": f.alice}[who]
    channel = {
        "ours": world.our_thread["id"],
        "theirs": world.their_thread["id"],
        "channel": f.channel_id,
    }[where]
    inbound = world.inbound(world.message(author, channel, "an answer", **kw))
    assert ignore_reason(inbound, f.app_id) == reason


def test_a_message_without_text_is_ignored(world: World) -> None:
    f = world.fake
    inbound = world.inbound(world.message(f.alice, world.our_thread["id"], f"<@{f.app_id}>"))
    assert ignore_reason(inbound, f.app_id) == "a message without text"


def test_place_of_threads_channels_and_dms() -> None:
    assert place_of("G", "T", "C") == Place("discord", "G", "C", "T")
    assert place_of("G", "C", None) == Place("discord", "G", "C")
    assert place_of(None, "D", None) == Place("discord", "@me", "D")


@pytest.mark.parametrize(
    ("command", "options", "text"),
    [
        ("today", {}, "today"),
        ("mock", {}, "mock"),
        ("mock", {"track": "drift", "level": None}, "mock drift"),
        ("mock", {"track": "mixed", "level": "senior"}, "mock mixed senior"),
        ("streak", {}, "streak"),
        ("leaderboard", {"period": None}, "leaderboard"),
        ("leaderboard", {"period": "month"}, "leaderboard month"),
        ("leaderboard", {"period": "reset", "scope": "workspace"}, "leaderboard reset workspace"),
        ("leaderboard", {"period": "week", "season": " winter "}, "leaderboard season winter"),
        ("season", {"setting": None}, "season"),
        (
            "season",
            {"setting": "winter 2026-12-01 2027-02-28"},
            "season winter 2026-12-01 2027-02-28",
        ),
        ("schedule", {"settings": None}, "schedule"),
        (
            "schedule",
            {"settings": " 09:00 Europe/Helsinki mon-fri "},
            "schedule 09:00 Europe/Helsinki mon-fri",
        ),
        ("help", {}, "help"),
    ],
)
def test_slash_commands_become_typed_commands(
    command: str, options: dict[str, str | None], text: str
) -> None:
    assert slash_text(command, options) == text


def test_unknown_slash_command_is_refused() -> None:
    with pytest.raises(ValueError):
        slash_text("rm", {})


def test_slash_message_carries_interaction_id_admin_and_dm_flag() -> None:
    place = Place("discord", "@me", "D1")
    msg = slash_message("streak", {}, place, "U1", "Ada", AT, "999", is_admin=False)
    assert msg.event_id == "interaction:999" and msg.is_dm and msg.text == "streak"
    guild = slash_message(
        "schedule", {"settings": "off"}, Place("discord", "G", "C"), "U1", "Ada", AT, "1", True
    )
    assert guild.is_admin and not guild.is_dm


def test_button_custom_ids_round_trip_and_foreign_ids_are_ignored() -> None:
    for kind in ActionKind:
        assert kind_of(custom_id(kind)) is kind
    assert kind_of("someone-elses:button") is None
    assert kind_of("prodml:explode") is None
    action = to_action(ActionKind.NEXT, Place("discord", "G", "C", "T"), "U", "Ada", AT, "42")
    assert action.event_id == "interaction:42" and action.kind is ActionKind.NEXT


def test_nonces_are_deterministic_short_and_distinct() -> None:
    assert nonce("daily:discord:G:C:2026-11-23") == nonce("daily:discord:G:C:2026-11-23")
    assert len(nonce("x" * 500)) == 25
    assert reply_nonce("message:1", 0) != reply_nonce("message:1", 1)
    assert reply_nonce("message:1", 0) != reply_nonce("message:2", 0)
