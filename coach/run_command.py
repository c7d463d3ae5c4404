"""`coach run`: start the terminal coach, or Slack/Discord when their tokens are set."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import cast

from aiohttp import web

from adapters.console.coach import HELP_EXTRA, ConsoleCoach
from adapters.console.runner import run_console
from adapters.errors import PlatformStartupError
from bot.bank.loader import Bank
from bot.privacy import RetentionService
from coach.bootstrap import App, build_app, console_user
from coach.db_commands import upgrade_command
from coach.settings import Settings, mask_url
from storage.database import SqlDatabase

log = logging.getLogger(__name__)
Serve = Callable[[App, asyncio.Event], Awaitable[None]]
HEALTH_HOST = "0.0.0.0"  # reachable from outside a container
CHECKPOINT_SECONDS = 2.0  # SQLite WAL checkpoints, off the reply path


def freeze_startup_objects() -> None:
    """Move what startup built (bank, lexicon, step plans) out of the garbage collector's way.

    gc.freeze() files every object alive now under a permanent generation, so the full
    collections a busy bot triggers no longer walk the question bank's objects each time.
    """
    gc.collect()
    gc.freeze()


def _module(platform: str) -> ModuleType:
    return importlib.import_module(f"adapters.{platform}.runner")


def _server(platform: str) -> Serve:
    """The `serve(app, stop)` coroutine function of a platform adapter."""
    return cast(Serve, _module(platform).serve)


async def start_health(
    app: App, platforms: list[str], host: str = HEALTH_HOST
) -> web.AppRunner | None:
    """One /healthz /readyz /metrics server per process, unless Slack's HTTP mode serves them."""
    for platform in platforms:
        app.health.expect(platform)
    if "slack" in platforms and app.settings.slack_mode == "http":
        return None
    port = app.settings.http_port
    try:
        return await app.health.start(host, port)
    except OSError as exc:
        raise PlatformStartupError(
            f"Cannot serve /healthz, /readyz and /metrics on port {port} ({exc.strerror or exc}):"
            " set COACH_HTTP_PORT to a free port."
        ) from None


async def checkpoint_loop(
    database: SqlDatabase, stop: asyncio.Event, every: float = CHECKPOINT_SECONDS
) -> None:
    """Checkpoint SQLite's WAL every few seconds in a worker thread until `stop` is set."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        try:
            await asyncio.to_thread(database.checkpoint)
        except Exception:  # a busy or vanished file: the next round tries again
            log.warning("WAL checkpoint failed; retrying in %.0f s", every, exc_info=True)


async def serve_platforms(
    app: App, platforms: list[str], database: SqlDatabase | None = None
) -> None:
    """Run every chosen platform until SIGINT/SIGTERM or one of them stops."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    health = await start_health(app, platforms)
    checkpoints = (
        asyncio.create_task(checkpoint_loop(database, stop))
        if database is not None and database.checkpoints
        else None
    )
    try:
        await asyncio.gather(*(_server(p)(app, stop) for p in platforms))
    finally:
        if checkpoints is not None:
            checkpoints.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await checkpoints
        if health is not None:
            await health.cleanup()


def run_command(settings: Settings, bank: Bank, force_console: bool) -> int:
    """Migrate the database, then run the chosen front end(s)."""
    status = upgrade_command(settings.database_url, quiet=True)
    if status:
        return status
    platforms = ["console"] if force_console else settings.chosen_platforms()
    # A long-running bot checkpoints SQLite's WAL in the background (see checkpoint_loop).
    database = SqlDatabase(settings.database_url, background_checkpoints=platforms != ["console"])
    try:
        if platforms == ["console"]:
            app = build_app(settings, bank, database, help_extra={"console": HELP_EXTRA})
            if settings.answer_retention_days:  # the platforms' ticker does this hourly
                RetentionService(database, settings.answer_retention_days).prune(app.clock.now())
            console = ConsoleCoach(app.coach, console_user(settings), app.clock)
            where = f"database {mask_url(settings.database_url)}, timezone {app.timezone}"
            return run_console(console, sys.stdin, sys.stdout, where)
        extras = {p: getattr(_module(p), "HELP_EXTRA", "") for p in platforms}
        app = build_app(settings, bank, database, help_extra=extras)
        app.scorer.warm()  # ~1 s now, so the first answer to each step is as fast as the rest
        freeze_startup_objects()
        log.info("starting %s", ", ".join(platforms))
        asyncio.run(serve_platforms(app, platforms, database))
        return 0
    except PlatformStartupError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nBye — your progress is saved.")
        return 0
    finally:
        database.dispose()
