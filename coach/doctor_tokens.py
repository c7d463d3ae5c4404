"""Offline token checks: each token is present when needed and of the right kind.

Only the kind of a token is ever shown ("xoxb-… (bot token)"), never its value.
"""

from __future__ import annotations

import re

from pydantic import SecretStr

from coach.doctor_checks import FAIL, OK, WARN, Check
from coach.settings import Settings

RAW_SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "DISCORD_TOKEN",
)
SLACK_PREFIXES = (
    ("xoxe.xoxb-", "rotating bot token"),
    ("xoxe.xoxp-", "rotating user token"),
    ("xoxe-", "refresh token"),
    ("xoxb-", "bot token"),
    ("xoxp-", "user token"),
    ("xapp-", "app-level token"),
    ("xoxa-", "workspace app token"),
    ("xoxc-", "browser session token"),
    ("xoxd-", "browser cookie"),
    ("xoxs-", "session token"),
)
DISCORD_SHAPE = re.compile(r"[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")
BOT_TOKEN_HOME = "use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions"
APP_TOKEN_HOME = (
    "create an app-level token (xapp-…) with the connections:write scope under "
    "Basic Information → App-Level Tokens"
)
SIGNING_SECRET_HOME = "copy the Signing Secret from Basic Information → App Credentials"
DISCORD_HOME = "copy the token from the Developer Portal → your application → Bot → Reset Token"


def token_kind(value: str) -> str:
    """What a secret looks like, safe to print: e.g. 'xoxb-… (bot token)'."""
    for prefix, kind in SLACK_PREFIXES:
        if value.startswith(prefix):
            return f"{prefix}… ({kind})"
    if DISCORD_SHAPE.fullmatch(value):
        return "a Discord bot token"
    return f"an unrecognised value ({len(value)} characters)"


def is_slack_bot_token(value: str) -> bool:
    """True for the tokens auth.test can vouch for as this app's bot."""
    return value.startswith(("xoxb-", "xoxe.xoxb-"))


def is_discord_token(value: str) -> bool:
    """True when the value is shaped like a Discord bot token (three base64url parts)."""
    return DISCORD_SHAPE.fullmatch(value) is not None


