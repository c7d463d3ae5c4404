"""Typed commands: `today`, `mock drift mid`, `leaderboard week`, … (with or without a slash)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from bot.bank.schema import Level

PERIODS = ("week", "month", "all", "streaks")
SCOPES = {
    "channel": "channel",
    "workspace": "workspace",
    "server": "workspace",
    "team": "workspace",
}
LEADERBOARD_USAGE = (
    "Use `leaderboard [week|month|all|streaks] [channel|workspace]`, `leaderboard season NAME`, "
    "or (admins) `leaderboard reset [channel|workspace]`."
)
REMIND_USAGE = "Use `remind on` (19:00 your time), `remind on 20:30`, or `remind off`."
SEASON_USAGE = "Use `season` to list seasons, or (admins) `season NAME 2026-12-01 2027-02-28`."
SESSION_WORDS = {"next": "next", "skip": "skip", "model": "model", "stop": "stop"}
ALIASES = {
    "model answer": "model",
    "show model answer": "model",
    "next follow-up": "next",
    "next follow up": "next",
    "end": "stop",
    "finish": "stop",
    "?": "help",
    "commands": "help",
    "lb": "leaderboard",
    "tz": "timezone",
    "my data": "my-data",
    "mydata": "my-data",
    "export": "my-data",
    "forget me": "forget-me",
    "forgetme": "forget-me",
    "delete my data": "forget-me",
}
COMMANDS = frozenset(
    {
        "today",
        "mock",
        "streak",
        "leaderboard",
        "history",
        "help",
        "timezone",
        "schedule",
        "season",
        "remind",
        "my-data",
        "forget-me",
        *SESSION_WORDS,
    }
)


@dataclass(frozen=True)
class Command:
    """A parsed command, or a parse error to show when no answer is expected."""

    name: str
    args: tuple[str, ...] = ()
    error: str | None = None


def _mock_args(args: list[str], tracks: Collection[str]) -> Command:
    track, level = None, None
    for arg in args:
        if arg in {lvl.value for lvl in Level} and level is None:
            level = arg
        elif (arg in tracks or arg in {"mixed", "all"}) and track is None:
            track = arg
        else:
            known = ", ".join(sorted(tracks))
            return Command(
                "mock",
                tuple(args),
                f"Unknown track or level '{arg}'. Tracks: mixed, "
                f"{known}. Levels: junior, mid, senior, staff.",
            )
    return Command("mock", (track or "mixed", level or ""))


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _leaderboard_args(args: list[str]) -> Command:
    """(what, scope, season): what is week|month|all|streaks|season|reset; scope may be ""."""
    what, scope, season = "week", "", ""
    rest = list(args)
    if rest and rest[0] in (*PERIODS, "reset"):
        what = rest.pop(0)
    elif rest and rest[0] == "season" and len(rest) >= 2:
        what, season = "season", rest[1]
        rest = rest[2:]
    if rest and rest[0] in SCOPES:
        scope = SCOPES[rest.pop(0)]
    if rest:
        return Command("leaderboard", tuple(args), LEADERBOARD_USAGE)
    return Command("leaderboard", (what, scope, season))


def parse_command(text: str, tracks: Collection[str]) -> Command | None:
    """Parse a message as a command; None when it is not one (so it is an answer)."""
    words = text.strip().lower().split()
    if words and words[0].lstrip("/!") == "schedule" and len(words) <= 10:
        return Command("schedule", tuple(text.strip().split()[1:]))
    if not words or len(words) > 4:
        return None
    words[0] = words[0].lstrip("/!")
    joined = " ".join(words)
    if joined in ALIASES:
        words = ALIASES[joined].split()
    elif words[0] in ALIASES:
        words[0] = ALIASES[words[0]]
    name, args = words[0], words[1:]
    if name not in COMMANDS:
        return None
    if name == "mock":
        return _mock_args(args, tracks)
    if name == "leaderboard":
        return _leaderboard_args(args)
    if name == "remind":
        if args and (args[0] not in {"on", "off"} or len(args) > 2):
            return Command(name, tuple(args), REMIND_USAGE)
        return Command(name, tuple(args))
    if name == "season":
        if args and (len(args) != 3 or not all(_is_date(a) for a in args[1:])):
            return Command(name, tuple(args), SEASON_USAGE)
        return Command(name, tuple(args))
    if name == "history":
        if len(args) > 1 or (args and not args[0].isdigit()):
            return Command(name, tuple(args), "Use `history` or `history 20`.")
        return Command(name, tuple(args))
    if name == "timezone":
        if len(args) > 1:
            return Command(
                name, tuple(args), "Use `timezone Europe/Helsinki` (an IANA zone name)."
            )
        original = text.strip().split()
        return Command(name, tuple(original[1:2]))
    if name == "forget-me":
        if args and args != ["confirm"]:
            return Command(name, tuple(args), "Use `forget-me`, then `forget-me confirm`.")
        return Command(name, tuple(args))
    if args:
        return Command(name, tuple(args), f"`{name}` takes no arguments.")
    return Command(name)
