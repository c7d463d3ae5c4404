"""Helpers shared by the SQL repositories."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from bot.ports import UserRef
from storage import statements
from storage.tables import UserProfile


def insert_ignore(session: Session, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    stmt = statements.insert_ignore(statements.dialect_of(session), model)
    return statements.run(session, stmt, values).first() is not None


def now_utc() -> datetime:
    """The current instant, aware UTC."""
    return datetime.now(UTC)


def profile_row(session: Session, who: UserRef) -> UserProfile:
    """The user's profile row, or a new one named after their id (the caller adds it)."""
    row = session.get(UserProfile, (who.platform, who.workspace, who.user))
    return row or UserProfile(
        platform=who.platform,
        workspace=who.workspace,
        user_id=who.user,
        display_name=who.user,
        updated_at=now_utc(),
    )
