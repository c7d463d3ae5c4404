"""Helpers shared by the SQL repositories."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from storage import statements


def insert_ignore(session: Session, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    stmt = statements.insert_ignore(statements.dialect_of(session), model)
    return statements.run(session, stmt, values).first() is not None


def now_utc() -> datetime:
    """The current instant, aware UTC."""
    return datetime.now(UTC)
