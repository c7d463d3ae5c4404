"""Read-only commands: help, streak, leaderboard, history, timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.bank.loader import Bank
from bot.messages import Reply, ReplyKind
from bot.ports import Board, HistoryItem, Repositories, UserRef
from bot.progress import Streak, local_day, streak_at, zone
from bot.session.scorecard import Scorecard
from bot.standings import ALL_TIME, week_period

HELP = """ProdML Coach — practise production-ML interviews.
  today                  the question of the day, then follow-ups that escalate
  mock [track] [level]   a mock interview (track: mixed or a topic below;
                         level: junior, mid, senior or staff)
  next / skip / model    skip this step / skip this question / show a model answer
  stop                   end the current question or mock interview
  streak                 your streak and points
  leaderboard [week|month|all]
  history [n]            your recent answers and scorecards
  timezone [Area/City]   show or set your timezone (streaks count your local days)
  remind on|off [HH:MM]  an evening DM when your streak needs today's answer
  schedule [...]         show this channel's schedule (admins: change it)
  my-data                everything I keep about you, as a file in your DM
  forget-me              delete your answers, points and streak (asks first)
  help                   this list
Anything else you type while a question is open is your answer."""


def help_reply(bank: Bank, extra: str = "") -> Reply:
    """The command list, plus the tracks this bank offers."""
    tracks = ", ".join(sorted(bank.topics))
    text = f"{HELP}\nTracks: mixed, {tracks}"
    return Reply(text + (f"\n{extra}" if extra else ""), ReplyKind.INFO)


@dataclass(frozen=True)
class UserSummary:
    """A user's progress at a glance (the Slack App Home, `streak`)."""

    streak: Streak
    points_week: int
    points_total: int
    recent: tuple[HistoryItem, ...]
    weakest_topics: tuple[tuple[str, int], ...]


def user_summary(
    repo: Repositories,
    who: UserRef,
    bank: Bank,
    tz_name: str,
    now: datetime,
    rest_days: frozenset[int] = frozenset(),
) -> UserSummary:
    """Streak, points, the last answers and the weakest topics (lowest recent averages)."""
    today = local_day(now, zone(tz_name))
    streak = streak_at(repo.streaks.get(who), today, rest_days)
    recent = repo.answers.recent(who, 50)
    by_topic: dict[str, list[int]] = {}
    for item in recent:
        if item.question_id in bank.questions:
            by_topic.setdefault(bank.questions[item.question_id].topic, []).append(item.score)
    averages = sorted(
        ((topic, int(sum(s) / len(s) + 0.5)) for topic, s in by_topic.items()),
        key=lambda ts: (ts[1], ts[0]),
    )
    week, total = _points(repo, who, today)
    return UserSummary(streak, week, total, tuple(recent[:5]), tuple(averages[:3]))


def _points(repo: Repositories, who: UserRef, today: date) -> tuple[int, int]:
    """The user's workspace points this week and in total."""
    board = Board(who.platform, who.workspace)
    return (
        repo.leaderboard.total(board, week_period(today), who.user),
        repo.leaderboard.total(board, ALL_TIME, who.user),
    )


def streak_reply(
    repo: Repositories,
    who: UserRef,
    tz_name: str,
    now: datetime,
    rest_days: frozenset[int] = frozenset(),
) -> Reply:
    """The user's current and best streak, and points this week and in total."""
    today = local_day(now, zone(tz_name))
    streak = streak_at(repo.streaks.get(who), today, rest_days)
    week, total = _points(repo, who, today)
    return Reply(streak_text(streak, week, total), ReplyKind.INFO, private=True)


def streak_text(streak: Streak, week: int, total: int) -> str:
    """Streak, freezes and points in words."""
    if streak.current == 0:
        head = "No streak yet — answer today's question to start one."
    else:
        today = "answered today ✓" if streak.answered_today else "answer today to keep it alive"
        head = f"Streak: {streak.current} day{'s' if streak.current != 1 else ''} ({today})."
    lines = [head]
    if streak.pending_freeze:
        lines.append("A streak freeze is covering the day you missed — answer today to keep it.")
    freezes = f"{streak.freezes} streak freeze{'s' if streak.freezes != 1 else ''} held"
    lines.append(
        f"Best streak: {streak.best}. {freezes} (one earned per 7-day run, at most 2; "
        f"used so far: {streak.freezes_used})."
    )
    lines.append(f"Points: {week} this week, {total} in total.")
    return "\n".join(lines)


def _history_line(item: HistoryItem, bank: Bank, tz_name: str) -> str:
    title = (
        bank.questions[item.question_id].title
        if item.question_id in bank.questions
        else item.question_id
    )
    when = item.answered_at.astimezone(zone(tz_name)).strftime("%Y-%m-%d %H:%M")
    points = f" · +{item.points} pts" if item.points else ""
    return f"  {when} · {title} (step {item.stage + 1}, {item.mode}) · {item.score}/100{points}"


def history_reply(repo: Repositories, who: UserRef, bank: Bank, limit: int, tz_name: str) -> Reply:
    """The user's recent answers and mock scorecards."""
    items = repo.answers.recent(who, limit)
    cards: list[Scorecard] = repo.scorecards.recent(who, 3)
    if not items and not cards:
        return Reply(
            "No history yet. Type `today` or `mock` to start.", ReplyKind.INFO, private=True
        )
    lines = [f"Your last {len(items)} answers:"] + [_history_line(i, bank, tz_name) for i in items]
    if cards:
        lines.append("Recent mock interviews:")
        for card in cards:
            lines.append(
                f"  {card.finished_at[:10]} · track {card.track} · {card.overall}/100"
                f"{'' if card.complete else ' (ended early)'}"
            )
    return Reply("\n".join(lines), ReplyKind.INFO, private=True)
