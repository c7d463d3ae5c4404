"""/healthz, /readyz and /metrics over HTTP (aiohttp), on COACH_HTTP_PORT.

/healthz answers "ok" while the process runs. /readyz answers 200 only when the database answers
a trivial query and every started platform says it is connected; otherwise 503 with a JSON body
naming the failed checks. /metrics is the Prometheus text format (the readiness gauges are
refreshed on each scrape). In Slack HTTP mode the routes join the Slack app's server;
otherwise `coach run` starts one small server for them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from bot.ports import Database, StorageUnavailable
from coach.metrics import CONTENT_TYPE, CoachMetrics

log = logging.getLogger(__name__)
DATABASE_TIMEOUT = 5.0
Connected = Callable[[], bool]


def ping_database(database: Database) -> None:
    """A trivial query; raises StorageUnavailable when the database does not answer.

    SqlDatabase.ping runs SELECT 1 without opening a write transaction; other Database
    implementations (test doubles) are asked for a transaction.
    """
    ping = getattr(database, "ping", None)
    if callable(ping):
        ping()
        return
    with database.transaction():
        pass


class Health:
    """The process's readiness checks and the HTTP endpoints that report them."""

    def __init__(
        self, database: Database, metrics: CoachMetrics, timeout: float = DATABASE_TIMEOUT
    ) -> None:
        self.database = database
        self.metrics = metrics
        self.timeout = timeout
        self.platforms: dict[str, Connected] = {}

    def expect(self, platform: str) -> None:
        """A platform that is starting: not ready until it registers how to tell."""
        self.platforms.setdefault(platform, lambda: False)

    def watch(self, platform: str, connected: Connected) -> None:
        """How to tell that a started platform is connected (cheap, no I/O)."""
        self.platforms[platform] = connected

    async def failures(self) -> dict[str, str]:
        """Each failed check and why ({} when ready); also updates the coach_ready gauges."""
        failed: dict[str, str] = {}
        try:
            await asyncio.wait_for(asyncio.to_thread(ping_database, self.database), self.timeout)
        except StorageUnavailable as exc:
            failed["database"] = f"unavailable: {exc}"
        except TimeoutError:
            failed["database"] = f"no answer within {self.timeout:g} s"
        except Exception as exc:  # an unexpected driver error is still just "not ready"
            failed["database"] = f"error: {type(exc).__name__}"
        if "database" in failed:
            self.metrics.storage_error("readiness")
        for platform, connected in sorted(self.platforms.items()):
            try:
                if not connected():
                    failed[platform] = "not connected"
            except Exception as exc:  # a check must never break the endpoint
                failed[platform] = f"check failed: {type(exc).__name__}"
        checks = ["database", *sorted(self.platforms)]
        self.metrics.readiness({check: check not in failed for check in checks})
        return failed

    async def healthz(self, _: web.Request) -> web.StreamResponse:
        """200 "ok" while the process runs."""
        return web.Response(text="ok")

    async def readyz(self, _: web.Request) -> web.StreamResponse:
        """200 when every check passes, else 503 naming the failed ones."""
        failed = await self.failures()
        if failed:
            log.warning("not ready: %s", ", ".join(f"{k} {v}" for k, v in failed.items()))
            return web.json_response({"status": "unavailable", "failed": failed}, status=503)
        checks = ["database", *sorted(self.platforms)]
        return web.json_response({"status": "ready", "checks": checks})

    async def metrics_page(self, _: web.Request) -> web.StreamResponse:
        """The Prometheus text format."""
        await self.failures()
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    def add_routes(self, app: web.Application) -> None:
        """Serve the three endpoints from an existing aiohttp application."""
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics_page)

    async def start(self, host: str, port: int) -> web.AppRunner:
        """A small server for the endpoints alone; raises OSError if the port is taken."""
        app = web.Application()
        self.add_routes(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError:
            await runner.cleanup()
            raise
        log.info("health and metrics on %s:%s (/healthz /readyz /metrics)", host, port)
        return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port a runner listens on (useful after binding port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        for sock in getattr(server, "sockets", None) or []:
            return int(sock.getsockname()[1])
    return 0
