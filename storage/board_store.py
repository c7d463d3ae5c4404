"""SQL stores for leaderboards (rolled-up points), seasons and streaks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.ports import Board, BoardRow, Season, UserRef
from bot.progress import StreakState
from bot.standings import season_period
from storage.statements import EPOCH_OF, SEASONS, STREAK_ROW, dialect_of, run, upsert
from storage.tables import AnswerRow, BoardEpoch, BoardPoints, SeasonRow, StreakRow, UserProfile


@lru_cache(maxsize=4)
def _upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE adding points, built once per dialect (so it is cached)."""
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = BoardPoints.__table__  # type: ignore[attr-defined]
    stmt = builder(table)
    return stmt.on_conflict_do_update(
        index_elements=["platform", "workspace", "channel", "period", "epoch", "user_id"],
        set_={
            "points": table.c.points + stmt.excluded.points,
            "answers": table.c.answers + stmt.excluded.answers,
        },
    )


class SqlLeaderboard:
    """Leaderboard over board_points rollups; a reset bumps the board's epoch."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._epochs: dict[Board, int] = {}

    def _epoch(self, board: Board) -> int:
        """The board's reset count, looked up once per transaction."""
        if board not in self._epochs:
            params = {
                "platform": board.platform,
                "workspace": board.workspace,
                "channel": board.channel,
            }
            self._epochs[board] = run(self.session, EPOCH_OF, params).scalar() or 0
        return self._epochs[board]

    def add(self, board: Board, periods: Sequence[str], user: str, points: int) -> None:
        """Upsert one answer into each period's row (points added, answers counted)."""
        epoch = self._epoch(board)
        rows = [
            {
                "platform": board.platform,
                "workspace": board.workspace,
                "channel": board.channel,
                "period": period,
                "epoch": epoch,
                "user_id": user,
                "points": points,
                "answers": 1,
            }
            for period in periods
        ]
        run(self.session, _upsert(dialect_of(self.session)), rows)

    def top(self, board: Board, period: str, limit: int) -> list[BoardRow]:
        """Highest totals in a period; ties by display name (case-folded), then user id."""
        name = func.coalesce(UserProfile.display_name, BoardPoints.user_id)
        stmt = (
            select(BoardPoints.user_id, name, BoardPoints.points, BoardPoints.answers)
            .join(
                UserProfile,
                (col(UserProfile.platform) == col(BoardPoints.platform))
                & (col(UserProfile.workspace) == col(BoardPoints.workspace))
                & (col(UserProfile.user_id) == col(BoardPoints.user_id)),
                isouter=True,
            )
            .where(
                col(BoardPoints.platform) == board.platform,
                col(BoardPoints.workspace) == board.workspace,
                col(BoardPoints.channel) == board.channel,
                col(BoardPoints.period) == period,
                col(BoardPoints.epoch) == self._epoch(board),
            )
            .order_by(col(BoardPoints.points).desc(), func.lower(name), col(BoardPoints.user_id))
            .limit(limit)
        )
        return [
            BoardRow(user, shown or user, points, answers)
            for user, shown, points, answers in self.session.exec(stmt)
        ]

    def total(self, board: Board, period: str, user: str) -> int:
        """One user's points in a period."""
        row = self.session.get(
            BoardPoints,
            (board.platform, board.workspace, board.channel, period, self._epoch(board), user),
        )
        return row.points if row else 0

    def reset(self, board: Board, by: str, at: datetime) -> None:
        """Start the board afresh."""
        key = (board.platform, board.workspace, board.channel)
        self._epochs.pop(board, None)
        row = self.session.get(BoardEpoch, key) or BoardEpoch(
            platform=board.platform, workspace=board.workspace, channel=board.channel
        )
        row.epoch += 1
        row.reset_at, row.reset_by = at, by[:64]
        self.session.add(row)


