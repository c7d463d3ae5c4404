"""A logging filter that removes secrets from every record, whatever logged them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

TOKEN_PATTERNS = [
    re.compile(r"xox[abposr]-[A-Za-z0-9-]{6,}"),  # Slack bot/user/app-level tokens
    re.compile(r"xapp-[A-Za-z0-9-]{6,}"),  # Slack app-level tokens
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),  # Discord
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bot|bearer)\s+)[^\s'\",}]+"),
    re.compile(r"(?i)(postgres(?:ql)?(?:\+\w+)?://[^:/\s]+:)[^@\s]+(?=@)"),
    re.compile(r"([?&]ticket=)[^&\s'\"]+"),  # Slack Socket Mode websocket URLs
    re.compile(r"(hooks\.slack\.com/)[^\s'\"]+"),  # Slack response_url / incoming webhooks
]
MASK = "[redacted]"


class RedactingFilter(logging.Filter):
    """Replaces known secret values and token-shaped strings with [redacted]."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """The text with every secret masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redact it, and drop the raw arguments."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not crash logging
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def install(secrets: Iterable[str], logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach the filter to every handler of a logger (the root by default)."""
    target = logger or logging.getLogger()
    redactor = RedactingFilter(secrets)
    for handler in target.handlers:
        handler.addFilter(redactor)
    return redactor
