"""Migrations: apply cleanly on SQLite and PostgreSQL, and upgrade old data without loss."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from bot.ports import Board, UserRef
from storage.database import SqlDatabase
from storage.migrate import current_revision, head_revision, upgrade
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