class SqlStreaks:
    """StreakStore over the user_streak table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, who: UserRef) -> StreakState:
        """The stored state, or an empty one."""
        params = {"platform": who.platform, "workspace": who.workspace, "user_id": who.user}
        row = run(self.session, STREAK_ROW, params).first()
        return StreakState(*row) if row else StreakState()

    def put(self, who: UserRef, state: StreakState) -> None:
        """Store the state."""
        columns = ("current", "best", "last_day", "freezes", "freezes_used")
        stmt = upsert(dialect_of(self.session), StreakRow, columns)
        values = {
            "platform": who.platform,
            "workspace": who.workspace,
            "user_id": who.user,
            "current": state.current,
            "best": state.best,
            "last_day": state.last_day,
            "freezes": state.freezes,
            "freezes_used": state.freezes_used,
        }
        run(self.session, stmt, values)

    def top(
        self, platform: str, workspace: str, since: date, freeze_since: date, limit: int
    ) -> list[tuple[str, str, StreakState]]:
        """Longest runs last answered since a day (or freeze_since, holding a freeze).

        Two steps, so the name join runs only for the rows that can make the board: the
        limit-th longest run first (an index-friendly sort), then those at or above it by name.
        """
        live = (
            (col(StreakRow.platform) == platform)
            & (col(StreakRow.workspace) == workspace)
            & (
                (col(StreakRow.last_day) >= since)
                | ((col(StreakRow.last_day) >= freeze_since) & (col(StreakRow.freezes) > 0))
            )
        )
        cutoff = self.session.exec(
            select(StreakRow.current)
            .where(live)
            .order_by(col(StreakRow.current).desc())
            .offset(max(limit - 1, 0))
            .limit(1)
        ).first()
        name = func.coalesce(UserProfile.display_name, StreakRow.user_id)
        stmt = (
            select(StreakRow, name)
            .join(
                UserProfile,
                (col(UserProfile.platform) == col(StreakRow.platform))
                & (col(UserProfile.workspace) == col(StreakRow.workspace))
                & (col(UserProfile.user_id) == col(StreakRow.user_id)),
                isouter=True,
            )
            .where(live, col(StreakRow.current) >= (cutoff or 0))
            .order_by(col(StreakRow.current).desc(), func.lower(name), col(StreakRow.user_id))
            .limit(limit)
        )
        return [
            (
                row.user_id,
                shown or row.user_id,
                StreakState(row.current, row.best, row.last_day, row.freezes, row.freezes_used),
            )
            for row, shown in self.session.exec(stmt)
        ]


class SqlSeasons:
    """Seasons over the season table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, platform: str, workspace: str, season: Season, by: str) -> None:
        """Create or replace."""
        row = self.session.get(SeasonRow, (platform, workspace, season.name)) or SeasonRow(
            platform=platform,
            workspace=workspace,
            name=season.name,
            starts_on=season.starts,
            ends_on=season.ends,
        )
        row.starts_on, row.ends_on, row.created_by = season.starts, season.ends, by[:64]
        self.session.add(row)
        self._recount(platform, workspace, season)

    def _recount(self, platform: str, workspace: str, season: Season) -> None:
        """Rebuild the season's board rows from stored answers (a season may start in the past).

        An answer counts on the workspace board, and on its channel's board when that channel
        has a board (answers in DMs have none); never before a board's last reset."""
        period = season_period(season.name)
        mine = (col(BoardPoints.platform) == platform) & (col(BoardPoints.workspace) == workspace)
        self.session.execute(delete(BoardPoints).where(mine, col(BoardPoints.period) == period))
        epochs = {
            row.channel: (row.epoch, row.reset_at and _utc(row.reset_at))
            for row in self.session.exec(
                select(BoardEpoch).where(
                    BoardEpoch.platform == platform, BoardEpoch.workspace == workspace
                )
            )
        }
        boards = set(self.session.exec(select(BoardPoints.channel).where(mine).distinct()))
        answers = self.session.exec(
            select(AnswerRow.channel, AnswerRow.user_id, AnswerRow.points, AnswerRow.answered_at)
            .where(AnswerRow.platform == platform, AnswerRow.workspace == workspace)
            .where(
                col(AnswerRow.local_day) >= season.starts, col(AnswerRow.local_day) <= season.ends
            )
        )
        totals: dict[tuple[str, int, str], list[int]] = {}
        for channel, user, points, at in answers:
            for board in ("", channel) if channel in boards and channel else ("",):
                epoch, reset_at = epochs.get(board, (0, None))
                if reset_at is not None and _utc(at) < reset_at:
                    continue
                total = totals.setdefault((board, epoch, user), [0, 0])
                total[0] += points
                total[1] += 1
        rows = [
            {
                "platform": platform,
                "workspace": workspace,
                "channel": board,
                "period": period,
                "epoch": epoch,
                "user_id": user,
                "points": points,
                "answers": count,
            }
            for (board, epoch, user), (points, count) in totals.items()
        ]
        if rows:
            self.session.execute(insert(BoardPoints.__table__), rows)  # type: ignore[attr-defined]

    def list(self, platform: str, workspace: str) -> list[Season]:
        """By start date, then name."""
        rows = run(self.session, SEASONS, {"platform": platform, "workspace": workspace})
        return [Season(name, starts, ends) for name, starts, ends in rows]


def _utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands it back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
