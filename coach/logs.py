"""Log output: one JSON object per line off a terminal, plain text on one; an event id per event.

Adapters wrap the handling of each inbound event (and each scheduled post) in
`with event_context(id):`; every record logged inside — also from worker threads started with
asyncio.to_thread, which copy the context — carries that id. The RedactingFilter sits on the
handler, so it has masked the message, its arguments and the traceback before any formatter runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from coach import redaction

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_event_id: ContextVar[str | None] = ContextVar("coach_event_id", default=None)


def current_event_id() -> str | None:
    """The id of the event being handled in this context, if any."""
    return _event_id.get()


@contextmanager
def event_context(event_id: str | None) -> Iterator[None]:
    """Tag every log record inside the block (and tasks/threads started in it) with an id."""
    if not event_id:
        yield
        return
    token = _event_id.set(event_id)
    try:
        yield
    finally:
        _event_id.reset(token)


class JsonFormatter(logging.Formatter):
    """ts (UTC, ISO 8601), level, logger, message, event_id when known, exception when any."""

    def format(self, record: logging.LogRecord) -> str:
        """One line of JSON for a record (already redacted by the handler's filter)."""
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        event_id = getattr(record, "event_id", None) or current_event_id()
        if event_id:
            line["event_id"] = event_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def wants_json(choice: str, stream: IO[str]) -> bool:
    """json/text as chosen; auto = JSON unless the stream is a terminal."""
    if choice in ("json", "text"):
        return choice == "json"
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return True


def make_formatter(choice: str, stream: IO[str]) -> logging.Formatter:
    """The formatter for COACH_LOG_FORMAT (auto, json or text) on this stream."""
    return JsonFormatter() if wants_json(choice, stream) else logging.Formatter(TEXT_FORMAT)


def configure(
    level: str,
    choice: str,
    secrets: Iterable[str],
    stream: IO[str],
    target: logging.Logger | None = None,
) -> None:
    """Log to `stream` from the root logger (or `target`): redacted first, then formatted.

    Like logging.basicConfig, a logger that already has handlers keeps them (and only gets the
    redacting filter).
    """
    logger = target or logging.getLogger()
    if not logger.handlers:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(make_formatter(choice, stream))
        logger.addHandler(handler)
        logger.setLevel(level)
    redaction.install(secrets, logger)
