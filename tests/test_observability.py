"""Observability: JSON log lines with event ids and no secrets; /healthz, /readyz, /metrics."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from datetime import UTC, datetime, time
from typing import Any

import aiohttp
import pytest
from pydantic import ValidationError

from adapters.errors import PlatformStartupError
from adapters.scheduling import DailyTicker
from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.daily import DailyService, DuePost
from bot.messages import Place
from coach.bootstrap import build_app
from coach.health import Health, bound_port
from coach.logs import JsonFormatter, configure, current_event_id, event_context, wants_json
from coach.metrics import CoachMetrics
from coach.run_command import start_health
from coach.settings import Settings
from storage.database import SqlDatabase
from tests.conftest import make_console
from tests.fakes import FakeClock, InMemoryDatabase

SLACK_BOT = "xoxb-1111-2222-abcdefghijklmnop"
SLACK_APP = "xapp-1-A0001-3333-abcdef0123456789"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789ab"
DB_PASSWORD = "s3cretpw-db"
GOOD = (
    "For covariate drift I'd run PSI per feature against the training window and open a "
    "ticket above 0.2; prior shift shows in the approval rate and default rate; concept drift "
    "needs AUC on matured labels by cohort; page only if it persists two days."
)
CHANNELS = [Place("discord", "G1", f"C{i}") for i in range(3)]
NINE = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)  # a Monday, 5 s after the 09:00 post time


# ---------------------------------------------------------------------------- logs
def json_logger(name: str, secrets: list[str] | None = None) -> tuple[logging.Logger, io.StringIO]:
    """A private logger wired by coach.logs.configure, writing JSON to a buffer."""
    stream = io.StringIO()
    logger = logging.getLogger(name)
    logger.handlers = []
    logger.propagate = False
    configure("DEBUG", "json", secrets or [], stream, target=logger)
    return logger, stream


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_event_id_inside_a_context_only() -> None:
    logger, stream = json_logger("obs-test-context")
    logger.info("before")
    with event_context("Ev0001"):
        logger.warning("inside %s", "the event")
        assert current_event_id() == "Ev0001"

        async def in_a_thread() -> None:
            await asyncio.to_thread(logger.info, "from a worker thread")

        asyncio.run(in_a_thread())
    logger.info("after")
    before, inside, threaded, after = lines(stream)
    assert set(before) == {"ts", "level", "logger", "message"}
    assert before["logger"] == "obs-test-context" and before["level"] == "INFO"
    assert before["ts"].endswith("+00:00") and "T" in before["ts"]
    assert inside["event_id"] == "Ev0001" and inside["message"] == "inside the event"
    assert threaded["event_id"] == "Ev0001"
    assert "event_id" not in after
    assert current_event_id() is None


def test_exceptions_are_one_json_field_on_one_line() -> None:
    logger, stream = json_logger("obs-test-exc")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        logger.exception("it failed")
    assert len(stream.getvalue().splitlines()) == 1
    [line] = lines(stream)
    assert line["level"] == "ERROR"
    assert "ValueError: boom" in line["exception"] and "Traceback" in line["exception"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_is_json_off_a_terminal_and_text_on_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert wants_json("auto", io.StringIO()) is True
    assert wants_json("auto", Terminal()) is False
    assert wants_json("json", Terminal()) is True
    assert wants_json("text", io.StringIO()) is False
    monkeypatch.setenv("COACH_LOG_FORMAT", "json")
    assert Settings().log_format == "json"
    monkeypatch.setenv("COACH_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError):
        Settings()
    stream = Terminal()
    logger = logging.getLogger("obs-test-text")
    logger.handlers, logger.propagate = [], False
    configure("INFO", "auto", [], stream, target=logger)
    logger.info("plain")
    assert stream.getvalue().rstrip().endswith("INFO obs-test-text: plain")


def test_no_secret_reaches_a_json_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_BOT)
    monkeypatch.setenv("SLACK_APP_TOKEN", SLACK_APP)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD)
    settings = Settings(database_url=f"postgresql://coach:{DB_PASSWORD}@db:5432/coach")
    logger, stream = json_logger("obs-test-secrets", settings.secrets())
    every = (SLACK_BOT, SLACK_APP, SIGNING, DISCORD, DB_PASSWORD)
    logger.info(f"in the message: {' '.join(every)}")
    logger.warning("in the args: %s %s %s %s %s", *every)
    logger.error("in a dict arg: %s", {"Authorization": f"Bearer {SLACK_BOT}", "pw": DB_PASSWORD})
    try:
        raise RuntimeError(f"connect postgresql://coach:{DB_PASSWORD}@db failed; {SIGNING}")
    except RuntimeError:
        logger.exception("in the exception, token %s", DISCORD)
    raw = stream.getvalue()
    parsed = lines(stream)
    assert len(parsed) == 4 and "exception" in parsed[3]
    for secret in every:
        assert secret not in raw, secret
    assert all("[redacted]" in line["message"] for line in parsed)
    assert "[redacted]" in parsed[3]["exception"]


def test_the_json_formatter_falls_back_to_the_exception_itself() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "m", None, None)
    try:
        raise KeyError("k")
    except KeyError:
        import sys

        record.exc_info = sys.exc_info()
    assert "KeyError" in json.loads(JsonFormatter().format(record))["exception"]


# ---------------------------------------------------------------------------- HTTP endpoints
async def get(port: int, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text(), response.headers["Content-Type"]


def serve(health: Health, paths: list[str]) -> list[tuple[int, str, str]]:
    """Start the endpoints on 127.0.0.1, port 0; GET each path in turn."""

    async def scenario() -> list[tuple[int, str, str]]:
        runner = await health.start("127.0.0.1", 0)
        try:
            return [await get(bound_port(runner), path) for path in paths]
        finally:
            await runner.cleanup()

    return asyncio.run(scenario())


def test_healthz_and_readyz_when_all_is_well() -> None:
    health = Health(InMemoryDatabase(), CoachMetrics())
    health.watch("slack", lambda: True)
    (h_status, h_text, _), (r_status, r_text, _) = serve(health, ["/healthz", "/readyz"])
    assert (h_status, h_text) == (200, "ok")
    assert r_status == 200
    assert json.loads(r_text) == {"status": "ready", "checks": ["database", "slack"]}


def test_readyz_is_503_naming_the_database_when_it_is_unavailable() -> None:
    db = InMemoryDatabase()
    db.unavailable = "disk I/O error"  # its transaction() raises StorageUnavailable
    metrics = CoachMetrics()
    health = Health(db, metrics)
    [(status, text, _), (_, page, _)] = serve(health, ["/readyz", "/metrics"])
    assert status == 503
    assert json.loads(text) == {
        "status": "unavailable",
        "failed": {"database": "unavailable: disk I/O error"},
    }
    assert 'coach_ready{check="database"} 0.0' in page
    assert (
        metrics.registry.get_sample_value("coach_storage_errors_total", {"where": "readiness"})
        == 2
    )  # once per check: /readyz, then the /metrics scrape


def test_readyz_waits_for_every_started_platform() -> None:
    health = Health(InMemoryDatabase(), CoachMetrics())
    health.expect("slack")
    health.expect("discord")
    health.watch("discord", lambda: True)
    [(status, text, _)] = serve(health, ["/readyz"])
    assert status == 503
    assert json.loads(text)["failed"] == {"slack": "not connected"}
    health.watch("slack", lambda: True)
    assert serve(health, ["/readyz"])[0][0] == 200


def test_a_real_database_is_pinged_and_its_password_never_shown(
    sqlite_db: SqlDatabase,
) -> None:
    assert serve(Health(sqlite_db, CoachMetrics()), ["/readyz"])[0][0] == 200
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    down = SqlDatabase(f"postgresql://coach:{DB_PASSWORD}@127.0.0.1:{closed_port}/coach")
    try:
        [(status, text, _)] = serve(Health(down, CoachMetrics()), ["/readyz"])
    finally:
        down.dispose()
    assert status == 503 and "database" in json.loads(text)["failed"]
    assert DB_PASSWORD not in text


# ---------------------------------------------------------------------------- /metrics
def scheduled(db: InMemoryDatabase) -> None:
    with db.transaction() as repo:
        for place in CHANNELS:
            settings = ChannelSettings(
                enabled=True, post_time=time(9, 0), weekdays=frozenset(range(7))
            )
            repo.channels.save(place, settings, "admin")


def test_metrics_after_scored_replies_and_a_tick(drift_bank: Bank) -> None:
    metrics = CoachMetrics()
    clock = FakeClock(NINE)
    console = make_console(drift_bank, InMemoryDatabase(), clock, metrics=metrics)
    console.send("today")
    assert console.send(GOOD)[0].text.startswith("Score: ")
    console.send("next")
    console.send(GOOD)

    db = InMemoryDatabase()
    scheduled(db)
    published: list[str] = []

    async def publish(post: DuePost) -> str:
        if post.place.channel == "C2":
            raise ConnectionError("reset by peer")
        published.append(post.place.channel)
        return f"msg-{post.place.channel}"

    service = DailyService(drift_bank, db, "w1", metrics=metrics)
    ticker = DailyTicker(service, "discord", publish, clock, metrics=metrics)
    assert asyncio.run(ticker.tick()) == 2

    sample = metrics.registry.get_sample_value
    assert sample("coach_replies_scored_total", {"platform": "console", "mode": "daily"}) == 2
    assert sample("coach_scoring_seconds_count", {"platform": "console"}) == 2
    sent = {"platform": "discord", "kind": "daily", "outcome": "sent"}
    assert sample("coach_posts_total", sent) == 2
    assert sample("coach_posts_total", {**sent, "outcome": "failed"}) == 1
    assert sample("coach_daily_post_lag_seconds_sum", {"platform": "discord"}) == 10  # 2 x 5 s
    assert sample("coach_daily_post_lag_seconds_count", {"platform": "discord"}) == 2
    assert (
        sample("coach_scheduler_last_tick_timestamp_seconds", {"platform": "discord"})
        == NINE.timestamp()
    )

    [(status, page, content_type)] = serve(Health(InMemoryDatabase(), metrics), ["/metrics"])
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    for name in (
        "coach_replies_scored_total",
        "coach_scoring_seconds_bucket",
        "coach_posts_total",
        "coach_daily_post_lag_seconds_bucket",
        "coach_scheduler_last_tick_timestamp_seconds",
        'coach_ready{check="database"} 1.0',
    ):
        assert name in page, name


def test_days_past_the_grace_window_count_as_skipped(drift_bank: Bank) -> None:
    metrics = CoachMetrics()
    db = InMemoryDatabase()
    scheduled(db)
    late = FakeClock(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 4 h late, grace is 2 h

    async def publish(post: DuePost) -> str:
        raise AssertionError("a skipped day is never posted")

    service = DailyService(drift_bank, db, "w1", metrics=metrics)
    assert asyncio.run(DailyTicker(service, "discord", publish, late, metrics=metrics).tick()) == 0
    skipped = {"platform": "discord", "kind": "daily", "outcome": "skipped"}
    assert metrics.registry.get_sample_value("coach_posts_total", skipped) == 3


def test_a_daily_posts_log_lines_carry_its_key(drift_bank: Bank) -> None:
    logger, stream = json_logger("bot.daily")
    db = InMemoryDatabase()
    scheduled(db)

    async def refuse(post: DuePost) -> str:
        raise ConnectionError("reset by peer")

    try:
        service = DailyService(drift_bank, db, "w1")
        asyncio.run(DailyTicker(service, "discord", refuse, FakeClock(NINE)).tick())
    finally:
        logger.handlers, logger.propagate = [], True
        logger.setLevel(logging.NOTSET)
    failures = [line for line in lines(stream) if "failed" in line["message"]]
    assert sorted(line["event_id"] for line in failures) == [
        f"daily:discord:G1:C{i}:2026-11-23" for i in range(3)
    ]


def test_each_registry_is_separate() -> None:
    first, second = CoachMetrics(), CoachMetrics()
    first.api_error("slack", "ratelimited")
    labels = {"platform": "slack", "code": "ratelimited"}
    assert first.registry.get_sample_value("coach_platform_api_errors_total", labels) == 1
    assert second.registry.get_sample_value("coach_platform_api_errors_total", labels) is None


# ---------------------------------------------------------------------------- coach run
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_coach_run_starts_one_health_server_unless_slack_http_serves_it(
    drift_bank: Bank,
) -> None:
    port = free_port()
    app = build_app(Settings(http_port=port), drift_bank, InMemoryDatabase(), FakeClock())

    async def scenario() -> tuple[int, str]:
        runner = await start_health(app, ["slack", "discord"], host="127.0.0.1")
        assert runner is not None and bound_port(runner) == port
        try:
            status, text, _ = await get(port, "/readyz")
        finally:
            await runner.cleanup()
        return status, text

    status, text = asyncio.run(scenario())
    assert status == 503
    assert json.loads(text)["failed"] == {"discord": "not connected", "slack": "not connected"}

    http = build_app(
        Settings(http_port=port, slack_mode="http"), drift_bank, InMemoryDatabase(), FakeClock()
    )
    assert asyncio.run(start_health(http, ["slack", "discord"], host="127.0.0.1")) is None
    assert sorted(http.health.platforms) == ["discord", "slack"]


def test_a_taken_port_is_a_clear_start_up_error(drift_bank: Bank) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        app = build_app(Settings(http_port=port), drift_bank, InMemoryDatabase(), FakeClock())
        with pytest.raises(PlatformStartupError, match="COACH_HTTP_PORT"):
            asyncio.run(start_health(app, ["discord"], host="127.0.0.1"))
