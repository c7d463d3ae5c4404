"""A user's own data: `my-data` hands it over, `forget-me` deletes it, retention ages out texts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.messages import Attachment, Reply, ReplyKind
from bot.ports import Database, Repositories, UserRef

FORGET_CONFIRM = "confirm"
KINDS = {  # kind: (one, many)
    "answers": ("answer", "answers"),
    "scorecards": ("mock scorecard", "mock scorecards"),
    "points": ("leaderboard row", "leaderboard rows"),
    "streaks": ("streak", "streaks"),
    "conversations": ("open session", "open sessions"),
    "profiles": ("profile (name, timezone, reminder)", "profiles"),
}


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{n} {KINDS.get(kind, (kind, kind))[n != 1]}" for kind, n in counts.items() if n]
    return ", ".join(parts) or "nothing"


def my_data(repo: Repositories, who: UserRef, now: datetime) -> Reply:
    """Everything kept about the user in this workspace, as a JSON file in their DM."""
    data = repo.personal.export(who)
    document = {
        "about": "Everything ProdML Coach keeps about you in this workspace.",
        "platform": who.platform,
        "workspace": who.workspace,
        "user": who.user,
        "exported_at": now.isoformat(),
        **data,
    }
    counts = {kind: len(rows) for kind, rows in data.items() if isinstance(rows, list)}
    name = f"prodml-coach-{who.platform}-{who.user}-{now:%Y%m%d-%H%M%S}.json"
    content = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    return Reply(
        f"Your data: {_summary(counts)}. To delete it all, use `forget-me`.",
        ReplyKind.INFO,
        private=True,
        attachment=Attachment(name, content),
        direct=True,
    )


def forget_me(repo: Repositories, who: UserRef, args: tuple[str, ...]) -> Reply:
    """`forget-me` explains and asks; `forget-me confirm` deletes the user's data."""
    if args != (FORGET_CONFIRM,):
        data = repo.personal.export(who)
        counts = {kind: len(rows) for kind, rows in data.items() if isinstance(rows, list)}
        return Reply(
            f"This deletes everything I keep about you in this workspace: {_summary(counts)}. "
            "Your points leave every leaderboard and your streak ends. It can't be undone. "
            f"To go ahead, type `forget-me {FORGET_CONFIRM}`.",
            ReplyKind.INFO,
            private=True,
        )
    removed = repo.personal.forget(who)
    return Reply(
        f"Done: deleted {_summary(removed)}. Leaderboards no longer show you. "
        "If you answer again, you start afresh.",
        ReplyKind.INFO,
        private=True,
    )


class RetentionService:
    """Deletes answer texts older than the retention window, keeping scores and points."""

    def __init__(self, db: Database, days: int) -> None:
        self.db = db
        self.days = days

    def prune(self, now: datetime) -> int:
        """Remove old answer texts; how many answers were touched."""
        with self.db.transaction() as repo:
            return repo.personal.prune_texts(now - timedelta(days=self.days))
