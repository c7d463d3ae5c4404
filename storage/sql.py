"""Helpers shared by the SQL repositories."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore(session: Session, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = next(iter(table.primary_key.columns))
    stmt = builder(table).values(**values).on_conflict_do_nothing().returning(key)
    return session.execute(stmt).first() is not None


def now_utc() -> datetime:
    """The current instant, aware UTC."""
    return datetime.now(UTC)
