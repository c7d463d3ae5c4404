"""SQLModel tables. Datetimes are timezone-aware and stored as UTC."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

KEY = 64


class ConversationRow(SQLModel, table=True):
    """The persisted state machine of one conversation."""

    __tablename__ = "conversation"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    channel: str = Field(primary_key=True, max_length=KEY)
    thread: str = Field(primary_key=True, max_length=KEY)
    user_id: str = Field(primary_key=True, max_length=KEY)
    state: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime


class AnswerRow(SQLModel, table=True):
    """One scored answer. `points` is what it earned (0 unless it was the first for its step)."""

    __tablename__ = "answer"
    __table_args__ = (
        Index("ix_answer_user_time", "platform", "workspace", "user_id", "answered_at"),
        Index("ix_answer_workspace_time", "platform", "workspace", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=KEY)
    channel: str = Field(max_length=KEY)
    thread: str = Field(max_length=KEY)
    user_id: str = Field(max_length=KEY)
    question_id: str = Field(max_length=KEY)
    stage: int
    topic: str = Field(max_length=KEY)
    level: str = Field(max_length=16)
    mode: str = Field(max_length=16)
    score: int
    points: int = 0
    revealed: bool = False
    answered_at: datetime
    local_day: date
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    result: str = Field(sa_column=Column(Text, nullable=False))


class PointAward(SQLModel, table=True):
    """Claims a (user, question, step) the first time it is answered, so points can't be farmed."""

    __tablename__ = "point_award"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    user_id: str = Field(primary_key=True, max_length=KEY)
    question_id: str = Field(primary_key=True, max_length=KEY)
    stage: int = Field(primary_key=True)
    answer_id: int
    points: int
    awarded_at: datetime


class ScorecardRow(SQLModel, table=True):
    """A finished mock interview."""

    __tablename__ = "scorecard"
    __table_args__ = (
        Index("ix_scorecard_user", "platform", "workspace", "user_id", "finished_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=KEY)
    user_id: str = Field(max_length=KEY)
    track: str = Field(max_length=KEY)
    level: str = Field(max_length=16)
    overall: int
    complete: bool
    finished_at: datetime
    body: str = Field(sa_column=Column(Text, nullable=False))


class DailyPost(SQLModel, table=True):
    """The question of the day per channel and local date, and whether it was posted."""

    __tablename__ = "daily_post"
    __table_args__ = (
        Index("ix_daily_post_message", "platform", "workspace", "channel", "message_ref"),
    )

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    channel: str = Field(primary_key=True, max_length=KEY)
    day: date = Field(primary_key=True)
    question_id: str = Field(max_length=KEY)
    status: str = Field(default="chosen", max_length=16)
    message_ref: str | None = Field(default=None, max_length=KEY)
    claimed_by: str | None = Field(default=None, max_length=KEY)
    claimed_at: datetime | None = None
    posted_at: datetime | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ProcessedEvent(SQLModel, table=True):
    """Platform event ids already handled, for dedupe across retries and replicas."""

    __tablename__ = "processed_event"

    platform: str = Field(primary_key=True, max_length=16)
    event_id: str = Field(primary_key=True, max_length=128)
    seen_at: datetime


class UserProfile(SQLModel, table=True):
    """Display name and timezone of a user in one workspace."""

    __tablename__ = "user_profile"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    user_id: str = Field(primary_key=True, max_length=KEY)
    display_name: str = Field(default="", max_length=128)
    timezone: str | None = Field(default=None, max_length=64)
    reminder_time: str | None = Field(default=None, max_length=5)
    updated_at: datetime


class ChannelSettingsRow(SQLModel, table=True):
    """Per-channel coaching settings (schedule, topics, level, feedback visibility)."""

    __tablename__ = "channel_settings"
    __table_args__ = (Index("ix_channel_settings_enabled", "platform", "enabled"),)

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    channel: str = Field(primary_key=True, max_length=KEY)
    enabled: bool = False
    timezone: str = Field(default="UTC", max_length=64)
    post_time: str = Field(default="09:00", max_length=5)
    weekdays: str = Field(default="0,1,2,3,4", max_length=20)
    topics: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    level: str | None = Field(default=None, max_length=16)
    public_feedback: bool = True
    rest_days: str = Field(default="", max_length=20)
    digest_weekday: int = 0
    digest_time: str = Field(default="09:30", max_length=5)
    updated_by: str = Field(default="", max_length=KEY)
    updated_at: datetime


class BoardPoints(SQLModel, table=True):
    """Rolled-up points per board (channel or whole workspace), period and user."""

    __tablename__ = "board_points"
    __table_args__ = (
        Index(
            "ix_board_points_rank", "platform", "workspace", "channel", "period", "epoch", "points"
        ),
    )

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    channel: str = Field(primary_key=True, max_length=KEY)  # "" = the whole workspace
    period: str = Field(primary_key=True, max_length=80)  # week:2026-W48, month:…, all, season:…
    epoch: int = Field(primary_key=True)  # bumped by an admin reset; old rows stay as history
    user_id: str = Field(primary_key=True, max_length=KEY)
    points: int = 0
    answers: int = 0


class BoardEpoch(SQLModel, table=True):
    """How many times a board was reset, and when."""

    __tablename__ = "board_epoch"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    channel: str = Field(primary_key=True, max_length=KEY)
    epoch: int = 0
    reset_at: datetime | None = None
    reset_by: str | None = Field(default=None, max_length=KEY)


class SeasonRow(SQLModel, table=True):
    """An admin-defined season of a workspace."""

    __tablename__ = "season"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    name: str = Field(primary_key=True, max_length=64)
    starts_on: date
    ends_on: date
    created_by: str = Field(default="", max_length=KEY)


class StreakRow(SQLModel, table=True):
    """A user's streak state, updated on each scored answer."""

    __tablename__ = "user_streak"
    __table_args__ = (
        Index("ix_user_streak_rank", "platform", "workspace", "last_day", "current"),
        Index("ix_user_streak_current", "platform", "workspace", "current"),
    )

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    user_id: str = Field(primary_key=True, max_length=KEY)
    current: int = 0
    best: int = 0
    last_day: date | None = None
    freezes: int = 0
    freezes_used: int = 0


class ReminderSent(SQLModel, table=True):
    """One evening reminder per user and local day."""

    __tablename__ = "reminder_sent"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    user_id: str = Field(primary_key=True, max_length=KEY)
    day: date = Field(primary_key=True)
    sent_at: datetime


class DigestPost(SQLModel, table=True):
    """One weekly digest per channel and ISO week (by its Monday)."""

    __tablename__ = "digest_post"

    platform: str = Field(primary_key=True, max_length=16)
    workspace: str = Field(primary_key=True, max_length=KEY)
    channel: str = Field(primary_key=True, max_length=KEY)
    week_of: date = Field(primary_key=True)
    claimed_at: datetime
