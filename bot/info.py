"""Read-only commands: help, streak, leaderboard, history, timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.bank.loader import Bank
from bot.messages import Reply, ReplyKind
from bot.ports import BoardRow, HistoryItem, Repositories, UserRef
from bot.progress import Streak, compute_streak, local_day, month_start, week_start, zone
from bot.session.scorecard import Scorecard

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
  schedule [...]         show this channel's schedule (admins: change it)
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
    tz = zone(tz_name)
    streak = compute_streak(repo.answers.answer_days(who), local_day(now, tz), rest_days)
    recent = repo.answers.recent(who, 50)
    by_topic: dict[str, list[int]] = {}
    for item in recent:
        if item.question_id in bank.questions:
            by_topic.setdefault(bank.questions[item.question_id].topic, []).append(item.score)
    averages = sorted(
        ((topic, int(sum(s) / len(s) + 0.5)) for topic, s in by_topic.items()),
        key=lambda ts: (ts[1], ts[0]),
    )
    return UserSummary(
        streak,
        repo.leaderboard.total(who, week_start(now, tz)),
        repo.leaderboard.total(who, None),
        tuple(recent[:5]),
        tuple(averages[:3]),
    )


def streak_reply(
    repo: Repositories,
    who: UserRef,
    bank: Bank,
    tz_name: str,
    now: datetime,
    rest_days: frozenset[int] = frozenset(),
) -> Reply:
    """The user's current and best streak, and points this week and in total."""
    summary = user_summary(repo, who, bank, tz_name, now, rest_days)
    streak, week, total = summary.streak, summary.points_week, summary.points_total
    if streak.current == 0:
        head = "No streak yet — answer today's question to start one."
    else:
        today = "answered today ✓" if streak.answered_today else "answer today to keep it alive"
        head = f"Streak: {streak.current} day{'s' if streak.current != 1 else ''} ({today})."
    text = f"{head}\nBest streak: {streak.best}. Points: {week} this week, {total} in total."
    return Reply(text, ReplyKind.INFO, private=True)


def render_board(rows: list[BoardRow], title: str) -> str:
    """A leaderboard as text; never includes answer texts."""
    if not rows:
        return f"{title}\nNo points yet — be the first: type `today`."
    lines = [title]
    for rank, row in enumerate(rows, start=1):
        answers = f"{row.answers} answer{'s' if row.answers != 1 else ''}"
        lines.append(f"{rank:2}. {row.display_name} — {row.points} pts ({answers})")
    return "\n".join(lines)


def leaderboard_reply(
    repo: Repositories, who: UserRef, period: str, tz_name: str, now: datetime
) -> Reply:
    """Top ten for this week, this month or all time (in the workspace's timezone)."""
    tz = zone(tz_name)
    since = {"week": week_start(now, tz), "month": month_start(now, tz)}.get(period)
    label = {"week": "this week", "month": "this month", "all": "all time"}[period]
    rows = repo.leaderboard.top(who.platform, who.workspace, since, limit=10)
    return Reply(render_board(rows, f"Leaderboard — {label}"), ReplyKind.INFO)


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
