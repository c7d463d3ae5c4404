"""No secret in logs at any level: the bot token and interaction tokens, at DEBUG."""

from __future__ import annotations

import logging

import pytest

from adapters.discord.logs import DiscordRedactor
from bot.bank.loader import Bank
from storage.database import SqlDatabase
from tests.discord.harness import run, running
from tests.discord.payloads import BOT_TOKEN
from tests.discord.test_daily_thread import ANSWER_1, button_done, post_daily, said, slash_done


def test_no_token_in_logs_at_debug(
    drift_bank: Bank, sqlite_db: SqlDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens: list[str] = []

    async def scenario() -> None:
        async with running(drift_bank, sqlite_db) as r:
            f = r.fake
            thread_id = await post_daily(r)
            await said(r, f.alice, thread_id, ANSWER_1)
            click = await f.click(f.alice, f.bot_messages(thread_id)[-1], "prodml:model")
            await button_done(r, click)
            streak = await slash_done(r, await f.slash(f.alice, f.channel_id, "streak"))
            await f.close_gateway(4000)  # a RESUME carries the token too
            await f.wait(lambda: len(f.resumes) == 1)
            await r.bot.trace.wait(lambda: r.bot.trace.count("resumed") == 1)
            tokens.extend(i.token for i in f.interactions.values())
            assert click.token in tokens and streak.token in tokens

    run(scenario())
    text = caplog.text
    assert len(caplog.records) > 50  # DEBUG really was on, for discord.py too
    assert any(
        r.name.startswith("discord.") and r.levelno == logging.DEBUG for r in caplog.records
    )
    assert BOT_TOKEN not in text
    for token in tokens:
        assert token not in text
        assert token.split(":")[0] not in text  # not even the token's readable prefix
    assert "/interactions/" in text and "[redacted]" in text  # the URLs were logged, masked


def test_redactor_masks_urls_payloads_and_the_bot_token() -> None:
    redactor = DiscordRedactor([BOT_TOKEN])
    assert redactor.redact(f"POST https://x/api/v10/webhooks/123/{'a' * 60}?wait=1") == (
        "POST https://x/api/v10/webhooks/123/[redacted]?wait=1"
    )
    assert redactor.redact("/interactions/9/aW50ZXJ.abc/callback") == (
        "/interactions/9/[redacted]/callback"
    )
    assert redactor.redact("{'token': 'aW50ZXJhY3Rpb246secret', 'id': '1'}") == (
        "{'token': '[redacted]', 'id': '1'}"
    )
    assert redactor.redact(f"Bot {BOT_TOKEN}") == "Bot [redacted]"
