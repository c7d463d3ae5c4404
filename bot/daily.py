"""Daily posts: which channels are due, claimed once per (channel, local day) in the database.

Adapters call `due()` on a timer, post each DuePost, then report `posted()` or `failed()`.
A claim is a row in the database, so two or three bot processes never post twice; a claim whose
process died is taken over after its lease; a day missed by more than the grace window is
recorded as skipped, never silently lost.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.messages import Place, Reply, ReplyKind
from bot.ports import Database, Metrics, NoMetrics, Repositories
from bot.progress import zone
from bot.selection import daily_candidates

log = logging.getLogger(__name__)
DEFAULT_GRACE = timedelta(hours=2)
DEFAULT_LEASE = timedelta(minutes=5)
CLAIM_BATCH = 100  # channels claimed per transaction


def post_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a day.

    A time skipped by a spring-forward change (02:30 when clocks jump 02:00→03:00) happens
    one gap later (03:30); a time that occurs twice in autumn means its first occurrence.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def next_post_time(settings: ChannelSettings, after: datetime) -> datetime | None:
    """The first scheduled post strictly after an instant, or None when no weekday is set."""
    if not settings.weekdays:
        return None
    tz = zone(settings.timezone)
    day = after.astimezone(tz).date() - timedelta(days=1)
    for _ in range(9):
        at = post_instant(day, settings.post_time, tz)
        if day.weekday() in settings.weekdays and at > after:
            return at
        day += timedelta(days=1)
    return None


class Decision(StrEnum):
    """What a channel needs right now."""

    WAIT = "wait"
    POST = "post"
    SKIP = "skip"


def decide(settings: ChannelSettings, now: datetime, grace: timedelta) -> tuple[Decision, date]:
    """Whether today's post (in the channel's timezone) is not yet due, due, or too late."""
    tz = zone(settings.timezone)
    day = now.astimezone(tz).date()
    if not settings.enabled or day.weekday() not in settings.weekdays:
        return Decision.WAIT, day
    at = post_instant(day, settings.post_time, tz)
    if now < at:
        return Decision.WAIT, day
    return (Decision.POST if now <= at + grace else Decision.SKIP), day


@dataclass(frozen=True)
class DuePost:
    """A daily question to post in a channel, with a key to make the post idempotent."""

    place: Place
    day: date
    question_id: str
    reply: Reply
    attempt: int = 1  # above 1, an earlier attempt may have reached the platform
    due_at: datetime | None = None  # the channel's local post time that day, in UTC

    @property
    def key(self) -> str:
        """A stable id for this post (a platform nonce or message metadata)."""
        p = self.place
        return f"daily:{p.platform}:{p.workspace}:{p.channel}:{self.day.isoformat()}"

    @property
    def short_key(self) -> str:
        """The key hashed to 25 characters (Discord's nonce limit)."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:25]


def question_post(bank: Bank, question_id: str) -> Reply:
    """The channel post that opens a daily thread."""
    q = bank.question(question_id)
    topic = bank.topics.get(q.topic, q.topic)
    text = (
        f"Question of the day — {q.title} ({topic} · {q.level.value})\n"
        f"{q.steps[0].prompt.strip()}\n"
        "Reply in this thread to answer: I'll score it and follow up like an interviewer would."
    )
    return Reply(text, ReplyKind.QUESTION, data={"question": question_id, "stage": "0"})


class DailyService:
    """Claims due channel-days and records how their posts went."""

    def __init__(
        self,
        bank: Bank,
        db: Database,
        worker: str,
        grace: timedelta = DEFAULT_GRACE,
        lease: timedelta = DEFAULT_LEASE,
        metrics: Metrics | None = None,
    ) -> None:
        self.bank = bank
        self.db = db
        self.worker = worker
        self.grace = grace
        self.lease = lease
        self.metrics = metrics or NoMetrics()

    def due(self, platform: str, now: datetime) -> list[DuePost]:
        """Claim and return the posts this process should make now (each channel-day once)."""
        return [post for batch in self.due_batches(platform, now) for post in batch]

    def due_batches(
        self, platform: str, now: datetime, size: int = CLAIM_BATCH
    ) -> Iterator[list[DuePost]]:
        """Claim due posts a batch of channels per transaction, so posting can start early.

        Each batch is one short transaction: a claim never waits on the platform, and on
        SQLite the write lock is held for a batch, not for the whole fan-out.
        """
        with self.db.transaction() as repo:
            channels = repo.channels.enabled(platform)
        due = []
        for place, settings in channels:
            decision, day = decide(settings, now, self.grace)
            if decision is not Decision.WAIT:
                due.append((place, settings, decision, day))
        for start in range(0, len(due), size):
            with self.db.transaction() as repo:
                batch = [self._claim(repo, *item, now) for item in due[start : start + size]]
            yield [post for post in batch if post is not None]

    def _claim(
        self,
        repo: Repositories,
        place: Place,
        settings: ChannelSettings,
        decision: Decision,
        day: date,
        now: datetime,
    ) -> DuePost | None:
        """Skip a day that is too late, or claim it; the post to make, if this worker won."""
        if decision is Decision.SKIP:
            if repo.claims.mark_skipped(place, day, now, self.lease):
                log.warning(
                    "daily post for %s/%s on %s skipped: more than %s late",
                    place.workspace,
                    place.channel,
                    day,
                    self.grace,
                )
                self.metrics.post(place.platform, "daily", "skipped")
            return None
        candidates = daily_candidates(self.bank, settings.topics, settings.level)
        question_id = repo.daily.question_for(place, day, candidates)
        if question_id not in self.bank.questions:
            question_id = candidates[0]
        attempt = repo.claims.claim(place, day, self.worker, now, self.lease)
        if not attempt:
            return None
        due_at = post_instant(day, settings.post_time, zone(settings.timezone))
        reply = question_post(self.bank, question_id)
        return DuePost(place, day, question_id, reply, attempt, due_at)

    def posted(self, post: DuePost, message_ref: str, now: datetime) -> None:
        """Record the platform's id for the post (replies in its thread are then answers)."""
        with self.db.transaction() as repo:
            repo.claims.mark_posted(post.place, post.day, message_ref, now)

    def failed(self, post: DuePost, error: str) -> None:
        """Release the claim so a later tick retries (within the grace window)."""
        log.warning(
            "daily post for %s/%s failed: %s", post.place.workspace, post.place.channel, error
        )
        with self.db.transaction() as repo:
            repo.claims.release(post.place, post.day)
