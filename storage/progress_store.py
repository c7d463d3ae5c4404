"""SQL stores for progress: answers and points, scorecards, leaderboards."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.ports import HistoryItem, StoredAnswer, UserRef
from bot.session.scorecard import Scorecard, TopicScore
from storage.sql import insert_ignore
from storage.statements import ANSWER_INSERT, ANSWER_POINTS, run
from storage.tables import AnswerRow, PointAward, ScorecardRow


class SqlAnswers:
    """AnswerLog over the answer and point_award tables."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, answer: StoredAnswer) -> int:
        """Store the answer; award points only on the first answer to this step."""
        key, rec = answer.key, answer.record
        row = {
            "platform": key.platform,
            "workspace": key.workspace,
            "channel": key.channel,
            "thread": key.thread,
            "user_id": key.user,
            "question_id": rec.question_id,
            "stage": rec.stage,
            "topic": rec.topic,
            "level": rec.level,
            "mode": rec.mode,
            "score": rec.score,
            "points": 0,
            "revealed": rec.revealed,
            "answered_at": answer.at,
            "local_day": answer.local_day,
            "text": rec.text,
            "result": rec.result_json,
        }
        answer_id = run(self.session, ANSWER_INSERT, row).scalar_one()
        first = insert_ignore(
            self.session,
            PointAward,
            {
                "platform": key.platform,
                "workspace": key.workspace,
                "user_id": key.user,
                "question_id": rec.question_id,
                "stage": rec.stage,
                "answer_id": answer_id,
                "points": answer.points,
                "awarded_at": answer.at,
            },
        )
        if first and answer.points:
            run(self.session, ANSWER_POINTS, {"answer_id": answer_id, "points": answer.points})
            return answer.points
        return 0

    def _mine(self, who: UserRef) -> Any:
        return (
            (col(AnswerRow.platform) == who.platform)
            & (col(AnswerRow.workspace) == who.workspace)
            & (col(AnswerRow.user_id) == who.user)
        )

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
