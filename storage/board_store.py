"""SQL stores for leaderboards (rolled-up points), seasons and streaks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.ports import Board, BoardRow, Season, UserRef
from bot.progress import StreakState
from storage.tables import BoardEpoch, BoardPoints, SeasonRow, StreakRow, UserProfile


class SqlLeaderboard:
    """Leaderboard over board_points rollups; a reset bumps the board's epoch."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _epoch(self, board: Board) -> int:
        row = self.session.get(BoardEpoch, (board.platform, board.workspace, board.channel))
        return row.epoch if row else 0

    def add(self, board: Board, periods: Sequence[str], user: str, points: int) -> None:
        """Upsert one answer into each period's row (points added, answers counted)."""
        epoch = self._epoch(board)
        dialect = self.session.get_bind().dialect.name
        builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = BoardPoints.__table__  # type: ignore[attr-defined]
        for period in periods:
            stmt = builder(table).values(
                platform=board.platform,
                workspace=board.workspace,
                channel=board.channel,
                period=period,
                epoch=epoch,
                user_id=user,
                points=points,
                answers=1,
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["platform", "workspace", "channel", "period", "epoch", "user_id"],
                set_={
                    "points": table.c.points + stmt.excluded.points,
                    "answers": table.c.answers + 1,
                },
            )
            self.session.execute(stmt)

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
        row = self.session.get(StreakRow, (who.platform, who.workspace, who.user))
        if row is None:
            return StreakState()
        return StreakState(row.current, row.best, row.last_day, row.freezes, row.freezes_used)

    def put(self, who: UserRef, state: StreakState) -> None:
        """Store the state."""
        row = self.session.get(StreakRow, (who.platform, who.workspace, who.user)) or StreakRow(
            platform=who.platform, workspace=who.workspace, user_id=who.user
        )
        row.current, row.best, row.last_day = state.current, state.best, state.last_day
        row.freezes, row.freezes_used = state.freezes, state.freezes_used
        self.session.add(row)

    def top(
        self, platform: str, workspace: str, active_since: date, limit: int
    ) -> list[tuple[str, str, StreakState]]:
        """Longest stored runs among users who answered since a day."""
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
            .where(
                col(StreakRow.platform) == platform,
                col(StreakRow.workspace) == workspace,
                col(StreakRow.last_day) >= active_since,
            )
            .order_by(col(StreakRow.current).desc(), col(StreakRow.user_id))
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

    def list(self, platform: str, workspace: str) -> list[Season]:
        """By start date, then name."""
        stmt = (
            select(SeasonRow)
            .where(col(SeasonRow.platform) == platform, col(SeasonRow.workspace) == workspace)
            .order_by(col(SeasonRow.starts_on), col(SeasonRow.name))
        )
        return [Season(r.name, r.starts_on, r.ends_on) for r in self.session.exec(stmt)]
