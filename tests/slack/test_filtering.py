"""Messages from our bot, other bots, edits, deletes, joins, top-level chatter and threads the
bot didn't start never cause a reply, a Web API call or points."""

from __future__ import annotations

import asyncio

from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.fakes import FakeClock
from tests.slack import payloads as P
from tests.slack.harness import ADA, FIRE, count_rows, running, start_daily


def test_nothing_but_people_in_our_threads_and_dms_gets_an_answer(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        async with running(drift_bank, sqlite_db, FakeClock(FIRE)) as env:
            thread = await start_daily(env)
            calls_before = len(env.fake.calls)
            events_before = count_rows(sqlite_db, "processed_event")
            top_level = P.thread_reply(ADA, "lunch?", thread)
            del top_level["thread_ts"], top_level["parent_user_id"]
            human_thread = P.thread_reply(
                ADA, "PSI above 0.25", "1795400999.000001", parent_user="U0HUMAN"
            )
            join = {
                **P.thread_reply(ADA, "<@U0ADA> has joined the channel", thread),
                "subtype": "channel_join",
            }
            slackbot = {**P.thread_reply("USLACKBOT", "reminder: standup", thread)}
            bot_dm = {**P.dm_message(ADA, "hello"), "bot_id": "B0OTHER", "subtype": "bot_message"}
            events = [
                P.bot_echo("Score: 80/100", thread),
                P.other_bot("PSI per feature, page above 0.25", thread),
                P.edited(ADA, "PSI per feature, page above 0.25 (edited)", thread),
                P.deleted(thread),
                top_level,
                human_thread,
                join,
                slackbot,
                bot_dm,
            ]
            for event in events:
                status, _, _ = await env.event(P.event_body(event))
                assert status == 200
            await env.settle()
            assert env.fake.calls[calls_before:] == [
                c for c in env.fake.calls[calls_before:] if c.method.startswith(">>")
            ]
            assert count_rows(sqlite_db, "answer") == 0
            assert count_rows(sqlite_db, "processed_event") == events_before
            assert env.fake.posts(P.CHANNEL, thread) == []

    asyncio.run(scenario())
