"""`my-data` and `forget-me` on Discord: the export reaches the user's DM as a JSON file, whatever
channel it was asked in; a refused DM gets a plain private note; forget-me asks, then deletes."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from adapters.discord.delivery import DM_REFUSED, TOO_LARGE
from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.discord.fake_discord import FakeDiscord, Interaction
from tests.discord.harness import run, running
from tests.discord.test_daily_thread import ANSWER_1, answered_daily, said, slash_done


def export_of(fake: FakeDiscord, message: dict[str, Any]) -> dict[str, Any]:
    """The JSON document attached to a message (exactly one file, a .json)."""
    [upload] = fake.files_of(message)
    assert upload.filename.startswith("prodml-coach-discord-")
    assert upload.filename.endswith(".json")
    document: dict[str, Any] = json.loads(upload.content.decode("utf-8"))
    return document


def answer_texts(document: dict[str, Any]) -> list[str]:
    return [row["text"] for row in document["answers"]]


def test_slash_my_data_in_a_channel_sends_the_file_to_the_dm(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await answered_daily(r)
            in_channel = len(f.bot_messages(f.channel_id))
            in_thread = len(f.bot_messages(thread_id))

            asked = await slash_done(r, await f.slash(f.alice, f.channel_id, "my-data"))
            assert asked.ack_type == 5 and asked.deferred_ephemeral
            [note] = asked.followups
            assert note["ephemeral"] and note["attachments"] == []
            assert note["content"].startswith("Your data: 1 answer, ")
            assert note["content"].endswith("\n(I sent the file to you in a DM.)")

            [sent] = f.bot_messages(f.dm_channel_of(f.alice))
            assert sent["allowed_mentions"] == {"parse": []}
            assert sent["content"].startswith("Your data: 1 answer, ")
            document = export_of(f, sent)
            assert document["user"] == f.alice["id"] and document["workspace"] == f.guild_id
            assert answer_texts(document) == [ANSWER_1]
            [upload_call] = [c for c in f.calls if c.files]
            assert upload_call.path == f"/channels/{f.dm_channel_of(f.alice)}/messages"

            # Nobody else sees any of it: nothing new in the channel or thread, no DM to bob.
            assert len(f.bot_messages(f.channel_id)) == in_channel
            assert len(f.bot_messages(thread_id)) == in_thread
            assert f.bob["id"] not in f.dms
            assert f.rejected == []

    run(scenario())


def test_my_data_in_a_dm_carries_the_file_there(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            f._dm_with(f.alice["id"])
            dm = f.dm_channel_of(f.alice)
            await said(r, f.alice, dm, "my-data")
            [typed] = f.bot_messages(dm)
            assert typed["content"].startswith("Your data: ") and "DM" not in typed["content"]
            assert export_of(f, typed)["workspace"] == "@me"

            asked = await slash_done(r, await f.slash(f.alice, dm, "my-data"))
            [reply] = asked.followups
            assert not reply["ephemeral"] and reply["content"].startswith("Your data: ")
            assert export_of(f, reply)["user"] == f.alice["id"]
            assert f.rejected == []

    run(scenario())


def test_my_data_typed_in_the_thread_goes_to_the_dm_or_says_why_not(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await answered_daily(r)
            in_thread = len(f.bot_messages(thread_id))
            await said(r, f.alice, thread_id, "my-data")
            assert len(f.bot_messages(thread_id)) == in_thread
            [sent] = f.bot_messages(f.dm_channel_of(f.alice))
            assert answer_texts(export_of(f, sent)) == [ANSWER_1]

            refuse_dms(f)
            await said(r, f.alice, thread_id, "my-data")
            note = f.bot_messages(thread_id)[-1]
            assert note["content"] == f"Alice, {DM_REFUSED}"
            assert note["attachments"] == [] and len(f.bot_messages(f.dm_channel_of(f.alice))) == 1

    run(scenario())


def refuse_dms(
    f: FakeDiscord,
    status: int = 403,
    code: int = 50007,
    message: str = "Cannot send messages to this user",
) -> None:
    """Alice blocks DMs from server members: Discord answers 403 / 50007 (by default)."""
    f._dm_with(f.alice["id"])
    f.fail(
        "POST",
        rf"/channels/{f.dm_channel_of(f.alice)}/messages",
        status,
        code=code,
        message=message,
    )


@pytest.mark.parametrize(
    ("status", "code", "note_text"),
    [
        (403, 50007, DM_REFUSED),
        (413, 40005, TOO_LARGE),
    ],
)
def test_a_refused_dm_gets_a_plain_private_note_and_logs_only_the_code(
    drift_bank: Bank,
    sqlite_db: SqlDatabase,
    caplog: pytest.LogCaptureFixture,
    status: int,
    code: int,
    note_text: str,
) -> None:
    async def scenario() -> Interaction:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            await answered_daily(r)
            refuse_dms(f, status, code, "Refused")
            asked = await slash_done(r, await f.slash(f.alice, f.channel_id, "my-data"))
            sample = r.app.metrics.registry.get_sample_value
            errors = {"platform": "discord", "code": str(code)}
            assert sample("coach_platform_api_errors_total", errors) == 1
            assert f.bot_messages(f.dm_channel_of(f.alice)) == []
            return asked

    with caplog.at_level(logging.DEBUG, logger="adapters.discord"):
        asked = run(scenario())
    [note] = asked.followups
    assert note["ephemeral"] and note["content"] == note_text
    ours = [rec for rec in caplog.records if rec.name.startswith("adapters.discord")]
    assert any(f"code {code}" in rec.getMessage() for rec in ours)
    assert not any("PSI per feature" in rec.getMessage() for rec in ours)
    assert not any("exported_at" in rec.getMessage() for rec in ours)
    assert "Traceback" not in caplog.text


def leaderboard_text(asked: Interaction) -> str:
    return "\n".join(asked.texts())


def test_forget_me_asks_first_then_deletes(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            await answered_daily(r)
            before = await slash_done(r, await f.slash(f.bob, f.channel_id, "leaderboard"))
            assert "Alice" in leaderboard_text(before)

            asked = await slash_done(r, await f.slash(f.alice, f.channel_id, "forget-me"))
            assert asked.deferred_ephemeral and asked.followups[0]["ephemeral"]
            assert asked.followups[0]["content"].startswith("This deletes everything")
            assert "`forget-me confirm`" in asked.followups[0]["content"]
            still = await slash_done(r, await f.slash(f.bob, f.channel_id, "leaderboard"))
            assert "Alice" in leaderboard_text(still)

            done = await slash_done(
                r, await f.slash(f.alice, f.channel_id, "forget-me", {"confirm": "confirm"})
            )
            assert done.followups[0]["ephemeral"]
            assert done.followups[0]["content"].startswith("Done: deleted 1 answer, ")
            after = await slash_done(r, await f.slash(f.bob, f.channel_id, "leaderboard"))
            assert "Alice" not in leaderboard_text(after)
            public = [m["content"] for m in f.bot_messages(f.channel_id)]
            assert not any("deletes" in text or "deleted" in text for text in public)

    run(scenario())
