"""Secrets never reach the logs: known values and token-shaped strings are masked."""

from __future__ import annotations

import io
import logging

from coach.redaction import RedactingFilter, install
from coach.settings import Settings

SLACK_BOT = "xoxb-1111-2222-abcdefghijklmnop"
SLACK_APP = "xapp-1-A0001-3333-abcdef0123456789"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789ab"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"


def capture(secrets: list[str]) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(f"redaction-test-{len(secrets)}")
    logger.handlers = [logging.StreamHandler(stream)]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    install(secrets, logger)
    return logger, stream


def test_configured_secrets_and_token_shapes_are_masked() -> None:
    logger, stream = capture([SIGNING])
    logger.debug("headers %s", {"Authorization": f"Bearer {SLACK_BOT}"})
    logger.info("app token %s and discord %s", SLACK_APP, DISCORD)
    logger.warning("signing secret=%s", SIGNING)
    logger.error("db postgresql+psycopg://coach:hunter2pass@db:5432/coach failed")
    out = stream.getvalue()
    for secret in (SLACK_BOT, SLACK_APP, DISCORD, SIGNING, "hunter2pass"):
        assert secret not in out
    assert out.count("[redacted]") >= 5


def test_secrets_in_tracebacks_are_masked() -> None:
    logger, stream = capture([SIGNING])
    try:
        raise ValueError(f"bad signature {SIGNING}")
    except ValueError:
        logger.exception("verification failed")
    assert SIGNING not in stream.getvalue() and "[redacted]" in stream.getvalue()


def test_settings_list_every_secret(monkeypatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_BOT)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD)
    settings = Settings(database_url="postgresql://coach:s3cretpw@db/coach")
    assert set(settings.secrets()) == {SLACK_BOT, SIGNING, DISCORD, "s3cretpw"}
    shown = str(settings.safe_dump())
    assert all(s not in shown for s in (SLACK_BOT, SIGNING, DISCORD, "s3cretpw"))


def test_a_filter_does_not_crash_on_bad_format_strings() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("nope",), None)
    assert RedactingFilter([]).filter(record) is True


def test_socket_mode_tickets_and_response_urls_are_masked() -> None:
    logger, stream = capture([])
    logger.debug(
        "body: {'url': 'wss://wss-primary.slack.com/link/?ticket=abc-123-secret&app_id=A1'}"
    )
    logger.debug("POST https://hooks.slack.com/commands/T1/123/ZZsecretZZ done")
    out = stream.getvalue()
    assert "abc-123-secret" not in out and "ZZsecretZZ" not in out
    assert "app_id=A1" in out and out.count("[redacted]") == 2
