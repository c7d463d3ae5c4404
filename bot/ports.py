"""Ports: the small interfaces the core needs from storage and the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from bot.channels import ChannelSettings
from bot.messages import Place
from bot.progress import StreakState
from bot.session.machine import AnswerRecord
from bot.session.scorecard import Scorecard
from bot.session.state import Conversation, ConversationKey


class StorageUnavailable(Exception):
    """The database refused a read or write (read-only file, locked, unreachable)."""


@dataclass(frozen=True)
class UserRef:
    """A user within one workspace of one platform."""

    platform: str
    workspace: str
    user: str


@dataclass(frozen=True)
class Profile:
    """What we know about a user beyond their answers."""

    display_name: str
    timezone: str | None


@dataclass(frozen=True)
class HistoryItem:
    """One past answer, for `history`."""

    question_id: str
    stage: int
    score: int
    points: int
    answered_at: datetime
    mode: str


@dataclass(frozen=True)
class BoardRow:
    """One line of a leaderboard."""

    user: str
    display_name: str
    points: int
    answers: int


@dataclass(frozen=True)
class StoredAnswer:
    """An answer to record: where, who, when, on which local day, and the points it may earn."""

    key: ConversationKey
    record: AnswerRecord
    at: datetime
    local_day: date
    points: int


class Clock(Protocol):
    """Tells the time (aware, UTC)."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class ConversationStore(Protocol):
    """Persisted conversation state."""

    def load(self, key: ConversationKey) -> Conversation:
        """The conversation for this key (empty if none)."""
        ...

    def save(self, key: ConversationKey, conversation: Conversation) -> None:
        """Store the conversation for this key."""
        ...


class AnswerLog(Protocol):
    """Scored answers and the points they earned."""

    def record(self, answer: StoredAnswer) -> int:
        """Store an answer; award its points only if it is the user's first for that step."""
        ...

    def recent(self, who: UserRef, limit: int) -> list[HistoryItem]:
        """The user's most recent answers, newest first."""
        ...

    def answered_steps(self, who: UserRef) -> dict[str, set[int]]:
        """For each question the user has answered, the steps answered."""
        ...


class ScorecardStore(Protocol):
    """Finished mock-interview scorecards."""

    def add(self, who: UserRef, card: Scorecard) -> None:
        """Keep a scorecard."""
        ...

    def recent(self, who: UserRef, limit: int) -> list[Scorecard]:
        """The user's latest scorecards, newest first."""
        ...


@dataclass(frozen=True)
class Board:
    """A leaderboard: one channel, or a whole workspace when `channel` is empty."""

    platform: str
    workspace: str
    channel: str = ""


@dataclass(frozen=True)
class Season:
    """An admin-defined competition window, inclusive local dates."""

    name: str
    starts: date
    ends: date


class Leaderboard(Protocol):
    """Points per board and period ("week:2026-W48", "month:2026-11", "all", "season:x")."""

    def add(self, board: Board, periods: Sequence[str], user: str, points: int) -> None:
        """Count one scored answer (and its points) in each period of a board."""
        ...

    def top(self, board: Board, period: str, limit: int) -> list[BoardRow]:
        """Highest totals since the board's last reset; ties by display name, then user id."""
        ...

    def total(self, board: Board, period: str, user: str) -> int:
        """One user's points in a period since the board's last reset."""
        ...

    def reset(self, board: Board, by: str, at: datetime) -> None:
        """Start the board afresh; earlier points stay stored but no longer count."""
        ...


class StreakStore(Protocol):
    """Each user's stored streak state."""

    def get(self, who: UserRef) -> StreakState:
        """The user's streak state (empty if none)."""
        ...

    def put(self, who: UserRef, state: StreakState) -> None:
        """Store the user's streak state."""
        ...

    def top(
        self, platform: str, workspace: str, since: date, freeze_since: date, limit: int
    ) -> list[tuple[str, str, StreakState]]:
        """(user, name, state): longest runs last answered since a day (or freeze_since with a
        freeze held); ties by display name (case-folded), then user id."""
        ...


class Seasons(Protocol):
    """Admin-defined seasons per workspace."""

    def add(self, platform: str, workspace: str, season: Season, by: str) -> None:
        """Create or replace a season, recounting its points from the answers in its dates."""
        ...

    def list(self, platform: str, workspace: str) -> list[Season]:
        """The workspace's seasons, by start date."""
        ...


class Profiles(Protocol):
    """Display names and timezones."""

    def get(self, who: UserRef) -> Profile | None:
        """The user's profile, if any."""
        ...

    def update(
        self, who: UserRef, display_name: str | None = None, timezone: str | None = None
    ) -> None:
        """Create or update a profile; None leaves a field as it is."""
        ...


