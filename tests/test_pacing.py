"""The fan-out pacer on a fake clock: channel spacing, a rate learned from a 429, shared back-off."""

from __future__ import annotations

import asyncio
from itertools import pairwise

from adapters.pacing import Pacer


class FakeTime:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would


def send_times(pacer: Pacer, time: FakeTime, channels: list[str]) -> list[float]:
    """The instants at which sequential posts to these channels were allowed out."""

    async def run() -> list[float]:
        out = []
        for channel in channels:
            await pacer.slot(channel)
            out.append(time.t)
        return out

    return asyncio.run(run())


def test_posts_to_one_channel_are_a_second_apart_and_other_channels_do_not_wait() -> None:
    time = FakeTime()
    pacer = Pacer(now=time.now, sleep=time.sleep)
    times = send_times(pacer, time, ["C1", "C2", "C1", "C3", "C1"])
    assert times == [0.0, 0.0, 1.0, 1.0, 2.0]


def test_a_429_pauses_everyone_and_caps_the_rate_at_what_got_through() -> None:
    time = FakeTime()
    pacer = Pacer(now=time.now, sleep=time.sleep, margin=1.0)
    for i in range(40):  # forty posts went through in the same instant, the 41st drew a 429
        asyncio.run(pacer.slot(f"C{i}"))
        pacer.succeeded()
    asyncio.run(pacer.slot("C41"))
    pacer.limited(retry_after=2.0)
    assert pacer.rate == 40.0 and pacer.limited_count == 1
    times = send_times(pacer, time, [f"D{i}" for i in range(4)])
    assert times[0] == 2.0  # nobody posts during Retry-After
    gaps = [round(b - a, 6) for a, b in pairwise(times)]
    assert gaps == [round(1 / 40, 6)] * 3


def test_a_429_after_a_few_posts_pauses_without_lowering_the_rate() -> None:
    time = FakeTime()
    pacer = Pacer(now=time.now, sleep=time.sleep)
    send_times(pacer, time, ["C1", "C2"])
    pacer.limited(retry_after=1.0)  # e.g. a busy thread: Slack's per-channel limit
    assert pacer.rate == 0 and pacer.limited_count == 1
    assert send_times(pacer, time, ["C3", "C4"]) == [1.0, 1.0]


def test_the_rate_is_probed_upwards_after_a_quiet_spell() -> None:
    time = FakeTime()
    pacer = Pacer(rate=0, probe_every=30.0, now=time.now, sleep=time.sleep, margin=1.0)
    for i in range(10):
        asyncio.run(pacer.slot(f"C{i}"))
        pacer.succeeded()
    pacer.limited(retry_after=1.0)
    assert pacer.rate == 10.0
    time.t += 31.0
    asyncio.run(pacer.slot("later"))
    assert pacer.rate == 10.3
    pacer.limited(retry_after=1.0)  # a later 429 eases the learned rate, it doesn't reset it
    assert round(pacer.rate, 3) == round(10.3 * 0.97, 3)


def test_concurrent_callers_get_distinct_slots() -> None:
    time = FakeTime()
    pacer = Pacer(rate=10.0, now=time.now, sleep=time.sleep)
    started: list[float] = []

    async def one(channel: str) -> None:
        await pacer.slot(channel)
        started.append(time.t)

    async def run() -> None:
        await asyncio.gather(*(one(f"C{i}") for i in range(5)))

    asyncio.run(run())
    # each sleeper advances the shared fake clock, so compare the reserved spacing instead
    assert len(set(pacer._sent)) == 5
    assert [round(t, 6) for t in sorted(pacer._sent)] == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_a_sleep_that_returns_early_never_spins() -> None:
    """An injected sleep that does not move the clock (as in adapter tests) still returns."""
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    pacer = Pacer(now=lambda: 100.0, sleep=no_wait)
    pacer.limited(retry_after=7.0)
    asyncio.run(pacer.retry_slot(7.0))
    assert [round(w) for w in waits] == [7]


def test_a_429_that_arrives_while_a_post_waits_queues_it_behind_the_pause() -> None:
    time = FakeTime()
    pacer = Pacer(now=time.now, sleep=time.sleep)
    pacer.limited(retry_after=1.0)  # everyone waits until t=1

    async def run() -> float:
        async def other_429() -> None:
            await asyncio.sleep(0)
            pacer.limited(retry_after=5.0)  # arrives while the post below sleeps

        async def post() -> float:
            await pacer.slot("C1")
            return time.t

        _, at = await asyncio.gather(other_429(), post())
        return at

    assert asyncio.run(run()) >= 5.0
