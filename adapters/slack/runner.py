"""Start the Slack coach: check tokens, connect (Socket Mode or HTTP), run the daily ticker.

`coach run` calls `serve(app, stop)` when SLACK_BOT_TOKEN is set. Socket Mode (the default)
needs SLACK_APP_TOKEN and no public URL; `COACH_SLACK_MODE=http` serves `POST /slack/events` on
COACH_HTTP_PORT and needs SLACK_SIGNING_SECRET. SLACK_API_URL points the Web API client
elsewhere (a local fake in tests).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.errors import PlatformStartupError
from adapters.pacing import Pacer
from adapters.scheduling import DailyTicker, make_ticker
from adapters.slack.bot import SLACK_HELP, Identity, SlackCoach
from adapters.slack.http import make_web_app
from adapters.slack.translate import PLATFORM
from adapters.slack.web import CONNECTION_ERRORS, Sleep, api_url, error_code, make_client
from coach.bootstrap import App
from coach.health import Health

log = logging.getLogger(__name__)
HELP_EXTRA = SLACK_HELP


@dataclass
class SlackRuntime:
    """A running Slack coach (one per process): the Bolt app, its transport and the ticker."""

    coach: SlackCoach
    ticker: DailyTicker
    mode: str
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    host: str = "0.0.0.0"
    port: int = 3000
    socket: AsyncSocketModeHandler | None = None
    http: web.AppRunner | None = None
    health: Health | None = None  # HTTP mode serves /readyz and /metrics beside /slack/events

    @property
    def connected(self) -> bool:
        """Cheap readiness: the HTTP server listens (auth.test passed), or the socket is open."""
        if self.http is not None:
            return True
        client = self.socket.client if self.socket is not None else None
        session = getattr(client, "current_session", None)
        return bool(
            client is not None
            and not getattr(client, "closed", True)
            and not getattr(client, "stale", False)
            and session is not None
            and not session.closed
        )

    @property
    def bound_port(self) -> int:
        """The port the HTTP server listens on (useful with port 0)."""
        if self.http is None:
            return 0
        for site in self.http.sites:
            server = getattr(site, "_server", None)
            sockets = getattr(server, "sockets", None) or []
            for sock in sockets:
                return int(sock.getsockname()[1])
        return self.port

    async def start(self, ticker: bool = True) -> None:
        """Connect to Slack (or start listening) and start the daily-post timer."""
        if self.mode == "http":
            self.http = web.AppRunner(
                make_web_app(self.coach.bolt, self.signing_secret, self.coach.clock, self.health),
                access_log=None,
            )
            await self.http.setup()
            await web.TCPSite(self.http, self.host, self.port).start()
            log.info(
                "Slack HTTP mode: listening on %s:%s/slack/events", self.host, self.bound_port
            )
        else:
            self.socket = AsyncSocketModeHandler(
                self.coach.bolt, self.app_token, web_client=self.coach.client
            )
            await self.socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack Socket Mode: connected")
        if ticker:
            self.ticker.start()

    async def close(self) -> None:
        """Stop the timer, disconnect, and let in-flight replies finish."""
        self.ticker.stop()
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
            self.socket = None
        if self.http is not None:
            await self.http.cleanup()
            self.http = None
        await self.coach.drain()


async def build_runtime(
    app: App, host: str = "0.0.0.0", port: int | None = None, sleep: Sleep | None = None
) -> SlackRuntime:
    """Check the configuration and tokens, then wire everything (nothing is connected yet)."""
    settings = app.settings
    if settings.slack_bot_token is None or not settings.slack_bot_token.get_secret_value():
        raise PlatformStartupError(
            "SLACK_BOT_TOKEN is not set (the xoxb- token of your Slack app)."
        )
    token = settings.slack_bot_token.get_secret_value()
    mode = settings.slack_mode
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    if mode == "socket" and not app_token.startswith("xapp-"):
        raise PlatformStartupError(
            "Socket Mode needs SLACK_APP_TOKEN (an app-level xapp- token with connections:write),"
            " or set COACH_SLACK_MODE=http with SLACK_SIGNING_SECRET."
        )
    if mode == "http" and not secret:
        raise PlatformStartupError(
            "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information page)."
        )
    pacer = Pacer(sleep=sleep or asyncio.sleep)
    client = make_client(
        token,
        settings.slack_api_url,
        sleep,
        wait_turn=pacer.retry_slot,
        on_error=lambda code: app.metrics.api_error(PLATFORM, code),
    )
    where = api_url(settings.slack_api_url)
    me = await _check(client.auth_test(), "SLACK_BOT_TOKEN", where)
    if mode == "socket":
        await _check(client.apps_connections_open(app_token=app_token), "SLACK_APP_TOKEN", where)
    identity = Identity(
        team_id=str(me.get("team_id") or ""),
        bot_user_id=str(me.get("user_id") or ""),
        bot_id=str(me.get("bot_id") or ""),
        token=token,
    )
    log.info("Slack: signed in as %s in team %s", identity.bot_user_id, identity.team_id)
    coach = SlackCoach(
        app.coach,
        app.bank,
        app.clock,
        client,
        identity,
        admins=frozenset(settings.slack_admins),
        metrics=app.metrics,
    )
    ticker = make_ticker(
        app, PLATFORM, coach.publish, coach.send_reminder, coach.post_digest, pacer=pacer
    )
    runtime = SlackRuntime(
        coach,
        ticker,
        mode,
        app_token=app_token,
        signing_secret=secret,
        host=host,
        port=settings.http_port if port is None else port,
        health=app.health,
    )
    app.health.watch(PLATFORM, lambda: runtime.connected)
    return runtime


async def _check(
    call: Awaitable[AsyncSlackResponse], which: str, where: str
) -> AsyncSlackResponse:
    try:
        return await call
    except SlackApiError as exc:
        raise PlatformStartupError(f"Slack rejected {which}: {error_code(exc)}.") from None
    except CONNECTION_ERRORS as exc:
        raise PlatformStartupError(
            f"Could not reach the Slack API at {where} ({type(exc).__name__})."
        ) from None


async def serve(app: App, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
    """Run the Slack coach until `stop` is set (`ready` is set once it is connected)."""
    runtime = await build_runtime(app)
    try:
        await runtime.start()
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await runtime.close()
