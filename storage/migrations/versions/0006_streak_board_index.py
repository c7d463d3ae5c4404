"""Index streaks by length, so the streak board walks the longest runs first.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_index("ix_user_streak_current", "user_streak", ["platform", "workspace", "current"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_user_streak_current", table_name="user_streak")
