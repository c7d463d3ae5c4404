"""Opt-in evening reminders: a DM when today's answer would keep a streak alive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.messages import Reply, ReplyKind
from bot.ports import Database, UserRef
from bot.progress import streak_at, zone

DEFAULT_TIME = time(19, 0)
REMINDER_WINDOW = timedelta(hours=3)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(text: str) -> time | None:
    """HH:MM, or None."""
    match = _TIME.match(text)
    return time(int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class DueReminder:
    """A reminder to DM one user."""

    who: UserRef
    reply: Reply

    @property
    def key(self) -> str:
        """A stable id for this reminder."""
        return f"remind:{self.who.platform}:{self.who.workspace}:{self.who.user}"


def reminder_text(streak_days: int, pending_freeze: bool) -> str:
    """The reminder itself."""
    days = f"{streak_days}-day streak"
    extra = " (a freeze is covering the day you missed)" if pending_freeze else ""
    return (
        f"Your {days}{extra} ends at midnight unless you answer today — type `today` here "
        "for the question of the day, or reply in today's thread. (`remind off` to stop.)"
    )


class ReminderService:
    """Finds users to remind now and claims each (user, local day) once."""

    def __init__(self, db: Database, default_timezone: str) -> None:
        self.db = db
        self.default_timezone = default_timezone

    def due(self, platform: str, now: datetime) -> list[DueReminder]:
        """Claim and return the reminders to send now."""
        due = []
        with self.db.transaction() as repo:
            subscribers = repo.reminders.subscribers(platform)
        for who, at, tz_name in subscribers:
            tz = zone(tz_name or self.default_timezone)
            local = now.astimezone(tz)
            start = datetime.combine(local.date(), at, tzinfo=tz)
            if not start <= local < start + REMINDER_WINDOW:
                continue
            with self.db.transaction() as repo:
                streak = streak_at(repo.streaks.get(who), local.date())
                if streak.current == 0 or streak.answered_today:
                    continue
                if repo.reminders.claim(who, local.date(), now):
                    text = reminder_text(streak.current, streak.pending_freeze)
                    due.append(DueReminder(who, Reply(text, ReplyKind.INFO)))
        return due
