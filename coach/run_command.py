"""`coach run`: start the terminal coach, or Slack/Discord when their tokens are set."""

from __future__ import annotations

import logging
import sys

from adapters.console.coach import HELP_EXTRA, ConsoleCoach
from adapters.console.runner import run_console
from bot.bank.loader import Bank
from coach.bootstrap import build_app, console_user
from coach.db_commands import upgrade_command
from coach.settings import Settings, mask_url
from storage.database import SqlDatabase

log = logging.getLogger(__name__)


def run_command(settings: Settings, bank: Bank, force_console: bool) -> int:
    """Migrate the database, then run the chosen front end(s)."""
    status = upgrade_command(settings.database_url, quiet=True)
    if status:
        return status
    platforms = ["console"] if force_console else settings.chosen_platforms()
    database = SqlDatabase(settings.database_url)
    try:
        if platforms == ["console"]:
            app = build_app(settings, bank, database, help_extra=HELP_EXTRA)
            console = ConsoleCoach(app.coach, console_user(settings), app.clock)
            where = f"database {mask_url(settings.database_url)}, timezone {app.timezone}"
            return run_console(console, sys.stdin, sys.stdout, where)
        print(
            f"Platforms {', '.join(platforms)} are not available in this build.", file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        print("\nBye — your progress is saved.")
        return 0
    finally:
        database.dispose()
