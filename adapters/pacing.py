"""Pacing for fan-out posts: stay under the platform's limits instead of bouncing off them.

Chat APIs limit a bot per channel (Slack: about one message a second) and across a workspace
or token (a cap they may not publish). The pacer keeps one second between posts to the same
channel, and learns the wider cap from the first 429: a little under the posts accepted in
the second before it becomes the rate, and everyone waits out Retry-After together. It then
probes a little faster every `probe_every` seconds, so a raised limit is found again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Hands out send slots: per-channel spacing, a learned overall rate, shared back-off."""

    def __init__(
        self,
        rate: float = 0.0,
        channel_spacing: float = 1.0,
        probe_every: float = 30.0,
        margin: float = 0.95,
        learn_above: int = 10,
        ease: float = 0.97,
        now: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate  # posts per second; 0 = not limited until a 429 says otherwise
        self.channel_spacing = channel_spacing
        self.probe_every = probe_every
        self.margin = margin  # pace a little under the rate that drew the 429
        self.learn_above = learn_above
        self.ease = ease
        self._now, self._sleep = now, sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_limit = 0.0
        self._last_by_channel: dict[str, float] = {}
        self._sent: deque[float] = deque()
        self._done: deque[float] = deque()
        self.limited_count = 0

    def _reserve(self, channel: str) -> float:
        """The instant this post may go (synchronous, so concurrent callers get distinct slots)."""
        now = self._now()
        self._probe(now)
        at = max(now, self._paused_until)
        if self.rate > 0:
            at = max(at, self._next_slot)
            self._next_slot = at + 1.0 / self.rate
        if channel:
            last = self._last_by_channel.get(channel)
            if last is not None:
                at = max(at, last + self.channel_spacing)
            self._last_by_channel[channel] = at
        return at

    async def slot(self, channel: str) -> None:
        """Wait until a post to this channel is within the limits as far as we know them.

        An empty channel takes a slot of the overall rate only.
        """
        at = self._reserve(channel)
        while True:
            pause = self._paused_until
            delay = at - self._now()
            if delay > 0:
                await self._sleep(delay)
            if self._paused_until <= pause:
                break
            at = self._reserve("")  # a 429 arrived while we slept: queue again behind the pause
        if channel:
            self._last_by_channel[channel] = max(self._last_by_channel[channel], at)
        self._sent.append(at)

    def limited(self, retry_after: float) -> None:
        """A 429: pause everyone for Retry-After, and cap the rate at what got through.

        The first 429 sets the rate from the posts that went out in the second before it; later
        ones ease it by 3%. The requests already in flight when a 429 arrives get theirs too and
        say nothing new, so only the first of a burst counts. A 429 after only a few posts is a
        per-channel limit (a busy thread): it pauses without setting a rate.
        """
        now = self._now()
        self.limited_count += 1
        if now >= self._paused_until:
            while self._sent and self._sent[0] < now - 1.0:
                self._sent.popleft()
            while self._done and self._done[0] < now - 1.0:
                self._done.popleft()
            if self.rate > 0:  # paced already: a burst crossed the cap, so ease off a little
                self.rate *= self.ease
            elif len(self._done) >= self.learn_above:  # few posts: a per-channel limit, not a cap
                self.rate = len(self._done) * self.margin
        self._last_limit = now
        self._paused_until = max(self._paused_until, now + max(retry_after, 0.0))
        self._next_slot = max(self._next_slot, self._paused_until)

    def succeeded(self) -> None:
        """A post went through: what the platform accepted per second is the cap's measure."""
        self._done.append(self._now())
        if len(self._done) > 10_000:
            self._done.popleft()

    async def retry_slot(self, retry_after: float) -> None:
        """For a request that drew a 429: report it, then wait for a fresh paced slot."""
        self.limited(retry_after)
        await self.slot("")

    def _probe(self, now: float) -> None:
        """After a quiet spell, try 3% faster."""
        if self.rate > 0 and now - self._last_limit >= self.probe_every:
            self.rate *= 1.03
            self._last_limit = now
        while self._sent and self._sent[0] < now - 2.0:
            self._sent.popleft()
        if len(self._last_by_channel) > 50_000:  # forget old channels; spacing only needs 1 s
            cutoff = now - self.channel_spacing
            self._last_by_channel = {c: t for c, t in self._last_by_channel.items() if t >= cutoff}
