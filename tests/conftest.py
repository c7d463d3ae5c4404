"""Shared fixtures: the bank, a fake clock, databases and the terminal-coach harness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.console.coach import HELP_EXTRA, ConsoleCoach
from bot.bank.loader import Bank, load_bank
from bot.scoring.scorer import Scorer
from coach.bootstrap import build_app
from coach.metrics import CoachMetrics
from coach.settings import Settings
from storage.database import SqlDatabase
from storage.migrate import upgrade
from tests.fakes import FakeClock, InMemoryDatabase

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DRIFT_ONLY = [CONTENT / "lexicon.yaml", CONTENT / "questions" / "drift.yaml"]


@pytest.fixture(scope="session")
def bank() -> Bank:
    """The full built-in bank."""
    return load_bank([CONTENT])


@pytest.fixture(scope="session")
def drift_bank() -> Bank:
    """A stable one-question bank for state-machine tests."""
    return load_bank(DRIFT_ONLY)


@pytest.fixture(scope="session")
def scorer(bank: Bank) -> Scorer:
    return Scorer(bank)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def memory_db() -> InMemoryDatabase:
    return InMemoryDatabase()


def migrated_sqlite(path: Path) -> SqlDatabase:
    """A migrated SQLite database in a file."""
    db = SqlDatabase(f"sqlite:///{path}")
    upgrade(db.engine)
    return db


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[SqlDatabase]:
    db = migrated_sqlite(tmp_path / "coach.db")
    yield db
    db.dispose()


def make_console(
    bank: Bank,
    database: object,
    clock: FakeClock,
    user: str = "ada",
    timezone: str = "Europe/Helsinki",
    metrics: CoachMetrics | None = None,
    export_dir: Path | None = None,
) -> ConsoleCoach:
    """The terminal coach wired through the composition root with test doubles."""
    settings = Settings(timezone=timezone, console_user=user, mock_questions=2)
    extra = {"console": HELP_EXTRA}
    app = build_app(settings, bank, database, clock, help_extra=extra, metrics=metrics)  # type: ignore[arg-type]
    if export_dir is None:
        return ConsoleCoach(app.coach, user, clock)
    return ConsoleCoach(app.coach, user, clock, export_dir)


@pytest.fixture
def console(drift_bank: Bank, sqlite_db: SqlDatabase, clock: FakeClock) -> ConsoleCoach:
    return make_console(drift_bank, sqlite_db, clock)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """The same tests against the in-memory fake, SQLite and PostgreSQL."""
    if request.param == "memory":
        yield InMemoryDatabase()
    elif request.param == "sqlite":
        db = migrated_sqlite(tmp_path / "contract.db")
        yield db
        db.dispose()
    else:
        from tests.pg import fresh_schema

        with fresh_schema() as url:
            db = SqlDatabase(url)
            upgrade(db.engine)
            yield db
            db.dispose()
