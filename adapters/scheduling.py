"""The daily-post timer shared by the Slack and Discord adapters (APScheduler, in memory).

One in-memory scheduler per process — job stores are never shared between processes; the
database claims in bot.daily make several processes safe. A tick every `interval` seconds asks
which channel-days are due, so a missed tick, a restart or a daylight-saving change cannot drop
or double a post: the claim decides.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from adapters.pacing import Pacer
from bot.daily import DailyService, DuePost
from bot.digest import DigestService, DueDigest
from bot.ports import Clock
from bot.privacy import RetentionService
from bot.reminders import DueReminder, ReminderService
from coach.logs import event_context
from coach.metrics import CoachMetrics

if TYPE_CHECKING:
    from coach.bootstrap import App

log = logging.getLogger(__name__)
RETENTION_EVERY = timedelta(hours=1)
Publish = Callable[[DuePost], Awaitable[str]]
SendDM = Callable[[DueReminder], Awaitable[None]]
PostDigest = Callable[[DueDigest], Awaitable[str]]


@dataclass
class Extras:
    """Optional jobs beside the daily post: evening reminders and the weekly digest."""

    reminders: ReminderService | None = None
    send_dm: SendDM | None = None
    digests: DigestService | None = None
    post_digest: PostDigest | None = None
    retention: RetentionService | None = None  # ages out answer texts, at most hourly


class DailyTicker:
    """Runs `tick()` on an interval; each tick posts whatever this process claimed."""

    def __init__(
        self,
        service: DailyService,
        platform: str,
        publish: Publish,
        clock: Clock,
        interval: float = 30.0,
        concurrency: int = 16,
        extras: Extras | None = None,
        pacer: Pacer | None = None,
        metrics: CoachMetrics | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics or CoachMetrics()
        self.pacer = pacer or Pacer()
        self.extras = extras or Extras()
        self.platform = platform
        self.publish = publish
        self.clock = clock
        self.interval = interval
        self.concurrency = concurrency
        self._scheduler: AsyncIOScheduler | None = None
        self._pruned_at: datetime | None = None

    @property
    def running(self) -> bool:
        """True once started (a second start is ignored, e.g. when READY arrives twice)."""
        return self._scheduler is not None

    def start(self) -> None:
        """Start the timer in the running event loop; safe to call more than once."""
        if self._scheduler is not None:
            log.debug("daily ticker already running; ignoring a second start")
            return
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.interval),
            id=f"daily-{self.platform}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=self.clock.now(),
        )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        """Stop the timer."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def _post_one(self, post: DuePost, gate: asyncio.Semaphore) -> bool:
        async with gate:
            with event_context(post.key):
                await self.pacer.slot(post.place.channel)
                try:
                    ref = await self.publish(post)
                except Exception as exc:  # any platform failure releases the claim for a retry
                    self.metrics.post(self.platform, "daily", "failed")
                    reason = f"{type(exc).__name__}: {exc}"
                    await asyncio.to_thread(self.service.failed, post, reason)
                    return False
                self.pacer.succeeded()
                now = self.clock.now()
                self.metrics.post(self.platform, "daily", "sent")
                if post.due_at is not None:
                    self.metrics.lag(self.platform, post.due_at, now)
                await asyncio.to_thread(self.service.posted, post, ref, now)
                return True

    async def tick(self) -> int:
        """Post every channel-day this process claims now; returns how many went out.

        Claims come in batches; the next batch is claimed while this one posts, so a long,
        rate-limited fan-out never holds a claim much longer than it takes to post it.
        Digests and reminders run after the daily posts, in the same tick.
        """
        self.metrics.ticked(self.platform, self.clock.now())
        batches = self.service.due_batches(self.platform, self.clock.now())
        gate = asyncio.Semaphore(self.concurrency)
        posted = 0
        batch = await self._next_batch(batches)
        while batch is not None:
            upcoming = asyncio.ensure_future(self._next_batch(batches))
            results = await asyncio.gather(*(self._post_one(p, gate) for p in batch))
            posted += sum(results)
            batch = await upcoming
        await self._digests()
        await self._reminders()
        await self._retention()
        return posted

    async def _retention(self) -> None:
        retention = self.extras.retention
        now = self.clock.now()
        if retention is None or (self._pruned_at and now - self._pruned_at < RETENTION_EVERY):
            return
        try:
            pruned = await asyncio.to_thread(retention.prune, now)
        except Exception:
            log.exception("answer-text retention failed; retrying next hour")
        else:
            if pruned:
                log.info("retention: removed the text of %d answers older than the limit", pruned)
        self._pruned_at = now

    async def _next_batch(self, batches: Iterator[list[DuePost]]) -> list[DuePost] | None:
        """The next claimed batch (claimed in a worker thread), or None when done or failing."""
        try:
            return await asyncio.to_thread(next, batches, None)
        except Exception:
            log.exception("daily tick could not read or claim the schedule")
            self.metrics.storage_error("scheduler")
            return None

    async def _digests(self) -> None:
        digests, post = self.extras.digests, self.extras.post_digest
        if digests is None or post is None:
            return
        try:
            due = await asyncio.to_thread(digests.due, self.platform, self.clock.now())
        except Exception:
            log.exception("weekly digest tick failed")
            return
        gate = asyncio.Semaphore(self.concurrency)

        async def one(digest: DueDigest) -> None:
            async with gate:
                with event_context(digest.key):
                    await self.pacer.slot(digest.place.channel)
                    try:
                        ref = await post(digest)
                    except Exception as exc:  # released for a retry within the grace window
                        self.metrics.post(self.platform, "digest", "failed")
                        reason = f"{type(exc).__name__}: {exc}"
                        await asyncio.to_thread(digests.failed, digest, reason)
                    else:
                        self.pacer.succeeded()
                        self.metrics.post(self.platform, "digest", "sent")
                        await asyncio.to_thread(digests.posted, digest, ref)

        await asyncio.gather(*(one(d) for d in due))

    async def _reminders(self) -> None:
        reminders, send = self.extras.reminders, self.extras.send_dm
        if reminders is None or send is None:
            return
        try:
            due = await asyncio.to_thread(reminders.due, self.platform, self.clock.now())
        except Exception:
            log.exception("reminder tick failed")
            return
        gate = asyncio.Semaphore(self.concurrency)

        async def one(reminder: DueReminder) -> None:
            async with gate:
                with event_context(reminder.key):
                    await self.pacer.slot(f"dm:{reminder.who.user}")
                    try:
                        await send(reminder)
                    except Exception as exc:  # a reminder is a courtesy: log it and move on
                        self.metrics.post(self.platform, "reminder", "failed")
                        log.warning(
                            "could not send a reminder to %s: %s",
                            reminder.who.user,
                            type(exc).__name__,
                        )
                    else:
                        self.metrics.post(self.platform, "reminder", "sent")

        await asyncio.gather(*(one(r) for r in due))


def make_ticker(
    app: App,
    platform: str,
    publish: Publish,
    send_dm: SendDM | None = None,
    post_digest: PostDigest | None = None,
    pacer: Pacer | None = None,
) -> DailyTicker:
    """The timer for one platform, with its services built from the app's settings."""
    settings = app.settings
    grace = timedelta(minutes=settings.daily_grace_minutes)
    extras = Extras(
        reminders=ReminderService(app.database, app.timezone) if send_dm else None,
        send_dm=send_dm,
        digests=DigestService(app.bank, app.database, grace) if post_digest else None,
        post_digest=post_digest,
        retention=(
            RetentionService(app.database, settings.answer_retention_days)
            if settings.answer_retention_days
            else None
        ),
    )
    service = DailyService(
        app.bank, app.database, settings.worker_name(), grace=grace, metrics=app.metrics
    )
    return DailyTicker(
        service,
        platform,
        publish,
        app.clock,
        settings.daily_tick_seconds,
        extras=extras,
        pacer=pacer,
        metrics=app.metrics,
    )
