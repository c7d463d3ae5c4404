"""HTTP mode: `POST /slack/events` for events, slash commands and button clicks.

The signature (`v0=` HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret) and
the timestamp (at most 5 minutes off, by the coach's clock) are checked on the raw bytes before
anything parses, stores or logs the body; a failure is a bare 401.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock as SdkClock
from slack_sdk.signature import SignatureVerifier

from bot.ports import Clock
from coach.health import Health

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_SKEW_SECONDS = 300
MAX_BODY = 1024 * 1024


class _SdkClock(SdkClock):
    """slack_sdk's Clock interface over the coach's clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def now(self) -> float:
        return self.clock.now().timestamp()


def rejection(
    verifier: SignatureVerifier, clock: Clock, headers: Mapping[str, object], body: bytes
) -> str:
    """Why a request must be refused ('' when it is properly signed and fresh)."""
    timestamp = str(headers.get("x-slack-request-timestamp") or "")
    signature = str(headers.get("x-slack-signature") or "")
    if not timestamp or not signature:
        return "missing signature headers"
    try:
        sent = int(timestamp)
    except ValueError:
        return "malformed timestamp"
    if abs(clock.now().timestamp() - sent) > MAX_SKEW_SECONDS:
        return "timestamp more than 5 minutes off"
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return "signature mismatch"
    return ""


def make_web_app(
    bolt: AsyncApp, signing_secret: str, clock: Clock, health: Health | None = None
) -> web.Application:
    """The aiohttp application: signed Slack requests to Bolt, plus /healthz (and /readyz and
    /metrics when given the process's Health)."""
    verifier = SignatureVerifier(signing_secret, clock=_SdkClock(clock))

    async def events(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers: dict[str, str | Sequence[str]] = {}
        for name, value in request.headers.items():
            headers[name.lower()] = value
        reason = rejection(verifier, clock, headers, body)
        if reason:
            log.warning("refused a request to %s: %s", EVENTS_PATH, reason)
            return web.Response(status=401, text="invalid request signature")
        bolt_request = AsyncBoltRequest(
            body=body.decode("utf-8", errors="replace"),
            query=request.query_string,
            headers=headers,
        )
        response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    async def alive(_: web.Request) -> web.StreamResponse:
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(EVENTS_PATH, events)
    if health is None:
        app.router.add_get("/healthz", alive)
    else:
        health.add_routes(app)
    return app
