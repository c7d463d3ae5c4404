"""Failed Discord REST calls: counted by error code, described for logs without their payload."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.translate import PLATFORM
from coach.metrics import CoachMetrics


def count_api_errors(client: discord.Client, metrics: CoachMetrics) -> None:
    """Count every failed Discord REST call by its JSON error code (else its HTTP status).

    Wraps the client's HTTP layer, the one path of REST calls (interaction responses and
    follow-ups go through discord.py's webhook adapter and are not counted here).
    """
    request = client.http.request

    async def counted(route: discord.http.Route, **kwargs: Any) -> Any:
        try:
            return await request(route, **kwargs)
        except discord.HTTPException as exc:
            metrics.api_error(PLATFORM, str(exc.code or exc.status))
            raise

    client.http.request = counted  # type: ignore[method-assign]


def describe(exc: discord.HTTPException) -> str:
    """Status, code and Discord's error text (never the request that failed)."""
    return f"HTTP {exc.status}, code {exc.code}: {exc.text[:200]}"
