"""`coach doctor`: check a deployment and say what is wrong, and how to fix it, in plain words.

Exit status 0 when no check failed (warnings allowed), 1 otherwise. A database that was never
migrated is a failure even though `make run` and the container entry script migrate before
starting: `coach run` started any other way would not, and the doctor says how to fix it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.bank.loader import ContentError, load_with_extras
from coach.bootstrap import detect_timezone
from coach.doctor_checks import FAIL, OK, WARN, Check, ZoneLoader
from coach.doctor_db import database_check
from coach.doctor_tokens import RAW_SECRET_VARIABLES, token_checks
from coach.redaction import RedactingFilter
from coach.settings import Settings

API_TIMEOUT = 5.0
SAMPLE_ZONES = ("America/New_York", "Europe/Helsinki")
SHOWN_PROBLEMS = 3


def _variable(field: str) -> str:
    """The environment variable behind a settings field (or its alias)."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    return alias if isinstance(alias, str) else f"COACH_{field.upper()}"


def _where(field: str) -> str:
    """Where a bad value came from: the environment, or else coach.yaml."""
    variable = _variable(field)
    in_env = variable.upper() in {key.upper() for key in os.environ}
    return variable if in_env else f"{field} in coach.yaml"


def _default_of(field: str) -> Any:
    for name, info in Settings.model_fields.items():
        if field in (name, info.validation_alias):
            return info.get_default(call_default_factory=True)
    return None


def _explain(error: Any) -> Check:
    field = str(error["loc"][0]) if error["loc"] else "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    if field == "timezone":
        fix = "use an IANA name such as Europe/Helsinki, or unset it to use the machine's zone"
    else:
        fix = f"fix it, or unset it to use the default ({_default_of(field)!r})"
    return Check(FAIL, "settings", f"{_where(field)}: {message} — {fix}")


def load_settings() -> tuple[Settings | None, list[Check]]:
    """Settings from the environment and coach.yaml; bad values become FAIL checks.

    When some values are invalid, the other checks still run with those values at their
    defaults, so one typo does not hide everything else that is wrong.
    """
    yaml_file = Path("coach.yaml").resolve()
    source = f"the environment and {yaml_file}" if yaml_file.exists() else "the environment"
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = [_explain(error) for error in exc.errors()]
        overrides = {str(e["loc"][0]): _default_of(str(e["loc"][0])) for e in exc.errors()}
        try:
            return Settings(**overrides), problems
        except (ValidationError, SettingsError, ValueError):
            return None, problems
    except (SettingsError, ValueError, OSError) as exc:  # unparsable values or coach.yaml
        reason = str(exc).splitlines()[0][:200]
        return None, [Check(FAIL, "settings", f"cannot load the settings from {source}: {reason}")]
    return settings, [Check(OK, "settings", f"loaded from {source}")]


def platform_check(settings: Settings) -> Check:
    """Which front ends `coach run` will start, and why."""
    chosen = ", ".join(settings.chosen_platforms())
    if settings.platform != "auto":
        return Check(OK, "platforms", f"{chosen} (COACH_PLATFORM={settings.platform})")
    if chosen == "console":
        return Check(
            OK,
            "platforms",
            "console (the terminal coach: no SLACK_BOT_TOKEN or DISCORD_TOKEN is set)",
        )
    return Check(OK, "platforms", f"{chosen} (chosen by the tokens that are set)")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def content_check(settings: Settings) -> list[Check]:
    """Load the question bank the way `coach run` does."""
    where = str(settings.content_dir)
    if settings.extra_content_dir is not None:
        where += f" + {settings.extra_content_dir}"
    try:
        bank, skipped = load_with_extras(settings.content_dir, settings.extra_content_dir)
    except ContentError as exc:
        shown = [f"    {problem}" for problem in exc.problems[:SHOWN_PROBLEMS]]
        more = len(exc.problems) - len(shown)
        tail = f" (and {more} more)" if more > 0 else ""
        summary = (
            f"{len(exc.problems)} problem(s) in {where}{tail} — fix them; "
            "`coach content validate` lists them all"
        )
        return [Check(FAIL, "content", "\n".join([summary, *shown]))]
    if not bank.questions:
        return [Check(FAIL, "content", f"no questions found in {where} — check COACH_CONTENT_DIR")]
    checks = [
        Check(
            OK,
            "content",
            f"{_count(len(bank.questions), 'question')} in {_count(len(bank.topics), 'topic')}",
        )
    ]
    if skipped:
        shown = [f"    {problem}" for problem in skipped[:SHOWN_PROBLEMS]]
        checks.append(
            Check(
                WARN,
                "team content",
                "\n".join(
                    [
                        f"{len(skipped)} problem(s) in COACH_EXTRA_CONTENT_DIR: those packs are "
                        "skipped — fix them to include them",
                        *shown,
                    ]
                ),
            )
        )
    return checks


def timezone_check(configured: str | None, load: ZoneLoader = ZoneInfo) -> Check:
    """The scheduler needs IANA timezone data: a few well-known zones and the configured one."""
    zones = [*SAMPLE_ZONES, *([configured] if configured else [])]
    for zone in zones:
        try:
            load(zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            if zone == configured and zone not in SAMPLE_ZONES:
                return Check(
                    FAIL,
                    "timezones",
                    f"COACH_TIMEZONE={zone} cannot be loaded — use an IANA name such as "
                    "Europe/Helsinki, or unset it",
                )
            return Check(
                FAIL,
                "timezones",
                f"cannot load {zone}: timezone data is missing — install it with "
                "`.venv/bin/pip install tzdata` (or `apt-get install tzdata`)",
            )
    used = configured or f"{detect_timezone()} (the machine's zone; set COACH_TIMEZONE to change)"
    return Check(OK, "timezones", f"timezone data present; the terminal coach uses {used}")


async def run_checks(settings: Settings, timeout: float = API_TIMEOUT) -> list[Check]:
    """Every check, in the order an operator would fix things."""
    from coach.doctor_api import api_checks  # slack_sdk and aiohttp: only for `coach doctor`

    checks = [platform_check(settings), *token_checks(settings)]
    checks.append(database_check(settings.database_url, timeout))
    checks += content_check(settings)
    checks.append(timezone_check(settings.timezone))
    checks += await api_checks(settings, timeout)
    return checks


def _secrets(settings: Settings | None) -> list[str]:
    raw = [os.environ.get(name, "") for name in RAW_SECRET_VARIABLES]
    return [*raw, *(settings.secrets() if settings is not None else [])]


def print_checks(checks: list[Check], secrets: list[str], out: TextIO) -> int:
    """One line per check (secrets masked, whatever slipped in); 1 if any failed."""
    redactor = RedactingFilter(secrets)
    width = max(len(c.name) for c in checks)
    for check in checks:
        print(
            redactor.redact(f"{check.status:<4}  {check.name:<{width}}  {check.detail}"), file=out
        )
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    print(f"\n{len(checks)} checks: {failed} failed, {warned} warnings.", file=out)
    return 1 if failed else 0


async def doctor(out: TextIO, timeout: float = API_TIMEOUT) -> int:
    """Load the settings, run every check and print the results."""
    settings, checks = load_settings()
    if settings is None:
        checks.append(timezone_check(None))
        checks.append(Check(WARN, "other checks", "skipped until the settings load"))
    else:
        checks += await run_checks(settings, timeout)
    return print_checks(checks, _secrets(settings), out)


def doctor_command(out: TextIO | None = None) -> int:
    """`coach doctor`: exit status 0 if nothing failed, 1 otherwise."""
    return asyncio.run(doctor(out or sys.stdout))
