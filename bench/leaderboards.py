"""Leaderboard queries at team scale: 10,000 users and 1,000,000 answers, SQLite and PostgreSQL.

The data is what the reply path would have written for those answers: the answer rows, the
board rollups (workspace and channel boards; week, month and all-time periods), profiles and
streaks. Then it times `leaderboard week|all` and `leaderboard streaks` end to end through
Coach.handle (parse, dedupe, query, render) and the bare `top()` query. Goal: p99 ≤ 50 ms.
Run: .venv/bin/python bench/leaderboards.py [--users 10000] [--answers 1000000] [--runs 200]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from _common import ROOT, fresh_url, percentile

from bot.bank.loader import load_bank
from bot.channels import ChannelSettings
from bot.coach import Coach, CoachConfig
from bot.messages import Message, Place
from bot.ports import Board
from bot.scoring.scorer import Scorer
from bot.standings import ALL_TIME, month_period, week_period
from storage.database import SqlDatabase
from storage.migrate import upgrade

WORKSPACE, CHANNELS = "T1", [f"C{i}" for i in range(5)]
TODAY = date(2026, 11, 25)
DAYS = 180
GOAL_SECONDS = 0.050


def generate(users: int, answers: int, seed: int = 7) -> Iterator[tuple[str, str, date, int]]:
    """(user, channel, local day, points) per answer; activity is skewed like a real team."""
    rng = random.Random(seed)
    weights = [1.0 / (1 + i) ** 0.6 for i in range(users)]
    picks = rng.choices(range(users), weights=weights, k=answers)
    for user in picks:
        day = TODAY - timedelta(days=int(rng.random() ** 2 * DAYS))
        yield f"U{user:05}", rng.choice(CHANNELS), day, rng.choice((0, 6, 9, 12, 15, 20))


def rollups(
    rows: list[tuple[str, str, date, int]],
) -> dict[tuple[str, str, str], list[int]]:
    """(channel or "", period, user) → [points, answers], as the reply path accumulates them."""
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for user, channel, day, points in rows:
        for board in ("", channel):
            for period in (week_period(day), month_period(day), ALL_TIME):
                cell = totals[(board, period, user)]
                cell[0] += points
                cell[1] += 1
    return totals


def answer_rows(rows: list[tuple[str, str, date, int]]) -> Iterator[tuple[object, ...]]:
    """The answer table's rows for the generated answers."""
    for i, (user, channel, day, points) in enumerate(rows):
        at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(seconds=i % 3600)
        yield (
            "slack", WORKSPACE, channel, f"t{day:%Y%m%d}", user, f"q{i % 40}", i % 4, "drift",
            "mid", "daily", 40 + i % 60, points, False, at, day, None, "{}",
        )  # fmt: skip


ANSWER_COLUMNS = (
    "platform, workspace, channel, thread, user_id, question_id, stage, topic, level, mode, "
    "score, points, revealed, answered_at, local_day, text, result"
)


def load(url: str, users: int, rows: list[tuple[str, str, date, int]]) -> None:
    """Write answers, rollups, profiles and streaks with the plain driver (fast bulk load)."""
    totals = rollups(rows)
    boards = [
        ("slack", WORKSPACE, board, period, 0, user, pts, n)
        for (board, period, user), (pts, n) in totals.items()
    ]
    now = datetime(2026, 11, 25, tzinfo=UTC)
    profiles = [("slack", WORKSPACE, f"U{u:05}", f"Member {u:05}", now) for u in range(users)]
    streaks = [
        ("slack", WORKSPACE, f"U{u:05}", u % 30, u % 45, TODAY - timedelta(days=u % 3), 0, 0)
        for u in range(users)
    ]
    streak_columns = "platform, workspace, user_id, current, best, last_day, freezes, freezes_used"
    tables = [
        ("answer", ANSWER_COLUMNS, answer_rows(rows)),
        ("board_points", "", iter(boards)),
        ("user_profile", "platform, workspace, user_id, display_name, updated_at", iter(profiles)),
        ("user_streak", streak_columns, iter(streaks)),
    ]
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        for table, columns, values in tables:
            first = next(values)
            marks = ", ".join(["?"] * len(first))
            sql = f"INSERT INTO {table} {f'({columns})' if columns else ''} VALUES ({marks})"
            conn.execute(sql, tuple(_sqlite(v) for v in first))
            conn.executemany(sql, (tuple(_sqlite(v) for v in r) for r in values))
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
        return
    import psycopg

    base, options = url.split("?options=")
    with psycopg.connect(
        base.replace("postgresql+psycopg://", "postgresql://"), options=options.replace("%3D", "=")
    ) as conn:
        for table, columns, values in tables:
            copy = f"COPY {table} {f'({columns})' if columns else ''} FROM STDIN"
            with conn.cursor().copy(copy) as writer:
                for row in values:
                    writer.write_row(row)
        conn.execute("ANALYZE")


