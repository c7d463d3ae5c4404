"""SQL implementations of the core's storage ports, sharing one session per transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from bot.messages import Place
from bot.ports import (
    AnswerLog,
    BoardRow,
    ConversationStore,
    DailyQuestions,
    EventLog,
    HistoryItem,
    Leaderboard,
    Profile,
    Profiles,
    ScorecardStore,
    StoredAnswer,
    UserRef,
)
from bot.selection import choose_next
from bot.session.scorecard import Scorecard, TopicScore
from bot.session.state import Conversation, ConversationKey
from storage.tables import (
    AnswerRow,
    ConversationRow,
    DailyPost,
    PointAward,
    ProcessedEvent,
    ScorecardRow,
    UserProfile,
)


def insert_ignore(session: Session, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(model.__table__).values(**values).on_conflict_do_nothing()  # type: ignore[attr-defined]
    result = session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _now() -> datetime:
    return datetime.now(UTC)


class SqlConversations:
    """ConversationStore over the conversation table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self, key: ConversationKey) -> Conversation:
        """The stored conversation, or an empty one."""
        row = self.session.get(
            ConversationRow, (key.platform, key.workspace, key.channel, key.thread, key.user)
        )
        return Conversation.from_json(row.state if row else None)

    def save(self, key: ConversationKey, conversation: Conversation) -> None:
        """Insert or replace the conversation."""
        row = self.session.get(
            ConversationRow, (key.platform, key.workspace, key.channel, key.thread, key.user)
        )
        if row is None:
            row = ConversationRow(
                platform=key.platform,
                workspace=key.workspace,
                channel=key.channel,
                thread=key.thread,
                user_id=key.user,
                state="",
                updated_at=_now(),
            )
        row.state = conversation.to_json()
        row.updated_at = _now()
        self.session.add(row)


class SqlAnswers:
    """AnswerLog over the answer and point_award tables."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, answer: StoredAnswer) -> int:
        """Store the answer; award points only on the first answer to this step."""
        key, rec = answer.key, answer.record
        row = AnswerRow(
            platform=key.platform,
            workspace=key.workspace,
            channel=key.channel,
            thread=key.thread,
            user_id=key.user,
            question_id=rec.question_id,
            stage=rec.stage,
            topic=rec.topic,
            level=rec.level,
            mode=rec.mode,
            score=rec.score,
            points=0,
            revealed=rec.revealed,
            answered_at=answer.at,
            local_day=answer.local_day,
            text=rec.text,
            result=rec.result_json,
        )
        self.session.add(row)
        self.session.flush()
        first = insert_ignore(
            self.session,
            PointAward,
            {
                "platform": key.platform,
                "workspace": key.workspace,
                "user_id": key.user,
                "question_id": rec.question_id,
                "stage": rec.stage,
                "answer_id": row.id,
                "points": answer.points,
                "awarded_at": answer.at,
            },
        )
        if first and answer.points:
            row.points = answer.points
            self.session.add(row)
            return answer.points
        return 0

    def _mine(self, who: UserRef) -> Any:
        return (
            (col(AnswerRow.platform) == who.platform)
            & (col(AnswerRow.workspace) == who.workspace)
            & (col(AnswerRow.user_id) == who.user)
        )

    def answer_days(self, who: UserRef) -> list[date]:
        """Distinct local days with an answer, ascending."""
        stmt = select(col(AnswerRow.local_day)).where(self._mine(who)).distinct()
        return sorted(self.session.exec(stmt).all())

    def recent(self, who: UserRef, limit: int) -> list[HistoryItem]:
        """Newest answers first."""
        stmt = (
            select(AnswerRow)
            .where(self._mine(who))
            .order_by(col(AnswerRow.answered_at).desc(), col(AnswerRow.id).desc())
            .limit(limit)
        )
        return [
            HistoryItem(r.question_id, r.stage, r.score, r.points, r.answered_at, r.mode)
            for r in self.session.exec(stmt)
        ]

    def answered_steps(self, who: UserRef) -> dict[str, set[int]]:
        """Steps answered per question."""
        stmt = select(AnswerRow.question_id, AnswerRow.stage).where(self._mine(who)).distinct()
        steps: dict[str, set[int]] = {}
        for question_id, stage in self.session.exec(stmt):
            steps.setdefault(question_id, set()).add(stage)
        return steps


class SqlScorecards:
    """ScorecardStore over the scorecard table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, who: UserRef, card: Scorecard) -> None:
        """Keep a finished mock's scorecard."""
        self.session.add(
            ScorecardRow(
                platform=who.platform,
                workspace=who.workspace,
                user_id=who.user,
                track=card.track,
                level=card.level,
                overall=card.overall,
                complete=card.complete,
                finished_at=datetime.fromisoformat(card.finished_at),
                body=json.dumps(card.to_dict(), sort_keys=True),
            )
        )

    def recent(self, who: UserRef, limit: int) -> list[Scorecard]:
        """Newest scorecards first."""
        stmt = (
            select(ScorecardRow)
            .where(
                col(ScorecardRow.platform) == who.platform,
                col(ScorecardRow.workspace) == who.workspace,
                col(ScorecardRow.user_id) == who.user,
            )
            .order_by(col(ScorecardRow.finished_at).desc(), col(ScorecardRow.id).desc())
            .limit(limit)
        )
        cards = []
        for row in self.session.exec(stmt):
            body = json.loads(row.body)
            body["topics"] = tuple(TopicScore(**t) for t in body.get("topics", ()))
            body["practice"] = tuple(body.get("practice", ()))
            body["suggestions"] = tuple(body.get("suggestions", ()))
            cards.append(Scorecard(**body))
        return cards


