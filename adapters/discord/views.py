"""The session buttons: a persistent view with fixed custom_ids, so old buttons keep working."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import discord

from adapters.discord.client import AnyInteraction
from adapters.discord.render import button_style
from adapters.discord.translate import custom_id
from bot.messages import ActionKind, Button

STYLES = {"primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary}


class ButtonHandler(Protocol):
    """Whatever answers a session button press (the DiscordBot)."""

    async def on_button(self, interaction: AnyInteraction, kind: ActionKind) -> None: ...


class SessionView(discord.ui.View):
    """The session buttons. timeout=None + fixed custom_ids = they work after a restart."""

    def __init__(self, bot: ButtonHandler, buttons: Sequence[Button]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            self.add_item(SessionButton(bot, button))


class SessionButton(discord.ui.Button[SessionView]):
    """One session button; pressing it is a core Action."""

    def __init__(self, bot: ButtonHandler, button: Button) -> None:
        super().__init__(
            label=button.label,
            custom_id=custom_id(button.action),
            style=STYLES[button_style(button.action)],
        )
        self.coach_bot = bot
        self.kind = button.action

    async def callback(self, interaction: AnyInteraction) -> None:
        await self.coach_bot.on_button(interaction, self.kind)
