"""Prometheus metrics of the bot, in a registry of its own (tests build fresh ones).

CoachMetrics implements bot.ports.Metrics for the core (scored, post, storage_error) and adds
what only the adapters see: inbound events, platform API errors, daily-post lag, ticks and
readiness. Labels are small fixed sets (platform, kind, mode, outcome, error code): never user,
channel or message ids, so the number of series stays bounded.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # what generate_latest writes
SCORING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
LAG_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200)


class CoachMetrics:
    """Counters, histograms and gauges of one bot process."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)  # process_cpu_seconds_total, memory, start time (Linux)
        self.events = Counter(
            "coach_events_received",
            "Inbound platform events (messages, commands, buttons, home opens).",
            ["platform", "kind"],
            registry=r,
        )
        self.replies_scored = Counter(
            "coach_replies_scored", "Answers scored.", ["platform", "mode"], registry=r
        )
        self.scoring_seconds = Histogram(
            "coach_scoring_seconds",
            "Time to score one answer (the state-machine step).",
            ["platform"],
            buckets=SCORING_BUCKETS,
            registry=r,
        )
        self.posts = Counter(
            "coach_posts",
            "Scheduled posts by outcome (sent, failed, skipped).",
            ["platform", "kind", "outcome"],
            registry=r,
        )
        self.post_lag = Histogram(
            "coach_daily_post_lag_seconds",
            "Seconds between a daily post's scheduled local time and when it went out.",
            ["platform"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.api_errors = Counter(
            "coach_platform_api_errors",
            "Failed platform API calls by error code (after the client's own retries).",
            ["platform", "code"],
            registry=r,
        )
        self.storage_errors = Counter(
            "coach_storage_errors",
            "Database operations that failed (StorageUnavailable).",
            ["where"],
            registry=r,
        )
        self.last_tick = Gauge(
            "coach_scheduler_last_tick_timestamp_seconds",
            "Unix time of the scheduler's last tick.",
            ["platform"],
            registry=r,
        )
        self.ready = Gauge(
            "coach_ready", "1 when a readiness check passes, else 0.", ["check"], registry=r
        )

    # ------------------------------------------------------------------ bot.ports.Metrics
    def scored(self, platform: str, mode: str, seconds: float) -> None:
        """One answer scored in `seconds`."""
        self.replies_scored.labels(platform, mode).inc()
        self.scoring_seconds.labels(platform).observe(max(seconds, 0.0))

    def post(self, platform: str, kind: str, outcome: str) -> None:
        """A daily post, digest or reminder was sent, failed or skipped."""
        self.posts.labels(platform, kind, outcome).inc()

    def storage_error(self, where: str) -> None:
        """The database refused an operation."""
        self.storage_errors.labels(where).inc()

    # ------------------------------------------------------------------ adapters
    def received(self, platform: str, kind: str) -> None:
        """An inbound event arrived."""
        self.events.labels(platform, kind).inc()

    def api_error(self, platform: str, code: str) -> None:
        """A platform API call failed with this error code."""
        self.api_errors.labels(platform, code or "unknown").inc()

    def lag(self, platform: str, due: datetime, sent: datetime) -> None:
        """A daily post due at `due` went out at `sent`."""
        self.post_lag.labels(platform).observe(max((sent - due).total_seconds(), 0.0))

    def ticked(self, platform: str, at: datetime) -> None:
        """The scheduler ran a tick."""
        self.last_tick.labels(platform).set(at.timestamp())

    def readiness(self, checks: dict[str, bool]) -> None:
        """Record the latest result of each readiness check."""
        for check, ok in checks.items():
            self.ready.labels(check).set(1 if ok else 0)

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)