class SqlLeaderboard:
    """Leaderboard over awarded points in the answer table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def top(
        self, platform: str, workspace: str, since: datetime | None, limit: int
    ) -> list[BoardRow]:
        """Highest totals; ties broken by display name, then user id."""
        points = func.sum(AnswerRow.points).label("points")
        answers = func.count(col(AnswerRow.id)).label("answers")
        stmt = (
            select(AnswerRow.user_id, points, answers, UserProfile.display_name)
            .join(
                UserProfile,
                (col(UserProfile.platform) == col(AnswerRow.platform))
                & (col(UserProfile.workspace) == col(AnswerRow.workspace))
                & (col(UserProfile.user_id) == col(AnswerRow.user_id)),
                isouter=True,
            )
            .where(col(AnswerRow.platform) == platform, col(AnswerRow.workspace) == workspace)
            .group_by(col(AnswerRow.user_id), col(UserProfile.display_name))
        )
        if since is not None:
            stmt = stmt.where(col(AnswerRow.answered_at) >= since)
        rows = [
            BoardRow(user, name or user, int(total or 0), int(count))
            for user, total, count, name in self.session.exec(stmt)
        ]
        rows.sort(key=lambda r: (-r.points, r.display_name.lower(), r.user))
        return rows[:limit]

    def total(self, who: UserRef, since: datetime | None) -> int:
        """One user's points since an instant."""
        stmt = select(func.coalesce(func.sum(AnswerRow.points), 0)).where(
            col(AnswerRow.platform) == who.platform,
            col(AnswerRow.workspace) == who.workspace,
            col(AnswerRow.user_id) == who.user,
        )
        if since is not None:
            stmt = stmt.where(col(AnswerRow.answered_at) >= since)
        return int(self.session.exec(stmt).one())


class SqlProfiles:
    """Profiles over the user_profile table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, who: UserRef) -> Profile | None:
        """The profile, if any."""
        row = self.session.get(UserProfile, (who.platform, who.workspace, who.user))
        return Profile(row.display_name, row.timezone) if row else None

    def update(
        self, who: UserRef, display_name: str | None = None, timezone: str | None = None
    ) -> None:
        """Create or update; None leaves a field unchanged."""
        row = self.session.get(UserProfile, (who.platform, who.workspace, who.user))
        if row is None:
            row = UserProfile(
                platform=who.platform,
                workspace=who.workspace,
                user_id=who.user,
                display_name=display_name or who.user,
                timezone=timezone,
                updated_at=_now(),
            )
        else:
            if display_name is not None and display_name == row.display_name and timezone is None:
                return
            if display_name is not None:
                row.display_name = display_name[:128]
            if timezone is not None:
                row.timezone = timezone
            row.updated_at = _now()
        self.session.add(row)


class SqlDailyQuestions:
    """DailyQuestions over the daily_post table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def question_for(self, place: Place, day: date, candidates: Sequence[str]) -> str:
        """The channel's question for a day, chosen once (race-safe) by least-used rotation."""
        key = (place.platform, place.workspace, place.channel, day)
        row = self.session.get(DailyPost, key)
        if row is not None:
            return row.question_id
        used_stmt = (
            select(DailyPost.question_id, func.count())
            .where(
                col(DailyPost.platform) == place.platform,
                col(DailyPost.workspace) == place.workspace,
                col(DailyPost.channel) == place.channel,
            )
            .group_by(col(DailyPost.question_id))
        )
        used = {q: int(n) for q, n in self.session.exec(used_stmt)}
        chosen = choose_next(
            candidates, used, f"{place.platform}/{place.workspace}/{place.channel}"
        )
        insert_ignore(
            self.session,
            DailyPost,
            {
                "platform": place.platform,
                "workspace": place.workspace,
                "channel": place.channel,
                "day": day,
                "question_id": chosen,
                "status": "chosen",
            },
        )
        stored = self.session.get(DailyPost, key, populate_existing=True)
        return stored.question_id if stored else chosen

    def question_for_thread(self, place: Place) -> str | None:
        """The question whose daily post started this thread."""
        stmt = select(DailyPost.question_id).where(
            col(DailyPost.platform) == place.platform,
            col(DailyPost.workspace) == place.workspace,
            col(DailyPost.channel) == place.channel,
            col(DailyPost.message_ref) == place.thread,
        )
        return self.session.exec(stmt).first()


class SqlEvents:
    """EventLog over the processed_event table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, platform: str, event_id: str) -> bool:
        """True only for the first delivery of an event id."""
        return insert_ignore(
            self.session,
            ProcessedEvent,
            {"platform": platform, "event_id": event_id[:128], "seen_at": _now()},
        )


class SqlRepositories:
    """All stores bound to one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.conversations: ConversationStore = SqlConversations(session)
        self.answers: AnswerLog = SqlAnswers(session)
        self.scorecards: ScorecardStore = SqlScorecards(session)
        self.leaderboard: Leaderboard = SqlLeaderboard(session)
        self.profiles: Profiles = SqlProfiles(session)
        self.daily: DailyQuestions = SqlDailyQuestions(session)
        self.events: EventLog = SqlEvents(session)
