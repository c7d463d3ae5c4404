"""Leaderboard rollups per board and period, board resets, seasons and stored streaks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "board_epoch",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reset_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("platform", "workspace", "channel"),
    )
    op.create_table(
        "board_points",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=80), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "channel", "period", "epoch", "user_id"),
    )
    with op.batch_alter_table("board_points", schema=None) as batch_op:
        batch_op.create_index(
            "ix_board_points_rank",
            ["platform", "workspace", "channel", "period", "epoch", "points"],
            unique=False,
        )

    op.create_table(
        "season",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "name"),
    )
    op.create_table(
        "user_streak",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("best", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("freezes", sa.Integer(), nullable=False),
        sa.Column("freezes_used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "user_id"),
    )
    with op.batch_alter_table("user_streak", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_streak_rank", ["platform", "workspace", "last_day", "current"], unique=False
        )
    _backfill()


def _backfill() -> None:
    """Roll existing answers up into boards and streaks, so an upgrade loses nothing."""
    from bot.progress import StreakState, advance_streak
    from bot.standings import periods_for

    bind = op.get_bind()
    answers = bind.execute(
        sa.text(
            "SELECT platform, workspace, channel, thread, user_id, mode, points, local_day "
            "FROM answer ORDER BY answered_at, id"
        )
    ).all()
    boards: dict[tuple[str, str, str, str, str], list[int]] = {}
    days: dict[tuple[str, str, str], list[date]] = {}
    for platform, workspace, channel, thread, user, mode, points, local in answers:
        day = local if isinstance(local, date) else date.fromisoformat(str(local))
        scopes = [""] + ([channel] if mode == "daily" and thread else [])
        for scope in scopes:
            for period in periods_for(day, []):
                row = boards.setdefault((platform, workspace, scope, period, user), [0, 0])
                row[0] += int(points)
                row[1] += 1
        days.setdefault((platform, workspace, user), []).append(day)
    if boards:
        bind.execute(
            sa.text(
                "INSERT INTO board_points (platform, workspace, channel, period, epoch, user_id,"
                " points, answers) VALUES (:p, :w, :c, :period, 0, :u, :points, :answers)"
            ),
            [
                {"p": p, "w": w, "c": c, "period": period, "u": u, "points": v[0], "answers": v[1]}
                for (p, w, c, period, u), v in boards.items()
            ],
        )
    streaks = []
    for (platform, workspace, user), user_days in days.items():
        state = StreakState()
        for day in sorted(user_days):
            state = advance_streak(state, day)
        streaks.append(
            {
                "p": platform,
                "w": workspace,
                "u": user,
                "current": state.current,
                "best": state.best,
                "last": state.last_day,
                "f": state.freezes,
                "used": state.freezes_used,
            }
        )
    if streaks:
        bind.execute(
            sa.text(
                "INSERT INTO user_streak (platform, workspace, user_id, current, best, last_day,"
                " freezes, freezes_used) VALUES (:p, :w, :u, :current, :best, :last, :f, :used)"
            ),
            streaks,
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("user_streak", schema=None) as batch_op:
        batch_op.drop_index("ix_user_streak_rank")

    op.drop_table("user_streak")
    op.drop_table("season")
    with op.batch_alter_table("board_points", schema=None) as batch_op:
        batch_op.drop_index("ix_board_points_rank")

    op.drop_table("board_points")
    op.drop_table("board_epoch")
