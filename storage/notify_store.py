"""SQL stores for reminders and weekly-digest insights."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from bot.messages import Place
from bot.ports import UserRef
from storage.sql import insert_ignore, now_utc, profile_row
from storage.tables import AnswerRow, DigestPost, ReminderSent, UserProfile


def _hhmm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


class SqlReminders:
    """Reminders over user_profile.reminder_time and reminder_sent."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, who: UserRef) -> time | None:
        """The reminder time, or None."""
        row = self.session.get(UserProfile, (who.platform, who.workspace, who.user))
        return _hhmm(row.reminder_time) if row and row.reminder_time else None

    def set(self, who: UserRef, at: time | None) -> None:
        """On at a time, or off."""
        row = profile_row(self.session, who)
        row.reminder_time = f"{at:%H:%M}" if at else None
        row.updated_at = now_utc()
        self.session.add(row)

    def subscribers(self, platform: str) -> list[tuple[UserRef, time, str | None]]:
        """Everyone opted in on a platform."""
        stmt = select(UserProfile).where(
            col(UserProfile.platform) == platform, col(UserProfile.reminder_time).is_not(None)
        )
        return [
            (
                UserRef(r.platform, r.workspace, r.user_id),
                _hhmm(r.reminder_time or "19:00"),
                r.timezone,
            )
            for r in self.session.exec(stmt)
        ]

    def claim(self, who: UserRef, day: date, now: datetime) -> bool:
        """True only for the first reminder of a local day."""
        return insert_ignore(
            self.session,
            ReminderSent,
            {
                "platform": who.platform,
                "workspace": who.workspace,
                "user_id": who.user,
                "day": day,
                "sent_at": now,
            },
        )


class SqlInsights:
    """Digest data: the hardest question of a week, and digest claims."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def hardest_question(
        self, place: Place, start: date, end: date
    ) -> tuple[str, int, int] | None:
        """The question with the lowest average score in a channel (two or more answers)."""
        average = func.avg(AnswerRow.score)
        answers = func.count(col(AnswerRow.id))
        stmt = (
            select(AnswerRow.question_id, average, answers)
            .where(
                col(AnswerRow.platform) == place.platform,
                col(AnswerRow.workspace) == place.workspace,
                col(AnswerRow.channel) == place.channel,
                col(AnswerRow.local_day) >= start,
                col(AnswerRow.local_day) < end,
            )
            .group_by(col(AnswerRow.question_id))
            .having(answers >= 2)
            .order_by(average, col(AnswerRow.question_id))
            .limit(1)
        )
        row = self.session.exec(stmt).first()
        if row is None:
            return None
        return row[0], int(float(row[1]) + 0.5), int(row[2])

    def claim_digest(self, place: Place, week_of: date, now: datetime) -> bool:
        """True only the first time for a channel and week."""
        return insert_ignore(
            self.session,
            DigestPost,
            {
                "platform": place.platform,
                "workspace": place.workspace,
                "channel": place.channel,
                "week_of": week_of,
                "claimed_at": now,
            },
        )

    def release_digest(self, place: Place, week_of: date) -> None:
        """Forget a claim after a failed post."""
        self.session.execute(
            delete(DigestPost).where(
                col(DigestPost.platform) == place.platform,
                col(DigestPost.workspace) == place.workspace,
                col(DigestPost.channel) == place.channel,
                col(DigestPost.week_of) == week_of,
            )
        )