def _value(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def _padding(variable: str, value: str) -> Check | None:
    if value != value.strip().strip("'\"") or not value:
        return Check(
            FAIL,
            variable,
            "is empty or has spaces or quotes around it — set only the value itself",
        )
    return None


def _slack_prefix(value: str) -> tuple[str, str] | None:
    return next((pk for pk in SLACK_PREFIXES if value.startswith(pk[0])), None)


def describe(value: str) -> str:
    """A phrase about a secret, safe to print: 'starts with xoxp-: that is a user token'."""
    found = _slack_prefix(value)
    if found is not None:
        article = "an" if found[1].startswith("app") else "a"  # not "an user token"
        return f"starts with {found[0]}: that is {article} {found[1]}"
    return f"is {token_kind(value)}"


def _slack_bot(value: str | None, platform: str) -> Check:
    name = "SLACK_BOT_TOKEN"
    if value is None:
        return Check(FAIL, name, f"not set, but COACH_PLATFORM={platform} — {BOT_TOKEN_HOME}")
    if value.startswith("xoxb-"):
        return Check(OK, name, token_kind(value))
    if value.startswith("xoxe.xoxb-"):
        return Check(
            WARN,
            name,
            f"{token_kind(value)}: it expires after 12 hours and the coach does not refresh "
            f"it — turn off token rotation, reinstall the app and {BOT_TOKEN_HOME}",
        )
    if is_discord_token(value):
        return Check(
            FAIL,
            name,
            f"holds a Discord bot token (it belongs in DISCORD_TOKEN); {BOT_TOKEN_HOME}",
        )
    belongs = " (it belongs in SLACK_APP_TOKEN)" if value.startswith("xapp-") else ""
    return Check(FAIL, name, f"{describe(value)}{belongs}; {BOT_TOKEN_HOME}")


def _slack_mode_secret(settings: Settings) -> Check:
    if settings.slack_mode == "socket":
        name, value = "SLACK_APP_TOKEN", _value(settings.slack_app_token)
        if value is None:
            return Check(
                FAIL,
                name,
                f"not set: Socket Mode (COACH_SLACK_MODE=socket) needs it — {APP_TOKEN_HOME}, "
                "or use COACH_SLACK_MODE=http with SLACK_SIGNING_SECRET",
            )
        padded = _padding(name, value)
        if padded is not None:
            return padded
        if value.startswith("xapp-"):
            return Check(OK, name, f"{token_kind(value)}, for Socket Mode")
        return Check(
            FAIL, name, f"{describe(value)}; Socket Mode needs an xapp- token — {APP_TOKEN_HOME}"
        )
    name, value = "SLACK_SIGNING_SECRET", _value(settings.slack_signing_secret)
    if value is None:
        return Check(FAIL, name, f"not set: HTTP mode needs it — {SIGNING_SECRET_HOME}")
    padded = _padding(name, value)
    if padded is not None:
        return padded
    if value.startswith(("xox", "xapp-")) or is_discord_token(value):
        return Check(
            FAIL, name, f"{describe(value)}, not a signing secret — {SIGNING_SECRET_HOME}"
        )
    return Check(OK, name, f"set (hidden), for HTTP mode on port {settings.http_port}")


def slack_token_checks(settings: Settings) -> list[Check]:
    """The bot token, plus the app token (Socket Mode) or the signing secret (HTTP mode)."""
    bot = _value(settings.slack_bot_token)
    if "slack" not in settings.chosen_platforms():
        if bot is not None:
            return [
                Check(
                    WARN,
                    "SLACK_BOT_TOKEN",
                    f"set, but COACH_PLATFORM={settings.platform}: Slack will not start",
                )
            ]
        return []
    padded = _padding("SLACK_BOT_TOKEN", bot) if bot is not None else None
    return [padded or _slack_bot(bot, settings.platform), _slack_mode_secret(settings)]


def discord_token_checks(settings: Settings) -> list[Check]:
    """DISCORD_TOKEN is set when Discord will start, and shaped like a bot token."""
    name, value = "DISCORD_TOKEN", _value(settings.discord_token)
    if "discord" not in settings.chosen_platforms():
        if value is not None:
            return [
                Check(
                    WARN,
                    name,
                    f"set, but COACH_PLATFORM={settings.platform}: Discord will not start",
                )
            ]
        return []
    if value is None:
        return [Check(FAIL, name, f"not set, but COACH_PLATFORM=discord — {DISCORD_HOME}")]
    padded = _padding(name, value)
    if padded is not None:
        return [padded]
    if value.lower().startswith("bot "):
        return [Check(FAIL, name, "starts with 'Bot ': set only the token; the coach adds 'Bot '")]
    if value.startswith(("xox", "xapp-")):
        return [
            Check(
                FAIL,
                name,
                f"{describe(value)} from Slack, which belongs in SLACK_BOT_TOKEN or "
                f"SLACK_APP_TOKEN; for Discord, {DISCORD_HOME}",
            )
        ]
    if not is_discord_token(value):
        return [
            Check(
                FAIL,
                name,
                f"is {token_kind(value)}, not a bot token (three dot-separated parts); the "
                f"client secret, public key or application id will not work — {DISCORD_HOME}",
            )
        ]
    return [Check(OK, name, token_kind(value))]


def token_checks(settings: Settings) -> list[Check]:
    """Every token check; 'none set' is fine: the terminal coach needs no token."""
    checks = [*slack_token_checks(settings), *discord_token_checks(settings)]
    if not checks:
        return [Check(OK, "tokens", "none set (not needed for the terminal coach)")]
    return checks
