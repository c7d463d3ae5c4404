"""Keep Discord secrets out of logs at every level, whoever configured the handlers.

discord.py logs request URLs at DEBUG, and interaction callback/follow-up URLs carry the
interaction token (`/interactions/{id}/{token}/callback`, `/webhooks/{app}/{token}`); its gateway
logger prints every received payload, and INTERACTION_CREATE payloads carry the same token. The
filter is attached to discord.py's loggers themselves (a logger's filters run before any
handler), so it works under `coach run`, under pytest's log capture and under any other setup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from coach.redaction import RedactingFilter

WEBHOOK_URL = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/\s?'\"]+")
TOKEN_FIELD = re.compile(r"""((?:['"])token(?:['"])\s*:\s*['"])[^'"]+""")
OUR_LOGGERS = ("discord", "adapters.discord")


class DiscordRedactor(RedactingFilter):
    """The shared redactor plus interaction tokens in URLs and payloads."""

    def redact(self, text: str) -> str:
        """The text with the bot token, interaction tokens and other secrets masked."""
        text = super().redact(text)
        text = WEBHOOK_URL.sub(r"\1[redacted]", text)
        return TOKEN_FIELD.sub(r"\1[redacted]", text)


def protect(secrets: Iterable[str]) -> DiscordRedactor:
    """Attach one redactor to discord.py's loggers and ours (replacing an earlier one)."""
    redactor = DiscordRedactor(secrets)
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if any(name == base or name.startswith(base + ".") for base in OUR_LOGGERS)
    ]
    for name in {*names, *OUR_LOGGERS}:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, DiscordRedactor)]:
            logger.removeFilter(old)
        logger.addFilter(redactor)
    return redactor
