"""The shared daily ticker: posts what is due once, retries failures, starts only once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from adapters.scheduling import DailyTicker, Extras
from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.daily import DailyService, DuePost
from bot.messages import Place
from tests.fakes import FakeClock, InMemoryDatabase

CHANNELS = [Place("discord", "G1", f"C{i}") for i in range(3)]


def setup(drift_bank: Bank) -> tuple[InMemoryDatabase, DailyService, FakeClock]:
    db = InMemoryDatabase()
    with db.transaction() as repo:
        for place in CHANNELS:
            repo.channels.save(
                place,
                ChannelSettings(enabled=True, post_time=time(9, 0), weekdays=frozenset(range(7))),
                "admin",
            )
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC))
    return db, DailyService(drift_bank, db, "w1"), clock


def test_tick_posts_each_due_channel_once(drift_bank: Bank) -> None:
    db, service, clock = setup(drift_bank)
    sent: list[DuePost] = []

    async def publish(post: DuePost) -> str:
        sent.append(post)
        return f"msg-{post.place.channel}"

    ticker = DailyTicker(service, "discord", publish, clock)
    assert asyncio.run(ticker.tick()) == 3
    assert asyncio.run(ticker.tick()) == 0
    assert sorted(p.place.channel for p in sent) == ["C0", "C1", "C2"]
    assert {p.message_ref for p in db.state.posts.values()} == {"msg-C0", "msg-C1", "msg-C2"}


def test_a_failing_publish_is_retried_on_the_next_tick(drift_bank: Bank) -> None:
    _, service, clock = setup(drift_bank)
    attempts: dict[str, int] = {}

    async def flaky(post: DuePost) -> str:
        attempts[post.place.channel] = attempts.get(post.place.channel, 0) + 1
        if post.place.channel == "C1" and attempts["C1"] == 1:
            raise ConnectionError("reset by peer")
        return "ok"

    ticker = DailyTicker(service, "discord", flaky, clock)
    assert asyncio.run(ticker.tick()) == 2
    assert asyncio.run(ticker.tick()) == 1
    assert attempts == {"C0": 1, "C1": 2, "C2": 1}


def test_start_twice_runs_one_scheduler(drift_bank: Bank) -> None:
    _, service, clock = setup(drift_bank)

    async def publish(post: DuePost) -> str:
        return "ok"

    async def scenario() -> int:
        ticker = DailyTicker(service, "discord", publish, clock, interval=3600)
        ticker.start()
        first = ticker._scheduler
        ticker.start()  # e.g. READY arriving twice
        jobs = len(first.get_jobs()) if first else 0
        same = ticker._scheduler is first
        ticker.stop()
        return jobs if same else -1

    assert asyncio.run(scenario()) == 1


def test_the_ticker_ages_out_answer_texts_at_most_hourly(drift_bank: Bank) -> None:
    _, service, clock = setup(drift_bank)
    runs: list[datetime] = []

    class CountingRetention:
        def prune(self, now: datetime) -> int:
            runs.append(now)
            return 0

    async def publish(post: DuePost) -> str:
        return "ok"

    extras = Extras(retention=CountingRetention())  # type: ignore[arg-type]
    ticker = DailyTicker(service, "discord", publish, clock, extras=extras)
    asyncio.run(ticker.tick())
    clock.advance(minutes=30)
    asyncio.run(ticker.tick())
    clock.advance(minutes=31)
    asyncio.run(ticker.tick())
    assert len(runs) == 2 and runs[1] - runs[0] == timedelta(minutes=61)
