"""The `/coach` command group as Discord sees it: sub-commands, options and their choices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from adapters.discord.client import AnyInteraction
from bot.bank.schema import Level
from bot.privacy import FORGET_CONFIRM

if TYPE_CHECKING:
    from adapters.discord.slash import SlashCommands


def build_commands(bot: SlashCommands) -> app_commands.Group:
    """The `/coach` command group (synced on start)."""
    group = app_commands.Group(
        name="coach", description="ProdML Coach: production-ML interview practice"
    )
    tracks = sorted(bot.app.bank.topics)
    topics = [app_commands.Choice(name=bot.app.bank.topics[t][:100], value=t) for t in tracks]
    track_choices = [app_commands.Choice(name="mixed", value="mixed"), *topics[:24]]
    level_choices = [app_commands.Choice(name=level.value, value=level.value) for level in Level]
    period_choices = [
        app_commands.Choice(name="this week", value="week"),
        app_commands.Choice(name="this month", value="month"),
        app_commands.Choice(name="all time", value="all"),
        app_commands.Choice(name="streaks", value="streaks"),
        app_commands.Choice(name="reset: start this board afresh (Manage Server)", value="reset"),
    ]
    confirm_choices = [
        app_commands.Choice(name="confirm: delete everything now", value=FORGET_CONFIRM)
    ]
    scope_choices = [
        app_commands.Choice(name="this channel", value="channel"),
        app_commands.Choice(name="the whole server", value="workspace"),
    ]

    @group.command(name="today", description="Today's question (opens a thread for you)")
    async def today(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "today", {})

    @group.command(
        name="mock", description="A mock interview in your DMs, ending with a scorecard"
    )
    @app_commands.describe(
        track="Which topic (default: mixed)", level="Seniority of the questions"
    )
    @app_commands.choices(track=track_choices, level=level_choices)
    async def mock(
        interaction: AnyInteraction,
        track: app_commands.Choice[str] | None = None,
        level: app_commands.Choice[str] | None = None,
    ) -> None:
        options = {
            "track": track.value if track else None,
            "level": level.value if level else None,
        }
        await bot.on_slash(interaction, "mock", options)

    @group.command(name="streak", description="Your streak and points (only you see it)")
    async def streak(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "streak", {})

    @group.command(name="leaderboard", description="Top ten of this channel or server")
    @app_commands.describe(
        period="Which period (default: this week)", season="A season's name, instead of a period"
    )
    @app_commands.choices(period=period_choices, scope=scope_choices)
    async def leaderboard(
        interaction: AnyInteraction,
        period: app_commands.Choice[str] | None = None,
        scope: app_commands.Choice[str] | None = None,
        season: str | None = None,
    ) -> None:
        await bot.on_slash(
            interaction,
            "leaderboard",
            {
                "period": period.value if period else None,
                "scope": scope.value if scope else None,
                "season": season,
            },
        )

    @group.command(name="season", description="List seasons; Manage Server can define one")
    @app_commands.describe(setting="e.g. winter 2026-12-01 2027-02-28 — empty to list seasons")
    async def season(interaction: AnyInteraction, setting: str | None = None) -> None:
        await bot.on_slash(interaction, "season", {"setting": setting})

    @group.command(name="remind", description="An evening DM when your streak needs an answer")
    @app_commands.describe(setting="on, off, or on 20:30 (your local time)")
    async def remind(interaction: AnyInteraction, setting: str | None = None) -> None:
        await bot.on_slash(interaction, "remind", {"setting": setting})

    @group.command(
        name="schedule",
        description="Show this channel's daily-question schedule; Manage Server can change it",
    )
    @app_commands.describe(
        settings="e.g. 09:00 Europe/Helsinki mon-fri topics=drift level=mid — or off"
    )
    async def schedule(interaction: AnyInteraction, settings: str | None = None) -> None:
        await bot.on_slash(interaction, "schedule", {"settings": settings})

    @group.command(name="my-data", description="Everything I keep about you, as a file in your DM")
    async def my_data(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "my-data", {})

    @group.command(
        name="forget-me", description="Delete your answers, points and streak (asks first)"
    )
    @app_commands.describe(confirm="Leave empty to see what would go; pick it to delete now")
    @app_commands.choices(confirm=confirm_choices)
    async def forget_me(
        interaction: AnyInteraction, confirm: app_commands.Choice[str] | None = None
    ) -> None:
        await bot.on_slash(
            interaction, "forget-me", {"confirm": confirm.value if confirm else None}
        )

    @group.command(name="help", description="What the coach can do")
    async def help_command(interaction: AnyInteraction) -> None:
        await bot.on_slash(interaction, "help", {})

    del (
        today,
        mock,
        streak,
        leaderboard,
        season,
        remind,
        schedule,
        my_data,
        forget_me,
        help_command,
    )
    return group
