"""`coach doctor`: one plain-words line per check, secrets never shown, exit 1 on any FAIL.

Everything runs offline on 127.0.0.1: the fake Slack and fake Discord servers, and a port with
nothing listening for "unreachable".
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from coach.doctor import doctor, timezone_check
from coach.redaction import MASK
from storage.database import make_engine
from storage.migrate import upgrade
from tests.conftest import CONTENT
from tests.discord import payloads as discord_payloads
from tests.discord.fake_discord import FakeDiscord
from tests.slack.fake_slack import APP_TOKEN, BOT_SCOPES, BOT_TOKEN, FakeSlack

DISCORD_TOKEN = discord_payloads.BOT_TOKEN
OTHER_DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx.AbCdEf.another-well-shaped-token-value-00"
PLATFORM_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "DISCORD_TOKEN",
    "SLACK_API_URL",
    "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No tokens, no COACH_* settings, no coach.yaml: a fresh machine."""
    for key in list(os.environ):
        if key.upper().startswith("COACH_") or key.upper() in PLATFORM_VARIABLES:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture
def small_bank(env: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A one-question bank, so these tests don't depend on the whole (changing) content."""
    bank = tmp_path / "content"
    (bank / "questions").mkdir(parents=True)
    shutil.copy(CONTENT / "lexicon.yaml", bank / "lexicon.yaml")
    shutil.copy(CONTENT / "questions" / "drift.yaml", bank / "questions" / "drift.yaml")
    env.setenv("COACH_CONTENT_DIR", str(bank))
    return bank


@pytest.fixture
def migrated(small_bank: Path, env: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """COACH_DATABASE_URL pointing at a database migrated to head."""
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    env.setenv("COACH_DATABASE_URL", url)
    return url


@pytest.fixture
def dead_url() -> str:
    """An API base URL on 127.0.0.1 where nothing is listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


async def run_doctor() -> tuple[int, str]:
    out = io.StringIO()
    code = await doctor(out, timeout=5.0)
    return code, out.getvalue()


def check_doctor() -> tuple[int, str]:
    return asyncio.run(run_doctor())


def line(output: str, name: str) -> str:
    """The report line of the check called `name` (status and detail)."""
    found = [row for row in output.splitlines() if row[6:].split("  ", 1)[0].strip() == name]
    assert found, f"no {name!r} line in:\n{output}"
    return found[0]


def test_a_fresh_machine_needs_only_a_migration(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    database = tmp_path / "data" / "coach.db"
    env.setenv("COACH_DATABASE_URL", f"sqlite:///{database}")
    code, output = check_doctor()
    assert code == 1  # an unmigrated database is a FAIL: `coach run` alone would not start
    assert line(output, "platforms").startswith("ok") and "console" in line(output, "platforms")
    assert line(output, "tokens").startswith("ok")
    db = line(output, "database")
    assert db.startswith("FAIL") and "not migrated yet" in db and "coach db upgrade" in db
    assert line(output, "content").startswith("ok") and "questions" in line(output, "content")
    assert line(output, "timezones").startswith("ok")
    assert sum(row.startswith("FAIL") for row in output.splitlines()) == 1
    assert not database.parent.exists()  # the doctor looks; it does not create the database


def test_a_migrated_console_setup_passes(migrated: str) -> None:
    code, output = check_doctor()
    assert code == 0, output
    assert "revision 0006" in line(output, "database")
    assert "FAIL" not in output and "1 question in " in line(output, "content")


def test_a_database_behind_head_says_to_upgrade(small_bank: Path, env: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{small_bank.parent / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0004")
    engine.dispose()
    env.setenv("COACH_DATABASE_URL", url)
    code, output = check_doctor()
    db = line(output, "database")
    assert code == 1 and db.startswith("FAIL")
    assert "behind: at revision 0004" in db and "coach db upgrade" in db


def test_an_unreachable_database_server_fails_plainly(
    small_bank: Path, env: pytest.MonkeyPatch, dead_url: str
) -> None:
    port = dead_url.split(":")[2].split("/")[0]
    env.setenv("COACH_DATABASE_URL", f"postgresql://coach:hunter2secret@127.0.0.1:{port}/coach")
    code, output = check_doctor()
    db = line(output, "database")
    assert code == 1 and db.startswith("FAIL") and "cannot connect" in db
    assert f"postgresql database coach on 127.0.0.1:{port} as user coach" in db
    assert "hunter2secret" not in output and MASK not in output


def test_a_bad_setting_is_a_fail_line_not_a_traceback(migrated: str) -> None:
    env = {k: v for k, v in os.environ.items() if k.upper() not in PLATFORM_VARIABLES}
    env["COACH_TIMEZONE"] = "Mars/Olympus"
    done = subprocess.run(
        [sys.executable, "-m", "coach.cli", "doctor"],
        capture_output=True,
        text=True,
        cwd=os.getcwd(),  # the test's folder: no coach.yaml
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    settings = line(done.stdout, "settings")
    assert settings.startswith("FAIL") and "COACH_TIMEZONE" in settings
    assert "Mars/Olympus" in settings and "Europe/Helsinki" in settings
    assert line(done.stdout, "database").startswith("ok")  # the other checks still ran


def test_a_malformed_database_url_is_a_fail_line(
    small_bank: Path, env: pytest.MonkeyPatch
) -> None:
    env.setenv("COACH_DATABASE_URL", "postgres//coach@db/coach")
    code, output = check_doctor()
    db = line(output, "database")
    assert code == 1 and db.startswith("FAIL") and "not a database URL" in db


@pytest.mark.parametrize(
    ("values", "name", "phrases"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxp-1111-2222-userTOKENvalue9"},
            "SLACK_BOT_TOKEN",
            ["starts with xoxp-", "user token", "(xoxb-…) from OAuth & Permissions"],
        ),
        (
            {"SLACK_BOT_TOKEN": "xapp-1-A01-3333-appTOKENvalue9", "SLACK_APP_TOKEN": APP_TOKEN},
            "SLACK_BOT_TOKEN",
            ["app-level token", "belongs in SLACK_APP_TOKEN"],
        ),
        (
            {"SLACK_BOT_TOKEN": DISCORD_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN},
            "SLACK_BOT_TOKEN",
            ["Discord bot token", "belongs in DISCORD_TOKEN"],
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "COACH_SLACK_MODE": "socket"},
            "SLACK_APP_TOKEN",
            ["not set", "Socket Mode", "xapp-", "connections:write"],
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-9999-8888-wrongPLACEvalue"},
            "SLACK_APP_TOKEN",
            ["starts with xoxb-", "needs an xapp- token"],
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "COACH_SLACK_MODE": "http"},
            "SLACK_SIGNING_SECRET",
            ["not set", "HTTP mode", "Basic Information → App Credentials"],
        ),
        (
            {"DISCORD_TOKEN": "xoxb-1111-2222-slackINdiscord7"},
            "DISCORD_TOKEN",
            ["starts with xoxb-", "from Slack", "belongs in SLACK_BOT_TOKEN", "Reset Token"],
        ),
        (
            {"DISCORD_TOKEN": f"Bot {DISCORD_TOKEN}"},
            "DISCORD_TOKEN",
            ["starts with 'Bot '"],
        ),
        (
            {"DISCORD_TOKEN": "0123456789abcdef0123456789abcdef"},
            "DISCORD_TOKEN",
            ["not a bot token", "client secret"],
        ),
        ({"COACH_PLATFORM": "discord"}, "DISCORD_TOKEN", ["not set", "Reset Token"]),
    ],
)
def test_wrong_token_kinds_fail_with_the_fix_and_never_show_the_value(
    migrated: str,
    env: pytest.MonkeyPatch,
    dead_url: str,
    values: dict[str, str],
    name: str,
    phrases: list[str],
) -> None:
    env.setenv("SLACK_API_URL", dead_url)  # nothing is sent anywhere real
    env.setenv("DISCORD_API_URL", dead_url)
    for key, value in values.items():
        env.setenv(key, value)
    code, output = check_doctor()
    assert code == 1
    found = line(output, name)
    assert found.startswith("FAIL"), output
    for phrase in phrases:
        assert phrase in found
    secrets = [v for k, v in values.items() if not k.startswith("COACH_")]
    for secret in secrets:
        assert secret not in output
        assert secret.removeprefix("Bot ")[5:] not in output
    assert MASK not in output  # nothing needed masking: no check tried to print a secret


def slack_env(env: pytest.MonkeyPatch, fake: FakeSlack, token: str = BOT_TOKEN) -> None:
    env.setenv("SLACK_BOT_TOKEN", token)
    env.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    env.setenv("SLACK_API_URL", fake.api_url)


def test_slack_identity_and_scopes(migrated: str, env: pytest.MonkeyPatch) -> None:
    async def scenario() -> tuple[int, str]:
        fake = await FakeSlack().start()
        try:
            slack_env(env, fake)
            result = await run_doctor()
            assert fake.count("auth.test") == 1
            return result
        finally:
            await fake.stop()

    code, output = asyncio.run(scenario())
    assert code == 0, output
    identity = line(output, "Slack API")
    assert identity.startswith("ok") and "@prodml-coach" in identity and "Test Team" in identity
    assert line(output, "Slack scopes").startswith("ok")
    assert line(output, "SLACK_BOT_TOKEN").endswith("xoxb-… (bot token)")
    assert BOT_TOKEN not in output and APP_TOKEN not in output and MASK not in output


def test_a_missing_slack_scope_is_named(migrated: str, env: pytest.MonkeyPatch) -> None:
    async def scenario() -> tuple[int, str]:
        fake = await FakeSlack(scopes=tuple(s for s in BOT_SCOPES if s != "im:write")).start()
        try:
            slack_env(env, fake)
            return await run_doctor()
        finally:
            await fake.stop()

    code, output = asyncio.run(scenario())
    scopes = line(output, "Slack scopes")
    assert code == 1 and scopes.startswith("FAIL")
    assert "missing im:write" in scopes and "reinstall" in scopes


def test_a_rejected_slack_token_fails(migrated: str, env: pytest.MonkeyPatch) -> None:
    async def scenario() -> tuple[int, str]:
        fake = await FakeSlack().start()
        try:
            slack_env(env, fake, token="xoxb-1111-2222-revokedTOKEN000")
            return await run_doctor()
        finally:
            await fake.stop()

    code, output = asyncio.run(scenario())
    api = line(output, "Slack API")
    assert code == 1 and api.startswith("FAIL") and "invalid_auth" in api


@pytest.mark.parametrize(
    ("server_token", "status", "phrase"),
    [(DISCORD_TOKEN, "ok", "bot prodml-coach"), (OTHER_DISCORD_TOKEN, "FAIL", "token rejected")],
)
def test_discord_identity(
    migrated: str, env: pytest.MonkeyPatch, server_token: str, status: str, phrase: str
) -> None:
    async def scenario() -> tuple[int, str]:
        fake = FakeDiscord(token=server_token)
        await fake.start()
        try:
            env.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
            env.setenv("DISCORD_API_URL", fake.api_url)
            result = await run_doctor()
            assert fake.login_attempts == 1
            return result
        finally:
            await fake.stop()

    code, output = asyncio.run(scenario())
    api = line(output, "Discord API")
    assert api.startswith(status) and phrase in api
    assert code == (0 if status == "ok" else 1)
    assert DISCORD_TOKEN not in output and MASK not in output


def test_unreachable_apis_are_warnings(
    migrated: str, env: pytest.MonkeyPatch, dead_url: str
) -> None:
    env.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    env.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    env.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    env.setenv("SLACK_API_URL", dead_url)
    env.setenv("DISCORD_API_URL", dead_url)
    code, output = check_doctor()
    slack, discord = line(output, "Slack API"), line(output, "Discord API")
    assert slack.startswith("warn") and "could not reach Slack" in slack
    assert discord.startswith("warn") and "could not reach Discord" in discord
    assert "checked offline only" in slack and "checked offline only" in discord
    assert code == 0, output


def test_missing_timezone_data_says_to_install_tzdata() -> None:
    def no_data(zone: str) -> object:
        from zoneinfo import ZoneInfoNotFoundError

        raise ZoneInfoNotFoundError(zone)

    check = timezone_check(None, load=no_data)
    assert check.status == "FAIL" and "tzdata" in check.detail
    assert timezone_check("Asia/Tokyo").status == "ok"


def test_broken_content_names_file_and_problem(small_bank: Path, migrated: str) -> None:
    drift = small_bank / "questions" / "drift.yaml"
    drift.write_text(drift.read_text(encoding="utf-8") + "\n  - this: [is not closed\n")
    code, output = check_doctor()
    content = line(output, "content")
    assert code == 1 and content.startswith("FAIL") and "coach content validate" in content
    assert "drift.yaml" in output


def test_a_token_of_the_wrong_kind_is_named_in_plain_words() -> None:
    from coach.doctor_tokens import describe

    assert describe("xapp-1-A-2-secret") == "starts with xapp-: that is an app-level token"
    assert describe("xoxp-1-2-secret").startswith("starts with xoxp-: that is a ")
