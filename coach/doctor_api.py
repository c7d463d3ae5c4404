"""Online checks: ask Slack (auth.test) and Discord (users/@me) who the configured token is.

An API that cannot be reached is a warning ("checked offline only"), not a failure: the
doctor may run on a machine without internet access. A rejected token is a failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

import adapters.slack
from adapters.slack.web import api_url
from coach.doctor_checks import FAIL, OK, WARN, Check
from coach.doctor_tokens import is_discord_token, is_slack_bot_token
from coach.settings import Settings

MANIFEST = Path(adapters.slack.__file__).with_name("manifest.yaml")  # also in an installed image
DISCORD_API = "https://discord.com/api/v10"
SLACK_REJECTED = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
}
OFFLINE = (aiohttp.ClientError, TimeoutError, OSError, ValueError)


def needed_slack_scopes(manifest: Path = MANIFEST) -> list[str]:
    """The bot scopes the app manifest asks for (what the adapter uses)."""
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return [str(scope) for scope in data["oauth_config"]["scopes"]["bot"]]


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text[:160] or type(exc).__name__


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    return next((str(v) for k, v in headers.items() if k.lower() == name), None)


def scopes_check(header: str | None, needed: list[str]) -> Check:
    """Compare the token's granted scopes (x-oauth-scopes) with what the app needs."""
    if header is None:
        return Check(WARN, "Slack scopes", "Slack did not report the token's scopes; not compared")
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = [scope for scope in needed if scope not in granted]
    if missing:
        return Check(
            FAIL,
            "Slack scopes",
            f"missing {', '.join(missing)} — add them under OAuth & Permissions → Bot Token "
            "Scopes (or recreate the app from adapters/slack/manifest.yaml), then reinstall "
            "the app to the workspace",
        )
    return Check(OK, "Slack scopes", f"all {len(needed)} scopes the coach needs are granted")


async def slack_checks(token: str, base_url: str | None, timeout: float) -> list[Check]:
    """auth.test: who the bot is, in which workspace, and whether its scopes are enough."""
    where = api_url(base_url)
    client = AsyncWebClient(
        token=token, base_url=where, timeout=max(1, round(timeout)), retry_handlers=[]
    )
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if error in SLACK_REJECTED:
            return [
                Check(
                    FAIL,
                    "Slack API",
                    f"Slack rejected SLACK_BOT_TOKEN ({error}) — copy the Bot User OAuth Token "
                    "again from OAuth & Permissions (reinstall the app if it was revoked)",
                )
            ]
        answer = error or f"HTTP {exc.response.status_code}"
        return [
            Check(WARN, "Slack API", f"Slack at {where} answered {answer} — checked offline only")
        ]
    except (*OFFLINE, SlackClientError) as exc:
        return [
            Check(
                WARN,
                "Slack API",
                f"could not reach Slack at {where}: {_reason(exc)} — checked offline only",
            )
        ]
    identity = Check(
        OK,
        "Slack API",
        f"bot @{response.get('user')} ({response.get('user_id')}) in workspace "
        f"{response.get('team')} ({response.get('team_id')})",
    )
    try:
        needed = needed_slack_scopes()
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        return [identity, Check(WARN, "Slack scopes", f"cannot read {MANIFEST}: {_reason(exc)}")]
    return [identity, scopes_check(_header(response.headers, "x-oauth-scopes"), needed)]


async def discord_checks(token: str, base_url: str | None, timeout: float) -> list[Check]:
    """GET users/@me with the bot token: who the bot is, or that the token was rejected."""
    from adapters.discord.bot import api_base  # discord.py is imported only when needed

    where = api_base(base_url) if base_url else DISCORD_API
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(f"{where}/users/@me", headers={"Authorization": f"Bot {token}"}) as r,
        ):
            status = r.status
            body = await r.json(content_type=None) if status == 200 else {}
    except OFFLINE as exc:
        return [
            Check(
                WARN,
                "Discord API",
                f"could not reach Discord at {where}: {_reason(exc)} — checked offline only",
            )
        ]
    if status == 401:
        return [
            Check(
                FAIL,
                "Discord API",
                "token rejected (401) — reset the token in the Developer Portal → your "
                "application → Bot, and update DISCORD_TOKEN",
            )
        ]
    if status != 200 or not isinstance(body, dict):
        return [
            Check(
                WARN,
                "Discord API",
                f"Discord at {where} answered HTTP {status} — checked offline only",
            )
        ]
    return [Check(OK, "Discord API", f"bot {body.get('username')} (id {body.get('id')})")]


async def api_checks(settings: Settings, timeout: float) -> list[Check]:
    """Online checks for each platform that will start with a token of the right kind."""
    platforms = settings.chosen_platforms()
    jobs = []
    bot = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if "slack" in platforms and is_slack_bot_token(bot):
        jobs.append(slack_checks(bot, settings.slack_api_url, timeout))
    discord = settings.discord_token.get_secret_value() if settings.discord_token else ""
    if "discord" in platforms and is_discord_token(discord):
        jobs.append(discord_checks(discord, settings.discord_api_url, timeout))
    results = await asyncio.gather(*jobs)
    return [check for checks in results for check in checks]
