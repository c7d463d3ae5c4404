"""Recording a scored answer in the standings: board points per period, and the streak."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.ports import Board, Repositories, Season, UserRef
from bot.progress import advance_streak

ALL_TIME = "all"


def week_period(day: date) -> str:
    """The ISO week a local day belongs to, e.g. "week:2026-W48"."""
    year, week, _ = day.isocalendar()
    return f"week:{year}-W{week:02d}"


def month_period(day: date) -> str:
    """E.g. "month:2026-11"."""
    return f"month:{day:%Y-%m}"


def season_period(name: str) -> str:
    """E.g. "season:winter-cup"."""
    return f"season:{name}"


def periods_for(day: date, seasons: Sequence[Season]) -> list[str]:
    """Every period an answer on this local day counts toward."""
    found = [week_period(day), month_period(day), ALL_TIME]
    found.extend(season_period(s.name) for s in seasons if s.starts <= day <= s.ends)
    return found


def boards_for(who: UserRef, channel: str, in_channel: bool) -> list[Board]:
    """The workspace board, plus the channel's board for answers given in a channel."""
    boards = [Board(who.platform, who.workspace)]
    if in_channel:
        boards.append(Board(who.platform, who.workspace, channel))
    return boards


def record_standing(
    repo: Repositories,
    who: UserRef,
    channel: str,
    in_channel: bool,
    day: date,
    points: int,
    rest_days: frozenset[int],
) -> None:
    """Add a scored answer to the boards and advance the user's streak."""
    periods = periods_for(day, repo.seasons.list(who.platform, who.workspace))
    for board in boards_for(who, channel, in_channel):
        repo.leaderboard.add(board, periods, who.user, points)
    repo.streaks.put(who, advance_streak(repo.streaks.get(who), day, rest_days))
