"""`coach run`: start the terminal coach, or Slack/Discord when their tokens are set."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import cast

from adapters.console.coach import HELP_EXTRA, ConsoleCoach
from adapters.console.runner import run_console
from adapters.errors import PlatformStartupError
from bot.bank.loader import Bank
from coach.bootstrap import App, build_app, console_user
from coach.db_commands import upgrade_command
from coach.settings import Settings, mask_url
from storage.database import SqlDatabase

log = logging.getLogger(__name__)
Serve = Callable[[App, asyncio.Event], Awaitable[None]]


def _module(platform: str) -> ModuleType:
    return importlib.import_module(f"adapters.{platform}.runner")


def _server(platform: str) -> Serve:
    """The `serve(app, stop)` coroutine function of a platform adapter."""
    return cast(Serve, _module(platform).serve)


async def serve_platforms(app: App, platforms: list[str]) -> None:
    """Run every chosen platform until SIGINT/SIGTERM or one of them stops."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await asyncio.gather(*(_server(p)(app, stop) for p in platforms))


def run_command(settings: Settings, bank: Bank, force_console: bool) -> int:
    """Migrate the database, then run the chosen front end(s)."""
    status = upgrade_command(settings.database_url, quiet=True)
    if status:
        return status
    platforms = ["console"] if force_console else settings.chosen_platforms()
    database = SqlDatabase(settings.database_url)
    try:
        if platforms == ["console"]:
            app = build_app(settings, bank, database, help_extra={"console": HELP_EXTRA})
            console = ConsoleCoach(app.coach, console_user(settings), app.clock)
            where = f"database {mask_url(settings.database_url)}, timezone {app.timezone}"
            return run_console(console, sys.stdin, sys.stdout, where)
        extras = {p: getattr(_module(p), "HELP_EXTRA", "") for p in platforms}
        app = build_app(settings, bank, database, help_extra=extras)
        log.info("starting %s", ", ".join(platforms))
        asyncio.run(serve_platforms(app, platforms))
        return 0
    except PlatformStartupError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nBye — your progress is saved.")
        return 0
    finally:
        database.dispose()
