"""Commands that do not move a session: help, streak, history, timezone, boards, admin settings."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import boards, info, privacy
from bot.bank.loader import Bank
from bot.channels import SCHEDULE_USAGE, apply_schedule, describe
from bot.commands import REMIND_USAGE, Command
from bot.messages import Place, Reply, ReplyKind
from bot.ports import Repositories, UserRef
from bot.reminders import DEFAULT_TIME, parse_time

ADMIN_ONLY = Reply("Only workspace or server admins can do that.", ReplyKind.ERROR, private=True)
SESSION_COMMANDS = frozenset({"today", "mock", "next", "skip", "model", "stop"})


@dataclass(frozen=True)
class Turn:
    """One inbound message inside its transaction: where, who, when, and what they may do."""

    repo: Repositories
    place: Place
    user: str
    now: datetime
    timezone: str
    is_dm: bool = False
    is_admin: bool = False

    @property
    def who(self) -> UserRef:
        """The user within their workspace."""
        return UserRef(self.place.platform, self.place.workspace, self.user)

    @property
    def channel(self) -> Place:
        """The channel this turn happens in (without its thread)."""
        return self.place.without_thread()


def handle_command(turn: Turn, command: Command, bank: Bank, help_extra: str) -> Reply:
    """Run a command that does not touch the conversation state."""
    name, repo = command.name, turn.repo
    if name == "help":
        return info.help_reply(bank, help_extra)
    if name == "streak":
        rest = repo.channels.get(turn.channel).rest_days
        return info.streak_reply(repo, turn.who, turn.timezone, turn.now, rest)
    if name == "history":
        limit = min(int(command.args[0]), 50) if command.args else 10
        return info.history_reply(repo, turn.who, bank, limit, turn.timezone)
    if name == "timezone":
        return set_timezone(turn, command)
    if name == "schedule":
        return schedule(turn, command, bank.topics)
    if name == "season":
        return season(turn, command)
    if name == "remind":
        return remind(turn, command)
    if name == "my-data":
        return privacy.my_data(repo, turn.who, turn.now)
    if name == "forget-me":
        return privacy.forget_me(repo, turn.who, command.args)
    return leaderboard(turn, command)


def remind(turn: Turn, command: Command) -> Reply:
    """`remind on [HH:MM]` / `remind off` / `remind`: the evening streak reminder."""
    reminders = turn.repo.reminders
    if not command.args:
        at = reminders.get(turn.who)
        state = f"on at {at:%H:%M} ({turn.timezone})" if at else "off"
        return Reply(f"Evening reminders are {state}. {REMIND_USAGE}", private=True)
    if command.args[0] == "off":
        reminders.set(turn.who, None)
        return Reply("Reminders off.", private=True)
    at = parse_time(command.args[1]) if len(command.args) > 1 else DEFAULT_TIME
    if at is None:
        return Reply(REMIND_USAGE, ReplyKind.ERROR, private=True)
    reminders.set(turn.who, at)
    return Reply(
        f"I'll DM you at {at:%H:%M} ({turn.timezone}) on days your streak needs an "
        "answer. Set your zone with `timezone Area/City`.",
        private=True,
    )


def leaderboard(turn: Turn, command: Command) -> Reply:
    """`leaderboard [week|month|all|streaks|season NAME|reset] [channel|workspace]`."""
    what, scope, season_name = command.args
    board, where = boards.choose_board(turn.place, scope, turn.is_dm)
    if what == "reset":
        if not turn.is_admin:
            return ADMIN_ONLY
        return boards.reset_board(turn.repo, board, where, turn.user, turn.now)
    if what == "streaks":
        rest = turn.repo.channels.get(turn.channel).rest_days
        return boards.streak_board(turn.repo, board, turn.timezone, turn.now, rest)
    return boards.points_board(turn.repo, board, where, what, season_name, turn.timezone, turn.now)


def season(turn: Turn, command: Command) -> Reply:
    """`season` lists; admins add with `season NAME START END`."""
    platform, workspace = turn.place.platform, turn.place.workspace
    if not command.args:
        return boards.seasons_reply(turn.repo, platform, workspace)
    if not turn.is_admin:
        return ADMIN_ONLY
    return boards.add_season(turn.repo, platform, workspace, command.args, turn.user)


def schedule(turn: Turn, command: Command, topics: Collection[str]) -> Reply:
    """`schedule` shows the channel's settings; admins change them."""
    current = turn.repo.channels.get(turn.channel)
    if not command.args:
        return Reply(f"{describe(current)}\n{SCHEDULE_USAGE}", private=True)
    if not turn.is_admin:
        return ADMIN_ONLY
    if turn.is_dm and turn.place.platform != "console":
        return Reply(
            "Schedules belong to channels: run `schedule` in the channel itself.",
            ReplyKind.ERROR,
            private=True,
        )
    updated = apply_schedule(command.args, current, topics)
    if isinstance(updated, str):
        return Reply(updated, ReplyKind.ERROR, private=True)
    turn.repo.channels.save(turn.channel, updated, turn.user)
    return Reply(f"Saved. {describe(updated)}", ReplyKind.INFO)


def set_timezone(turn: Turn, command: Command) -> Reply:
    """`timezone` shows the user's zone; `timezone Area/City` sets it."""
    if not command.args:
        return Reply(
            f"Your timezone is {turn.timezone}. Set it with `timezone Europe/Helsinki`.",
            private=True,
        )
    name = command.args[0]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return Reply(
            f"'{name}' isn't a timezone I know. Use an IANA name such as "
            "America/New_York or Asia/Kolkata.",
            ReplyKind.ERROR,
            private=True,
        )
    turn.repo.profiles.update(turn.who, timezone=name)
    return Reply(f"Timezone set to {name}. Streaks now follow your local days.", private=True)
