"""A whole mock interview over Socket Mode: `/coach mock` in a channel moves to the DM, the
answers are scored there, a button skips a step, and it ends with the scorecard."""

from __future__ import annotations

import asyncio
import json

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, count_rows, running

DM = "D0ADA"
ANSWERS = [
    "I'd compute PSI per feature daily against the training window, watch the predicted "
    "approval rate and the matured default rate against last quarter's band, and page only "
    "when PSI stays above 0.25 on a top feature for two days.",
    "Before labels mature I'd use proxies: early-payment delinquency at 30 days, the score "
    "distribution and approval rate by cohort, and compare each application-month cohort.",
    "I'd tell finance a monthly accuracy report arrives 60 to 90 days late and hides broken "
    "segments; I'd keep the cheap drift checks and cut the dashboards nobody reads instead.",
]


def test_a_mock_interview_runs_in_the_dm_and_ends_with_a_scorecard(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(), mode="socket") as env:
            fake = env.fake
            ack = await env.envelope(
                "slash_commands", P.slash("mock drift", ADA, fake.response_url())
            )
            assert ack.acked_at is not None
            await env.settle()
            intro, question = fake.posts(DM)
            assert intro["text"].startswith("Mock interview: 1 questions, 4 steps")
            assert question["text"].startswith("Question 1 of 1 — ")
            notice = fake.responses[-1]
            assert notice["response_type"] == "ephemeral" and "our DM" in notice["text"]
            assert fake.count("conversations.open") == 1

            await env.envelope("events_api", P.event_body(P.dm_message(ADA, ANSWERS[0])))
            await env.settle()
            first = fake.posts(DM)[-1]
            assert first["blocks"][0]["text"]["text"].startswith("Score ")
            assert "thread_ts" not in first
            assert json.loads(P.buttons_of(first)["coach_next"]) == {"o": ADA, "t": ""}

            await env.envelope("events_api", P.event_body(P.dm_message(ADA, ANSWERS[1])))
            await env.settle()
            second = fake.posts(DM)[-1]
            assert "Next — Step 3/4" in json.dumps(second["blocks"], ensure_ascii=False)

            value = P.buttons_of(second)["coach_next"]
            await env.envelope(
                "interactive", P.button("coach_next", value, ADA, second["ts"], channel=DM)
            )
            await env.settle()
            skipped, step4 = (m["text"] for m in fake.posts(DM)[-2:])
            assert skipped == "Skipped." and step4.startswith("Step 4/4")

            await env.envelope("events_api", P.event_body(P.dm_message(ADA, ANSWERS[2])))
            await env.settle()
            feedback, scorecard = fake.posts(DM)[-2:]
            assert feedback["text"].startswith("Score: ")
            assert scorecard["text"].startswith("Mock interview scorecard — track: drift")
            assert "3 steps answered, 1 skipped" in scorecard["text"]
            assert scorecard["blocks"][0]["text"]["text"].startswith("*Mock interview scorecard")

            # Typing in the DM after the scorecard: the coach answers, nothing breaks.
            await env.envelope("events_api", P.event_body(P.dm_message(ADA, "streak")))
            await env.settle()
            assert fake.posts(DM)[-1]["text"].startswith("Streak: 1 day")

            assert fake.violations == []
            assert all(e.acked_at is not None for e in fake.envelopes.values())
            assert count_rows(sqlite_db, "scorecard") == 1
            assert count_rows(sqlite_db, "answer") == 3

    asyncio.run(scenario())


def test_a_bad_mock_track_is_answered_in_the_channel_not_the_dm(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(), mode="socket") as env:
            await env.envelope(
                "slash_commands", P.slash("mock astrology", ADA, env.fake.response_url())
            )
            await env.settle()
            (reply,) = env.fake.responses
            assert reply["response_type"] == "ephemeral"
            assert "Unknown track or level 'astrology'" in reply["text"]
            assert env.fake.posts(DM) == []

    asyncio.run(scenario())


def test_mock_typed_in_the_dm_itself_stays_there(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(), mode="socket") as env:
            form = P.slash(
                "mock", ADA, env.fake.response_url(), channel=DM, channel_name="directmessage"
            )
            await env.envelope("slash_commands", form)
            await env.settle()
            assert [m["text"][:15] for m in env.fake.posts(DM)] == [
                "Mock interview:",
                "Question 1 of 1",
            ]
            assert env.fake.count("conversations.open") == 1
            assert env.fake.responses == []  # no "sent to your DM" notice: it is the DM

    asyncio.run(scenario())