class DailyQuestions(Protocol):
    """Which question is the question of the day in each channel."""

    def question_for(self, place: Place, day: date, candidates: Sequence[str]) -> str:
        """Today's question for this channel, choosing (and recording) one if none yet."""
        ...

    def question_for_thread(self, place: Place) -> str | None:
        """The question a daily post's thread is about, if this is such a thread."""
        ...

    def posted_ref(self, place: Place, day: date) -> str | None:
        """The message id of a channel's daily post for a day, once it has gone out."""
        ...


class DailyClaims(Protocol):
    """The claim on each (channel, local day): chosen → claimed → posted, or skipped."""

    def claim(self, place: Place, day: date, worker: str, now: datetime, lease: timedelta) -> int:
        """Take the day's post for this worker: the attempt number (1 = first), 0 if lost."""
        ...

    def mark_posted(self, place: Place, day: date, message_ref: str, now: datetime) -> None:
        """Record that the post went out, with the platform's message id."""
        ...

    def mark_skipped(self, place: Place, day: date, now: datetime, lease: timedelta) -> bool:
        """Record a day as skipped unless posted or claimed within the lease; True if recorded."""
        ...

    def release(self, place: Place, day: date) -> None:
        """Give a claim back after a failed post, so it can be retried."""
        ...


class ChannelConfigs(Protocol):
    """Per-channel settings."""

    def get(self, place: Place) -> ChannelSettings:
        """The channel's settings (defaults when never configured)."""
        ...

    def save(self, place: Place, settings: ChannelSettings, by: str) -> None:
        """Store a channel's settings."""
        ...

    def enabled(self, platform: str) -> list[tuple[Place, ChannelSettings]]:
        """Channels of a platform with daily posts turned on."""
        ...


class Reminders(Protocol):
    """Opt-in evening reminders."""

    def get(self, who: UserRef) -> time | None:
        """The user's reminder time, or None when off."""
        ...

    def set(self, who: UserRef, at: time | None) -> None:
        """Turn reminders on at a local time, or off with None."""
        ...

    def subscribers(self, platform: str) -> list[tuple[UserRef, time, str | None]]:
        """(user, local reminder time, user timezone) for everyone opted in."""
        ...

    def claim(self, who: UserRef, day: date, now: datetime) -> bool:
        """Record today's reminder; True only the first time for that local day."""
        ...


class Insights(Protocol):
    """Weekly digests: what was hard, and which digests went out."""

    def hardest_question(
        self, place: Place, start: date, end: date
    ) -> tuple[str, int, int] | None:
        """(question, average, answers) with the lowest average in a channel over [start, end)."""
        ...

    def claim_digest(self, place: Place, week_of: date, now: datetime) -> bool:
        """Record a week's digest for a channel; True only the first time."""
        ...

    def release_digest(self, place: Place, week_of: date) -> None:
        """Forget a claim after a failed post, so it is retried."""
        ...


class EventLog(Protocol):
    """Platform event ids already handled (dedupe across retries and replicas)."""

    def first_time(self, platform: str, event_id: str) -> bool:
        """Record the id; True only the first time it is seen."""
        ...


class PersonalData(Protocol):
    """Everything kept about one user: hand it over, forget it, and age out answer texts."""

    def export(self, who: UserRef) -> dict[str, Any]:
        """All rows about the user in their workspace, as JSON-ready values."""
        ...

    def forget(self, who: UserRef) -> dict[str, int]:
        """Delete them (answers, scorecards, points, streak, sessions, profile); counts by kind."""
        ...

    def prune_texts(self, before: datetime) -> int:
        """Remove answer texts (and quotes of them) older than an instant; scores stay."""
        ...


class Repositories(Protocol):
    """All stores, sharing one transaction."""

    conversations: ConversationStore
    answers: AnswerLog
    scorecards: ScorecardStore
    leaderboard: Leaderboard
    streaks: StreakStore
    seasons: Seasons
    profiles: Profiles
    daily: DailyQuestions
    claims: DailyClaims
    channels: ChannelConfigs
    reminders: Reminders
    insights: Insights
    events: EventLog
    personal: PersonalData


class Database(Protocol):
    """Opens transactions; raises StorageUnavailable when the database cannot be used."""

    def transaction(self) -> AbstractContextManager[Repositories]:
        """A unit of work: committed on success, rolled back on error."""
        ...


class Metrics(Protocol):
    """Counts what the core does (a Prometheus implementation lives in coach.metrics)."""

    def scored(self, platform: str, mode: str, seconds: float) -> None:
        """One answer scored (mode daily/mock) in `seconds`."""
        ...

    def post(self, platform: str, kind: str, outcome: str) -> None:
        """A scheduled post (daily/digest/reminder) was sent, failed or skipped."""
        ...

    def storage_error(self, where: str) -> None:
        """The database refused an operation."""
        ...


class NoMetrics:
    """Metrics that count nothing (the default)."""

    def scored(self, platform: str, mode: str, seconds: float) -> None:
        """Ignore a scored answer."""

    def post(self, platform: str, kind: str, outcome: str) -> None:
        """Ignore a post outcome."""

    def storage_error(self, where: str) -> None:
        """Ignore a storage error."""