def _sqlite(value: object) -> object:
    """Values as SQLAlchemy stores them in SQLite (ISO text for dates and times)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def timed(runs: int, call: object) -> list[float]:
    """Seconds per call."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def bench(url: str, users: int, answers: int, runs: int) -> None:
    """Build the data, then time the queries."""
    db = SqlDatabase(url)
    upgrade(db.engine)
    started = time.perf_counter()
    rows = list(generate(users, answers))
    load(url, users, rows)
    print(
        f"  loaded {answers:,} answers for {users:,} users in {time.perf_counter() - started:.0f} s"
    )
    bank = load_bank(
        [ROOT / "content" / "lexicon.yaml", ROOT / "content" / "questions" / "drift.yaml"]
    )
    channel = Place("slack", WORKSPACE, CHANNELS[0])
    with db.transaction() as repo:
        repo.channels.save(channel, ChannelSettings(enabled=True, timezone="UTC"), "admin")
    clock = type(
        "Clock", (), {"now": staticmethod(lambda: datetime(2026, 11, 25, 12, tzinfo=UTC))}
    )
    coach = Coach(bank, Scorer(bank), db, clock(), CoachConfig())
    counter = iter(range(10**9))

    def command(text: str) -> None:
        n = next(counter)
        replies = coach.handle(Message(channel, "U00001", text, clock.now(), event_id=f"E{n}"))
        assert replies and "Member" in replies[0].text, replies

    def top(board: Board, period: str) -> None:
        with db.transaction() as repo:
            assert len(repo.leaderboard.top(board, period, 10)) == 10

    workspace, in_channel = Board("slack", WORKSPACE), Board("slack", WORKSPACE, CHANNELS[0])
    cases = [
        ("`leaderboard week` (channel)", lambda: command("leaderboard week")),
        ("`leaderboard all` (channel)", lambda: command("leaderboard all")),
        ("`leaderboard week workspace`", lambda: command("leaderboard week workspace")),
        ("`leaderboard all workspace`", lambda: command("leaderboard all workspace")),
        ("`leaderboard streaks`", lambda: command("leaderboard streaks")),
        ("top() workspace, all time", lambda: top(workspace, ALL_TIME)),
        ("top() channel, this week", lambda: top(in_channel, week_period(TODAY))),
    ]
    worst = 0.0
    for name, call in cases:
        timed(5, call)  # warm caches
        times = timed(runs, call)
        p50, p99 = percentile(times, 50), percentile(times, 99)
        worst = max(worst, p99)
        print(f"  {name:32} p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms")
    verdict = "met" if worst <= GOAL_SECONDS else "NOT met"
    print(
        f"  goal p99 ≤ {GOAL_SECONDS * 1000:.0f} ms: {verdict} (worst p99 {worst * 1000:.1f} ms)"
    )
    db.dispose()


def main() -> None:
    """Run each backend and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    for backend in args.backend:
        print(f"{backend}:")
        with tempfile.TemporaryDirectory() as tmp:
            url = fresh_url(backend, "boards", tmp)
            bench(url, args.users, args.answers, args.runs)


if __name__ == "__main__":
    main()
