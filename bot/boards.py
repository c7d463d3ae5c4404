"""Leaderboards and seasons: `leaderboard …`, `season …`, admin resets."""

from __future__ import annotations

from datetime import date, datetime

from bot.messages import Place, Reply, ReplyKind
from bot.ports import Board, BoardRow, Repositories, Season
from bot.progress import live_since, local_day, streak_at, zone
from bot.standings import ALL_TIME, month_period, season_period, week_period

SHOWN = 10  # rows on a board
LABELS = {"week": "this week", "month": "this month", "all": "all time"}


def render_board(rows: list[BoardRow], title: str) -> str:
    """A leaderboard as text; never includes answer texts."""
    if not rows:
        return f"{title}\nNo points yet — be the first: type `today`."
    lines = [title]
    for rank, row in enumerate(rows, start=1):
        answers = f"{row.answers} answer{'s' if row.answers != 1 else ''}"
        lines.append(f"{rank:2}. {row.display_name} — {row.points} pts ({answers})")
    return "\n".join(lines)


def choose_board(place: Place, scope: str, is_dm: bool) -> tuple[Board, str]:
    """The board a command means: the channel's in a channel, else the workspace's."""
    wants_channel = scope == "channel" or scope == ""
    if wants_channel and not is_dm:
        return Board(place.platform, place.workspace, place.channel), "this channel"
    return Board(place.platform, place.workspace), "everyone here"


def period_key(what: str, today: date, season: str) -> str:
    """The stored period key for week/month/all/season."""
    if what == "week":
        return week_period(today)
    if what == "month":
        return month_period(today)
    if what == "season":
        return season_period(season)
    return ALL_TIME


def points_board(
    repo: Repositories,
    board: Board,
    where: str,
    what: str,
    season: str,
    tz_name: str,
    now: datetime,
) -> Reply:
    """Top ten of a board for a period."""
    today = local_day(now, zone(tz_name))
    if what == "season":
        known = {s.name for s in repo.seasons.list(board.platform, board.workspace)}
        if season not in known:
            names = ", ".join(sorted(known)) or "none yet"
            return Reply(
                f"No season called '{season}'. Seasons: {names}.", ReplyKind.ERROR, private=True
            )
        label = f"season {season}"
    else:
        label = LABELS[what]
    rows = repo.leaderboard.top(board, period_key(what, today, season), limit=10)
    return Reply(render_board(rows, f"Leaderboard — {label}, {where}"), ReplyKind.INFO)


def streak_board(
    repo: Repositories, board: Board, tz_name: str, now: datetime, rest_days: frozenset[int]
) -> Reply:
    """The longest live streaks in the workspace (ties by name, then id)."""
    today = local_day(now, zone(tz_name))
    since, freeze_since = live_since(today, rest_days)
    candidates = repo.streaks.top(board.platform, board.workspace, since, freeze_since, SHOWN)
    live = []
    for user, name, state in candidates:
        shown = streak_at(state, today, rest_days)
        if shown.current:
            live.append((shown.current, name, user))
    live.sort(key=lambda row: (-row[0], row[1].lower(), row[2]))
    if not live:
        return Reply("Streaks — nobody has a streak going yet.", ReplyKind.INFO)
    lines = ["Streaks — longest running"]
    lines.extend(
        f"{rank:2}. {name} — {days} day{'s' if days != 1 else ''}"
        for rank, (days, name, _) in enumerate(live[:SHOWN], start=1)
    )
    return Reply("\n".join(lines), ReplyKind.INFO)


def reset_board(repo: Repositories, board: Board, where: str, by: str, now: datetime) -> Reply:
    """Admin: start a board afresh (answers and history are kept)."""
    repo.leaderboard.reset(board, by, now)
    return Reply(
        f"Leaderboard for {where} reset. Earlier answers and points stay in history.",
        ReplyKind.INFO,
    )


def seasons_reply(repo: Repositories, platform: str, workspace: str) -> Reply:
    """The workspace's seasons."""
    seasons = repo.seasons.list(platform, workspace)
    if not seasons:
        return Reply(
            "No seasons yet. Admins: `season NAME 2026-12-01 2027-02-28`.", ReplyKind.INFO
        )
    lines = ["Seasons:"] + [f"  {s.name}: {s.starts} → {s.ends}" for s in seasons]
    return Reply("\n".join(lines), ReplyKind.INFO)


def add_season(
    repo: Repositories, platform: str, workspace: str, args: tuple[str, ...], by: str
) -> Reply:
    """Admin: create or replace a season."""
    name, starts, ends = args[0], date.fromisoformat(args[1]), date.fromisoformat(args[2])
    if ends < starts:
        return Reply(
            "A season must end on or after its start date.", ReplyKind.ERROR, private=True
        )
    repo.seasons.add(platform, workspace, Season(name, starts, ends), by)
    return Reply(
        f"Season '{name}' runs {starts} → {ends}. See it with `leaderboard season {name}`.",
        ReplyKind.INFO,
    )
