"""The one settings object: environment variables, an optional coach.yaml, and safe defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT_ROOT / "content"
DEFAULT_DATABASE = "sqlite:///data/coach.db"


class Settings(BaseSettings):
    """Every setting of the bot. Tokens have no defaults and are never printed."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_",
        extra="ignore",
        yaml_file="coach.yaml",
        populate_by_name=True,
    )

    database_url: str = Field(default=DEFAULT_DATABASE, description="SQLAlchemy database URL.")
    content_dir: Path = Field(default=DEFAULT_CONTENT, description="Built-in question bank.")
    extra_content_dir: Path | None = Field(default=None, description="A team's own YAML packs.")
    timezone: str | None = Field(default=None, description="IANA zone for the terminal coach.")
    console_user: str | None = Field(default=None, description="User name in the terminal coach.")
    mock_questions: int = Field(
        default=3, ge=1, le=10, description="Questions per mock interview."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="Log lines: json (one object per line), text, or auto (JSON unless stderr "
        "is a terminal).",
    )
    platform: Literal["auto", "console", "slack", "discord"] = "auto"

    daily_tick_seconds: float = Field(default=30.0, gt=0, le=600, description="Daily-post timer.")
    daily_grace_minutes: int = Field(
        default=120, ge=0, le=24 * 60, description="How late a missed daily post may still go out."
    )
    worker_id: str | None = Field(default=None, description="Name of this process in claims.")
    http_port: int = Field(default=3000, ge=1, le=65535, description="Port for HTTP endpoints.")
    answer_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Delete answer texts older than this many days; scores stay. Unset: keep.",
    )
    slack_mode: Literal["socket", "http"] = Field(
        default="socket", description="Socket Mode or HTTP."
    )
    slack_admins: list[str] = Field(
        default_factory=list, description="Slack user ids allowed to run admin commands."
    )
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")
    discord_api_url: str | None = Field(default=None, validation_alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    discord_sharded: bool = Field(default=False, description="Use AutoShardedClient.")

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init arguments win, then the environment, then coach.yaml."""
        return (init_settings, env_settings, YamlConfigSettingsSource(settings_cls))

    def chosen_platforms(self) -> list[str]:
        """Which front ends to start: explicit choice, or whichever tokens are present."""
        if self.platform != "auto":
            return [self.platform]
        chosen = []
        if self.slack_bot_token is not None:
            chosen.append("slack")
        if self.discord_token is not None:
            chosen.append("discord")
        return chosen or ["console"]

    def secrets(self) -> list[str]:
        """Every configured secret value, for log redaction."""
        values = [
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.discord_token,
        ]
        found = [v.get_secret_value() for v in values if v is not None]
        password = _url_password(self.database_url)
        return [s for s in [*found, password] if s]

    def worker_name(self) -> str:
        """This process's name in daily-post claims."""
        if self.worker_id:
            return self.worker_id
        import os
        import socket

        return f"{socket.gethostname()}-{os.getpid()}"

    def safe_dump(self) -> dict[str, Any]:
        """Settings for display, with every secret masked."""
        shown = self.model_dump()
        for key, value in shown.items():
            if isinstance(getattr(self, key), SecretStr):
                shown[key] = "set (hidden)" if value is not None else "not set"
            elif key == "database_url":
                shown[key] = mask_url(str(value))
        return shown


def _url_password(url: str) -> str | None:
    if "://" not in url or "@" not in url:
        return None
    creds = url.split("://", 1)[1].rsplit("@", 1)[0]
    return creds.split(":", 1)[1] if ":" in creds else None


def mask_url(url: str) -> str:
    """Hide the password in a database URL."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
