"""The daily-post timer shared by the Slack and Discord adapters (APScheduler, in memory).

One in-memory scheduler per process — job stores are never shared between processes; the
database claims in bot.daily make several processes safe. A tick every `interval` seconds asks
which channel-days are due, so a missed tick, a restart or a daylight-saving change cannot drop
or double a post: the claim decides.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.daily import DailyService, DuePost
from bot.ports import Clock

log = logging.getLogger(__name__)
Publish = Callable[[DuePost], Awaitable[str]]


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
    ) -> None:
        self.service = service
        self.platform = platform
        self.publish = publish
        self.clock = clock
        self.interval = interval
        self.concurrency = concurrency
        self._scheduler: AsyncIOScheduler | None = None

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
            try:
                ref = await self.publish(post)
            except Exception as exc:  # any platform failure releases the claim for a retry
                await asyncio.to_thread(self.service.failed, post, f"{type(exc).__name__}: {exc}")
                return False
            await asyncio.to_thread(self.service.posted, post, ref, self.clock.now())
            return True

    async def tick(self) -> int:
        """Post every channel-day this process claims now; returns how many went out."""
        try:
            due = await asyncio.to_thread(self.service.due, self.platform, self.clock.now())
        except Exception:
            log.exception("daily tick could not read the schedule")
            return 0
        gate = asyncio.Semaphore(self.concurrency)
        results = await asyncio.gather(*(self._post_one(p, gate) for p in due))
        return sum(results)
