"""Migrations: apply cleanly on SQLite and PostgreSQL, and upgrade old data without loss."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, inspect, select, text

from bot.ports import Board, UserRef
from storage.database import SqlDatabase
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.pg import fresh_schema

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def seed_first_schema(db: SqlDatabase) -> None:
    """Data as the first released schema (0001) would have stored it."""
    upgrade(db.engine, "0001")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_profile (platform, workspace, user_id, display_name, timezone,"
                " updated_at) VALUES ('slack', 'T1', 'U1', 'ada', 'Europe/Helsinki', :t)"
            ),
            {"t": T0},
        )
        for day, (question, stage, points) in enumerate(
            [("q1", 0, 10), ("q1", 1, 8), ("q2", 0, 12)]
        ):
            at = T0.replace(day=20 + day)
            conn.execute(
                text(
                    "INSERT INTO answer (platform, workspace, channel, thread, user_id, question_id,"
                    " stage, topic, level, mode, score, points, revealed, answered_at, local_day,"
                    " text, result) VALUES ('slack', 'T1', 'C1', '1700.1', 'U1', :q, :s, 'drift',"
                    " 'mid', 'daily', 80, :p, false, :at, :day, 'my answer', '{}')"
                ),
                {"q": question, "s": stage, "p": points, "at": at, "day": at.date()},
            )
        conn.execute(
            text(
                "INSERT INTO conversation (platform, workspace, channel, thread, user_id, state,"
                " updated_at) VALUES ('slack', 'T1', 'C1', '', 'U1', '{\"version\": 1}', :t)"
            ),
            {"t": T0},
        )


def check_upgraded(db: SqlDatabase) -> None:
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()
    with db.transaction() as repo:
        who = UserRef("slack", "T1", "U1")
        assert repo.leaderboard.total(Board("slack", "T1"), "all", "U1") == 30
        assert repo.leaderboard.total(Board("slack", "T1", "C1"), "all", "U1") == 30
        assert repo.leaderboard.top(Board("slack", "T1"), "week:2026-W47", 5)[0].points == 30
        streak = repo.streaks.get(who)
        assert (streak.current, streak.best) == (3, 3)
        assert [h.question_id for h in repo.answers.recent(who, 10)] == ["q2", "q1", "q1"]
        profile = repo.profiles.get(who)
        assert profile is not None and profile.timezone == "Europe/Helsinki"
    upgrade(db.engine)  # running it again changes nothing
    with db.transaction() as repo:
        assert repo.leaderboard.total(Board("slack", "T1"), "all", "U1") == 30


def test_upgrade_from_the_first_schema_keeps_everything_sqlite(tmp_path: Path) -> None:
    db = SqlDatabase(f"sqlite:///{tmp_path / 'old.db'}")
    seed_first_schema(db)
    check_upgraded(db)
    db.dispose()


def test_upgrade_from_the_first_schema_keeps_everything_postgres() -> None:
    with fresh_schema() as url:
        db = SqlDatabase(url)
        seed_first_schema(db)
        check_upgraded(db)
        db.dispose()


def test_every_table_of_the_models_exists_after_upgrade(tmp_path: Path) -> None:
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401

    db = SqlDatabase(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    db.dispose()


def earlier_revisions() -> list[str]:
    """Every revision before head, oldest first, from the Alembic script directory."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "one line of migrations expected"
    newest_first = [rev.revision for rev in script.walk_revisions()]
    return list(reversed(newest_first))[:-1]


def sample_value(table: str, column: Column[Any]) -> object:
    """A plausible value for a reflected column (strings name their table and column)."""
    kind = column.type.python_type
    if kind is bool:
        return True
    if kind is int:
        return 7
    if kind is float:
        return 1.5
    if kind is datetime:
        return T0
    if kind is date:
        return T0.date()
    length = getattr(column.type, "length", None)
    return f"{table}.{column.name}"[:length] if length else "{}"


def seed_every_table(db: SqlDatabase) -> dict[str, list[dict[str, Any]]]:
    """One row in every table of the database's current schema; returns what was stored."""
    metadata = MetaData()
    stored: dict[str, list[dict[str, Any]]] = {}
    with db.engine.begin() as conn:
        metadata.reflect(conn)
        for table in metadata.sorted_tables:
            if table.name != "alembic_version":
                conn.execute(
                    table.insert(), {c.name: sample_value(table.name, c) for c in table.c}
                )
                stored[table.name] = [dict(r) for r in conn.execute(select(table)).mappings()]
    return stored


def rows_now(db: SqlDatabase, before: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The same tables and columns as `before`, read from the database as it is now."""
    metadata = MetaData()
    with db.engine.connect() as conn:
        metadata.reflect(conn, only=list(before))
        return {
            name: [
                dict(r)
                for r in conn.execute(select(*(table.c[c] for c in before[name][0]))).mappings()
            ]
            for name, table in metadata.tables.items()
        }


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        db = SqlDatabase(f"sqlite:///{tmp_path / 'old.db'}")
        yield db
        db.dispose()
        return
    with fresh_schema() as url:
        db = SqlDatabase(url)
        yield db
        db.dispose()


@pytest.mark.parametrize("revision", earlier_revisions())
def test_upgrade_from_every_earlier_revision_keeps_the_rows(
    empty_db: SqlDatabase, revision: str
) -> None:
    upgrade(empty_db.engine, revision)
    before = seed_every_table(empty_db)
    assert before, f"no tables at revision {revision}"
    upgrade(empty_db.engine)
    assert current_revision(empty_db.engine) == head_revision()
    assert rows_now(empty_db, before) == before
