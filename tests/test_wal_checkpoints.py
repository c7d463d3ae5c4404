"""SQLite WAL checkpoints run off the reply path in a long-running bot, and still run."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path

import pytest

from bot.messages import Place
from coach.run_command import checkpoint_loop
from storage.database import SqlDatabase
from storage.migrate import upgrade
from tests.pg import fresh_schema

CHANNEL = Place("slack", "T1", "C1")


def autocheckpoint(db: SqlDatabase) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


def write_days(db: SqlDatabase, days: int) -> None:
    for day in range(1, days + 1):
        with db.transaction() as repo:
            repo.daily.question_for(CHANNEL, date(2026, 11, day), [f"q{day}"])


def test_a_bot_leaves_checkpoints_to_the_background_and_they_copy_the_log(
    tmp_path: Path,
) -> None:
    plain = SqlDatabase(f"sqlite:///{tmp_path / 'plain.db'}")
    assert autocheckpoint(plain) == 1000  # SQLite's default: a commit may checkpoint
    plain.dispose()

    path = tmp_path / "bot.db"
    db = SqlDatabase(f"sqlite:///{path}", background_checkpoints=True)
    assert autocheckpoint(db) == 0
    upgrade(db.engine)
    write_days(db, 20)
    wal = path.with_name("bot.db-wal")
    before = path.stat().st_size
    assert wal.stat().st_size > 0
    assert db.checkpoint() == 0  # nothing left behind: every frame copied
    assert path.stat().st_size > before  # the tables reached the database file itself
    with db.transaction() as repo:
        assert repo.daily.question_for(CHANNEL, date(2026, 11, 20), ["other"]) == "q20"
    db.dispose()


def test_checkpoint_is_a_no_op_on_postgres_and_in_memory() -> None:
    assert SqlDatabase("sqlite://").checkpoint() == 0
    with fresh_schema() as url:
        db = SqlDatabase(url, background_checkpoints=True)
        assert db.checkpoint() == 0
        db.dispose()


class CountingDatabase:
    """Counts checkpoints; the second one fails, as a locked or vanished file would."""

    def __init__(self, stop: asyncio.Event, loop: asyncio.AbstractEventLoop) -> None:
        self.calls = 0
        self.stop, self.loop = stop, loop

    def checkpoint(self) -> int:
        self.calls += 1
        if self.calls == 2:
            raise OSError("database is locked")
        if self.calls == 4:
            self.loop.call_soon_threadsafe(self.stop.set)
        return 0


def test_the_loop_keeps_checkpointing_after_a_failure_and_stops_when_told(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> int:
        stop = asyncio.Event()
        db = CountingDatabase(stop, asyncio.get_running_loop())
        await asyncio.wait_for(checkpoint_loop(db, stop, every=0.001), 10)  # type: ignore[arg-type]
        return db.calls

    with caplog.at_level(logging.WARNING, logger="coach.run_command"):
        calls = asyncio.run(scenario())
    assert calls in (4, 5)  # the fourth sets stop; at most one more as the loop ends
    assert [r.getMessage() for r in caplog.records] == ["WAL checkpoint failed; retrying in 0 s"]
