"""SQL stores for channel settings and the daily-post claims."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select, update

from bot.channels import ChannelSettings
from bot.messages import Place
from storage.sql import insert_ignore, now_utc
from storage.statements import CHANNEL_ROW, DAILY_CLAIM, DAILY_POSTED, daily_key, run
from storage.tables import ChannelSettingsRow, DailyPost


def _days(text: str) -> frozenset[int]:
    return frozenset(int(d) for d in text.split(",") if d)


def _hhmm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def to_settings(row: Any) -> ChannelSettings:
    """A stored row as core settings."""
    return ChannelSettings(
        enabled=row.enabled,
        timezone=row.timezone,
        post_time=_hhmm(row.post_time),
        weekdays=_days(row.weekdays),
        topics=tuple(t for t in row.topics.split(",") if t),
        level=row.level,
        public_feedback=row.public_feedback,
        rest_days=_days(row.rest_days),
        digest_weekday=row.digest_weekday,
        digest_time=_hhmm(row.digest_time),
    )


class SqlChannels:
    """ChannelConfigs over the channel_settings table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[tuple[str, str, str], ChannelSettings] = {}

    def get(self, place: Place) -> ChannelSettings:
        """Stored settings, or the defaults (read once per transaction)."""
        key = (place.platform, place.workspace, place.channel)
        if key not in self._seen:
            params = dict(zip(("platform", "workspace", "channel"), key, strict=True))
            row = run(self.session, CHANNEL_ROW, params).first()
            self._seen[key] = to_settings(row) if row else ChannelSettings()
        return self._seen[key]

    def save(self, place: Place, settings: ChannelSettings, by: str) -> None:
        """Insert or replace a channel's settings."""
        self._seen.pop((place.platform, place.workspace, place.channel), None)
        key = (place.platform, place.workspace, place.channel)
        row = self.session.get(ChannelSettingsRow, key) or ChannelSettingsRow(
            platform=place.platform,
            workspace=place.workspace,
            channel=place.channel,
            updated_at=now_utc(),
        )
        row.enabled = settings.enabled
        row.timezone = settings.timezone
        row.post_time = f"{settings.post_time:%H:%M}"
        row.weekdays = ",".join(str(d) for d in sorted(settings.weekdays))
        row.topics = ",".join(settings.topics)
        row.level = settings.level
        row.public_feedback = settings.public_feedback
        row.rest_days = ",".join(str(d) for d in sorted(settings.rest_days))
        row.digest_weekday = settings.digest_weekday
        row.digest_time = f"{settings.digest_time:%H:%M}"
        row.updated_by = by[:64]
        row.updated_at = now_utc()
        self.session.add(row)

    def enabled(self, platform: str) -> list[tuple[Place, ChannelSettings]]:
        """Channels with daily posts on, in a stable order."""
        stmt = (
            select(ChannelSettingsRow)
            .where(col(ChannelSettingsRow.platform) == platform, col(ChannelSettingsRow.enabled))
            .order_by(col(ChannelSettingsRow.workspace), col(ChannelSettingsRow.channel))
        )
        return [
            (Place(r.platform, r.workspace, r.channel), to_settings(r))
            for r in self.session.exec(stmt)
        ]


class SqlClaims:
    """DailyClaims over the daily_post table: chosen → claimed → posted, or skipped."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _where(self, place: Place, day: date):  # type: ignore[no-untyped-def]
        return (
            (col(DailyPost.platform) == place.platform)
            & (col(DailyPost.workspace) == place.workspace)
            & (col(DailyPost.channel) == place.channel)
            & (col(DailyPost.day) == day)
        )

    def claim(self, place: Place, day: date, worker: str, now: datetime, lease: timedelta) -> int:
        """Atomically move chosen (or a stale claim) to claimed; the attempt number, 0 if lost."""
        params = daily_key(place, day, "k_") | {
            "stale": now - lease,
            "worker": worker[:64],
            "now": now,
        }
        attempt = run(self.session, DAILY_CLAIM, params).scalar()
        return int(attempt or 0)

    def mark_posted(self, place: Place, day: date, message_ref: str, now: datetime) -> None:
        """The post went out; remember its message id for the thread."""
        params = daily_key(place, day, "k_") | {"ref": message_ref[:64], "now": now}
        run(self.session, DAILY_POSTED, params)

    def mark_skipped(self, place: Place, day: date, now: datetime, lease: timedelta) -> bool:
        """Record a missed day, unless it was posted or is being posted right now."""
        if insert_ignore(
            self.session,
            DailyPost,
            {
                "platform": place.platform,
                "workspace": place.workspace,
                "channel": place.channel,
                "day": day,
                "question_id": "",
                "status": "skipped",
                "claimed_at": now,
            },
        ):
            return True
        stmt = (
            update(DailyPost)
            .where(self._where(place, day))
            .where(
                (col(DailyPost.status) == "chosen")
                | (
                    (col(DailyPost.status) == "claimed")
                    & (col(DailyPost.claimed_at) < now - lease)
                )
            )
            .values(status="skipped")
            .returning(col(DailyPost.day))
        )
        return self.session.execute(stmt).first() is not None

    def release(self, place: Place, day: date) -> None:
        """Hand a claim back after a failed post."""
        self.session.execute(
            update(DailyPost)
            .where(self._where(place, day), col(DailyPost.status) == "claimed")
            .values(status="chosen", claimed_by=None, claimed_at=None)
        )
