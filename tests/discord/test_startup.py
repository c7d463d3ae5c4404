"""Start-up: clear messages for a bad token, a missing intent or an unreachable API, no crash
loop; `coach run` exits 2 with the message; SIGTERM-style stop closes cleanly."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.discord.runner import BAD_TOKEN, NO_CONTENT_INTENT, serve
from adapters.errors import PlatformStartupError
from bot.bank.loader import Bank
from coach.bootstrap import build_app
from coach.run_command import run_command
from storage.database import SqlDatabase
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import START, run, settings_for
from tests.discord.payloads import BOT_TOKEN
from tests.fakes import FakeClock


async def start_and_fail(fake: FakeDiscord, bank: Bank, db: SqlDatabase, **extra: Any) -> str:
    app = build_app(settings_for(fake, **extra), bank, db, FakeClock(START))
    with pytest.raises(PlatformStartupError) as raised:
        await serve(app, asyncio.Event())
    return str(raised.value)


def test_a_bad_token_stops_with_a_clear_message_after_one_try(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        fake = FakeDiscord()
        await fake.start()
        try:
            wrong = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx.AbCdEf.wrong-token-for-this-application-0000"
            message = await start_and_fail(
                fake, drift_bank, sqlite_db, discord_token=SecretStr(wrong)
            )
            assert message == BAD_TOKEN and wrong not in message
            assert fake.login_attempts == 1 and fake.identifies == []
        finally:
            await fake.stop()

    run(scenario())


def test_a_token_refused_by_the_gateway_is_also_a_bad_token(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        fake = FakeDiscord()
        fake.gateway_rejects_token = True
        await fake.start()
        try:
            assert await start_and_fail(fake, drift_bank, sqlite_db) == BAD_TOKEN
            assert len(fake.identifies) == 1
        finally:
            await fake.stop()

    run(scenario())


def test_missing_message_content_intent_is_explained_not_retried(
    drift_bank: Bank, sqlite_db: SqlDatabase
) -> None:
    async def scenario() -> None:
        fake = FakeDiscord(message_content_enabled=False)
        await fake.start()
        try:
            message = await start_and_fail(fake, drift_bank, sqlite_db)
            assert message == NO_CONTENT_INTENT
            assert "MESSAGE CONTENT INTENT" in message
            assert len(fake.identifies) == 1  # no reconnect loop
        finally:
            await fake.stop()

    run(scenario())


def test_missing_token_and_unreachable_api(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        fake = FakeDiscord()  # never started: nothing listens on its address
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            fake.port = probe.getsockname()[1]
        message = await start_and_fail(fake, drift_bank, sqlite_db, discord_token=None)
        assert "DISCORD_TOKEN is not set" in message
        message = await start_and_fail(fake, drift_bank, sqlite_db)
        assert message.startswith(f"Cannot reach Discord at http://127.0.0.1:{fake.port}")

    run(scenario())


def test_serve_stops_cleanly_when_asked(drift_bank: Bank, sqlite_db: SqlDatabase) -> None:
    async def scenario() -> None:
        fake = FakeDiscord()
        await fake.start()
        try:
            app = build_app(settings_for(fake), drift_bank, sqlite_db, FakeClock(START))
            stop = asyncio.Event()
            serving = asyncio.create_task(serve(app, stop))
            await fake.wait(lambda: fake.sessions and fake.current().ws is not None)
            stop.set()
            await asyncio.wait_for(serving, 10)
            await fake.wait(lambda: fake.current().ws is None)  # the bot closed its socket
        finally:
            await fake.stop()

    run(scenario())


@contextmanager
def fake_in_thread(**options: Any) -> Iterator[FakeDiscord]:
    """The fake on its own event loop in a thread, for code that calls asyncio.run itself."""
    loop = asyncio.new_event_loop()
    holder: list[FakeDiscord] = []
    started = threading.Event()

    def main() -> None:
        asyncio.set_event_loop(loop)
        fake = FakeDiscord(**options)
        loop.run_until_complete(fake.start())
        holder.append(fake)
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield holder[0]
    finally:
        asyncio.run_coroutine_threadsafe(holder[0].stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_coach_run_exits_2_with_the_reason(
    drift_bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_in_thread(message_content_enabled=False) as fake:
        settings = settings_for(
            fake, platform="discord", database_url=f"sqlite:///{tmp_path / 'run.db'}"
        )
        assert run_command(settings, drift_bank, force_console=False) == 2
    err = capsys.readouterr().err
    assert "Could not start: Discord refused the connection" in err
    assert BOT_TOKEN not in err
