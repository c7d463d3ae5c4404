"""The composition root: settings → bank, scorer, database, clock → coach."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.bank.loader import Bank
from bot.coach import Coach, CoachConfig
from bot.ports import Clock, Database
from bot.scoring.scorer import Scorer
from coach.health import Health
from coach.metrics import CoachMetrics
from coach.settings import Settings


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        """The current instant."""
        return datetime.now(UTC)


def detect_timezone() -> str:
    """The machine's IANA timezone, or UTC when it can't be told."""
    try:
        from tzlocal import get_localzone_name

        name = get_localzone_name()
        return str(name) if name else "UTC"
    except Exception:  # tzlocal raises several kinds of errors on odd systems
        return "UTC"


def console_user(settings: Settings) -> str:
    """Who is typing in the terminal coach."""
    if settings.console_user:
        return settings.console_user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"


@dataclass
class App:
    """Everything a front end needs, built once."""

    settings: Settings
    bank: Bank
    scorer: Scorer
    database: Database
    clock: Clock
    coach: Coach
    timezone: str
    metrics: CoachMetrics
    health: Health


def build_app(
    settings: Settings,
    bank: Bank,
    database: Database,
    clock: Clock | None = None,
    help_extra: Mapping[str, str] | None = None,
    metrics: CoachMetrics | None = None,
) -> App:
    """Wire the coach from its parts; tests pass fakes for the database, clock and metrics."""
    clock = clock or SystemClock()
    metrics = metrics or CoachMetrics()
    timezone = settings.timezone or detect_timezone()
    scorer = Scorer(bank)
    config = CoachConfig(
        default_timezone=timezone,
        mock_questions=settings.mock_questions,
        help_extra=dict(help_extra or {}),
    )
    coach = Coach(bank, scorer, database, clock, config, metrics)
    health = Health(database, metrics)
    return App(settings, bank, scorer, database, clock, coach, timezone, metrics, health)
