"""Channel settings: schedule, timezone, topics, level, feedback visibility, rest days.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "channel_settings",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("post_time", sa.String(length=5), nullable=False),
        sa.Column("weekdays", sa.String(length=20), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("public_feedback", sa.Boolean(), nullable=False),
        sa.Column("rest_days", sa.String(length=20), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("digest_time", sa.String(length=5), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "channel"),
    )
    with op.batch_alter_table("channel_settings", schema=None) as batch_op:
        batch_op.create_index("ix_channel_settings_enabled", ["platform", "enabled"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("channel_settings", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_settings_enabled")

    op.drop_table("channel_settings")
