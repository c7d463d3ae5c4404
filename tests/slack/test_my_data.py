"""`my-data` hands the user a JSON file in their DM (never in the channel), `forget-me` asks and
then deletes, and a refused upload (missing files:write) is a clear private message, not a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, BOB, FIRE, Env, running, start_daily

ADA_DM, BOB_DM = "D0ADA", "D0BOB"
MARKER = "kestrel-canary"
ADA_ANSWER = (
    f"I'd run PSI per feature against the training window ({MARKER}) and page when PSI stays "
    "above 0.25 for two days; the score histogram is the early warning."
)
BOB_ANSWER = "I'd watch the approval rate and the score distribution against last quarter."


async def ask(env: Env, text: str, user: str = ADA, **where: str) -> dict[str, Any]:
    """Run `/coach <text>` and return the one response it gets where it was typed."""
    before = len(env.fake.responses)
    status, _, _ = await env.command(P.slash(text, user, env.fake.response_url(), **where))
    assert status == 200
    await env.settle()
    assert len(env.fake.responses) == before + 1, env.fake.responses[before:]
    return env.fake.responses[-1]


async def answer(env: Env, user: str, text: str, thread: str) -> None:
    status, _, _ = await env.event(P.event_body(P.thread_reply(user, text, thread)))
    assert status == 200
    await env.settle()


def exported(env: Env, dm: str) -> dict[str, Any]:
    """The JSON of the last file shared in a DM."""
    return dict(json.loads(env.fake.files_in(dm)[-1]["content"].decode("utf-8")))


def test_my_data_lands_in_the_dm_and_forget_me_deletes(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            fake = env.fake
            thread = await start_daily(env)
            await answer(env, ADA, ADA_ANSWER, thread)
            await answer(env, BOB, BOB_ANSWER, thread)
            board = await ask(env, "leaderboard all")
            assert "Ada" in board["text"] and "Bob" in board["text"]

            note = await ask(env, "my-data")
            assert note["response_type"] == "ephemeral"
            assert "Sent to you in a DM" in note["text"] and "our DM" in note["text"]
            assert MARKER not in note["text"]
            (shared,) = fake.files
            assert shared["channel"] == ADA_DM and shared["name"].endswith(".json")
            assert shared["initial_comment"].startswith("Your data")
            data = exported(env, ADA_DM)
            assert data["user"] == ADA and MARKER in json.dumps(data)
            assert fake.count("files.getUploadURLExternal") == 1
            assert fake.count("upload") == 1 and fake.count("files.completeUploadExternal") == 1
            # Nothing about the export went to the channel or to anyone else.
            assert fake.files_in(P.CHANNEL) == [] and fake.files_in(BOB_DM) == []
            assert all("Your data" not in m["text"] for m in fake.all_posts() if "files" not in m)

            await ask(env, "my-data", BOB)
            assert [f["channel"] for f in fake.files] == [ADA_DM, BOB_DM]
            bobs = exported(env, BOB_DM)
            assert bobs["user"] == BOB and MARKER not in json.dumps(bobs)

            asked = await ask(env, "forget-me")
            assert asked["response_type"] == "ephemeral" and "forget-me confirm" in asked["text"]
            assert "Ada" in (await ask(env, "leaderboard all"))["text"]  # nothing deleted yet
            done = await ask(env, "forget-me confirm")
            assert done["response_type"] == "ephemeral" and done["text"].startswith("Done:")
            board = await ask(env, "leaderboard all")
            assert "Ada" not in board["text"] and "Bob" in board["text"]
            await ask(env, "my-data")
            assert MARKER not in json.dumps(exported(env, ADA_DM))
            assert fake.violations == []

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("method", "needed"),
    [("files.completeUploadExternal", "files:write"), ("files.getUploadURLExternal", "")],
)
def test_a_missing_files_scope_is_explained_privately(
    method: str,
    needed: str,
    drift_bank: Bank,
    sqlite_db: SqlDatabase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            await answer(env, ADA, ADA_ANSWER, thread)
            first = len(caplog.records)
            env.fake.fault(method, error="missing_scope", needed=needed)
            failed = await ask(env, "my-data")
            assert failed["response_type"] == "ephemeral"
            assert "couldn't upload your file" in failed["text"]
            assert "`files:write`" in failed["text"] and "admin" in failed["text"]
            assert "sent to you" not in failed["text"]
            assert env.fake.files == [] and env.fake.posts(ADA_DM) == []
            logged = [r.getMessage() for r in caplog.records[first:]]
            assert any(f"{method} answered missing_scope" in line for line in logged), logged
            assert not any(MARKER in line for line in logged)

            # The same request in the thread: the failure is ephemeral there, nothing crashes.
            env.fake.fault(method, error="missing_scope", needed=needed)
            await answer(env, ADA, "my-data", thread)
            (notice,) = [e for e in env.fake.ephemerals if "files:write" in e["text"]]
            assert notice["user"] == ADA and notice["thread_ts"] == thread
            assert env.fake.files == []

            # Once the scope is there, it works, from the thread and from the slash command.
            await answer(env, ADA, "my-data", thread)
            note = env.fake.ephemerals[-1]
            assert note["thread_ts"] == thread and "Sent to you in a DM" in note["text"]
            assert "Sent to you in a DM" in (await ask(env, "my-data"))["text"]
            assert len(env.fake.files_in(ADA_DM)) == 2
            assert MARKER in json.dumps(exported(env, ADA_DM))
            assert env.fake.violations == []

    asyncio.run(scenario())


def test_other_failures_say_what_failed(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            env.fake.fault("upload", status=500)
            refused = await ask(env, "my-data")
            assert "couldn't upload your file" in refused["text"]
            assert "`upload_failed`" in refused["text"]
            env.fake.fault("conversations.open", error="missing_scope")
            no_dm = await ask(env, "my-data")
            assert "couldn't open a DM with you" in no_dm["text"]
            assert "`im:write`" in no_dm["text"]
            env.fake.not_in_channel.add(ADA_DM)
            other = await ask(env, "my-data")
            assert "Slack answered `not_in_channel`" in other["text"]
            assert env.fake.files == [] and env.fake.violations == []

    asyncio.run(scenario())


def test_typed_in_the_dm(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE), mode="socket") as env:
            await env.envelope("events_api", P.event_body(P.dm_message(ADA, "my-data")))
            await env.settle()
            (shared,) = env.fake.files_in(ADA_DM)
            assert shared["initial_comment"].startswith("Your data: ")
            assert exported(env, ADA_DM)["user"] == ADA
            assert env.fake.count("conversations.open") == 0  # the DM is where it was typed
            assert env.fake.ephemerals == [] and env.fake.responses == []

            env.fake.fault("files.completeUploadExternal", error="missing_scope")
            await env.envelope("events_api", P.event_body(P.dm_message(ADA, "my-data")))
            await env.settle()
            assert "`files:write`" in env.fake.posts(ADA_DM)[-1]["text"]
            assert len(env.fake.files) == 1

            await env.envelope("events_api", P.event_body(P.dm_message(ADA, "forget-me")))
            await env.settle()
            assert "forget-me confirm" in env.fake.posts(ADA_DM)[-1]["text"]

            # `/coach my-data` typed in the DM itself: the file, and no "see our DM" note.
            form = P.slash(
                "my-data", ADA, env.fake.response_url(), channel=ADA_DM, channel_name="im"
            )
            await env.envelope("slash_commands", form)
            await env.settle()
            assert len(env.fake.files_in(ADA_DM)) == 2 and env.fake.responses == []
            assert env.fake.violations == []

    asyncio.run(scenario())
