"""A user's own rows across every table: export them, delete them, age out answer texts."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlmodel import Session

from bot.ports import UserRef
from bot.scoring.result import without_quotes
from storage.statements import run, table
from storage.tables import (
    AnswerRow,
    BoardPoints,
    ConversationRow,
    PointAward,
    ReminderSent,
    ScorecardRow,
    StreakRow,
    UserProfile,
)

# What `forget-me` deletes, by the name shown to the user; point_award and reminder_sent go too.
OWNED = {
    "answers": AnswerRow,
    "scorecards": ScorecardRow,
    "points": BoardPoints,
    "streaks": StreakRow,
    "conversations": ConversationRow,
    "profiles": UserProfile,
}
ALSO_OWNED = (PointAward, ReminderSent)
PRUNE_BATCH = 500
JSON_COLUMNS = {"result", "body", "state"}


def _mine(t: Table, who: UserRef) -> Any:
    return (
        (t.c.platform == who.platform)
        & (t.c.workspace == who.workspace)
        & (t.c.user_id == who.user)
    )


def _plain(column: str, value: Any) -> Any:
    """A JSON-ready value: dates as ISO text, stored JSON documents parsed."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if column in JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class SqlPersonalData:
    """PersonalData over every table that holds a user's rows."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def export(self, who: UserRef) -> dict[str, Any]:
        """Every row about the user in their workspace, table by table."""
        found: dict[str, Any] = {}
        for name, model in OWNED.items():
            t = table(model)
            rows = run(self.session, select(t).where(_mine(t, who))).mappings()
            found[name] = [
                {k: _plain(k, v) for k, v in row.items() if k not in ("platform", "workspace")}
                for row in rows
            ]
        return found

    def forget(self, who: UserRef) -> dict[str, int]:
        """Delete every row about the user in their workspace; counts by kind."""
        removed = {}
        for name, model in OWNED.items():
            t = table(model)
            removed[name] = run(self.session, delete(t).where(_mine(t, who))).rowcount
        for model in ALSO_OWNED:
            t = table(model)
            run(self.session, delete(t).where(_mine(t, who)))
        self.session.expire_all()  # cached ORM rows of deleted users must not come back
        return removed

    def prune_texts(self, before: datetime) -> int:
        """Blank answer texts (and quotes in stored results) older than `before`."""
        t = table(AnswerRow)
        touched = 0
        while True:
            rows = run(
                self.session,
                select(t.c.id, t.c.result)
                .where(t.c.answered_at < before, t.c.text.is_not(None))
                .order_by(t.c.id)
                .limit(PRUNE_BATCH),
            ).all()
            if not rows:
                return touched
            for answer_id, result in rows:
                run(
                    self.session,
                    update(t)
                    .where(t.c.id == answer_id)
                    .values(text=None, result=without_quotes(result)),
                )
            touched += len(rows)
