"""The reply path: score an answer, store it, update streak and points — per reply, end to end.

Beside it, a bare DB-API driver runs the same writes (no ORM, no scoring) in the same run, so
the ratio shows what the coach's own layers cost. Goals on SQLite: p99 ≤ 10 ms, ≥ 200 replies/s.
On SQLite both runs leave WAL checkpoints to a background thread (every second), as a running
bot does (`coach run` checkpoints every 2 s), so no commit pays for a checkpoint's fsync.
Run: .venv/bin/python bench/reply_path.py [--replies 2000] [--backend sqlite postgres]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from _common import ROOT, fresh_url, percentile

from bot.bank.loader import load_bank
from bot.channels import ChannelSettings
from bot.coach import Coach, CoachConfig
from bot.messages import Message, Place
from bot.scoring.scorer import Scorer
from storage.database import SqlDatabase
from storage.migrate import upgrade

CPU_TIMES: dict[str, list[float]] = {}
CHANNEL = Place("slack", "T1", "C1")
ANSWERS = [
    "PSI per feature against the training window daily; page when PSI stays above 0.25 on a "
    "top-10 feature for two days; approval rate band for prior shift; AUC on matured cohorts.",
    "Until defaults mature I'd watch the score distribution and input drift, and use a missed "
    "first payment at 30 days as a proxy, compared by application-week cohort and by region.",
    "PSI alone files a ticket for the owning team; it pages only if the approval rate moves 3 "
    "points; first check the income pipeline for a schema or unit change, then the runbook.",
    "No to a monthly accuracy report: defaults take 60 to 90 days, so it is a quarter late; "
    "keep daily PSI on the top features and the score histogram, it costs a few dollars a day.",
]


class StepClock:
    """A clock that moves one second per reading, so every reply has its own instant."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current


@contextmanager
def checkpoints_in_background(
    checkpoint: Callable[[], object], every: float = 1.0
) -> Iterator[None]:
    """Run `checkpoint` in a thread every `every` seconds while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            checkpoint()

    worker = threading.Thread(target=loop, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()


def coach_run(url: str, replies: int) -> list[float]:
    """Seconds per reply through Coach.handle (scoring + every write, one transaction)."""
    bank = load_bank(
        [ROOT / "content" / "lexicon.yaml", ROOT / "content" / "questions" / "drift.yaml"]
    )
    db = SqlDatabase(url, background_checkpoints=True)
    upgrade(db.engine)
    with db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True), "admin")
    coach = Coach(
        bank, Scorer(bank), db, StepClock(datetime(2026, 11, 23, 9, tzinfo=UTC)), CoachConfig()
    )
    times, cpu = [], []
    with checkpoints_in_background(db.checkpoint):
        for i in range(replies):
            user, stage = f"U{i // 4:05}", i % 4
            thread = replace(CHANNEL, thread=f"t{(i // 400):03}")
            if i % 400 == 0:  # a new day's daily post for this thread to hang off
                with db.transaction() as repo:
                    day = datetime(2026, 11, 23).date() + timedelta(days=i // 400)
                    repo.daily.question_for(CHANNEL, day, ["drift-detection-instrumentation"])
                db_state_thread(db, thread, i // 400)
            message = Message(
                thread, user, ANSWERS[stage], coach.clock.now(), event_id=f"Ev{i}", user_name=user
            )
            start, start_cpu = time.perf_counter(), time.thread_time()
            coach.handle(message)
            times.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
    db.dispose()
    CPU_TIMES[url] = cpu
    return times


def db_state_thread(db: SqlDatabase, thread: Place, day_offset: int) -> None:
    """Mark the daily post as posted with this thread's id (so replies open the question)."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE daily_post SET status='posted', message_ref=:ref "
                "WHERE channel='C1' AND message_ref IS NULL"
            ),
            {"ref": thread.thread},
        )


BARE_STATEMENTS = [
    (
        "INSERT INTO processed_event (platform, event_id, seen_at) VALUES ('slack', :e, :t) "
        "ON CONFLICT DO NOTHING"
    ),
    "SELECT display_name, timezone FROM user_profile WHERE platform='slack' AND workspace='T1' "
    "AND user_id=:u",
    (
        "INSERT INTO user_profile (platform, workspace, user_id, display_name, updated_at) VALUES "
        "('slack', 'T1', :u, :u, :t) ON CONFLICT DO NOTHING"
    ),
    "SELECT state FROM conversation WHERE platform='slack' AND workspace='T1' AND channel='C1' "
    "AND thread=:th AND user_id=:u",
    (
        "INSERT INTO conversation (platform, workspace, channel, thread, user_id, state, updated_at) "
        "VALUES ('slack', 'T1', 'C1', :th, :u, :s, :t) ON CONFLICT (platform, workspace, channel, "
        "thread, user_id) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at"
    ),
    (
        "INSERT INTO answer (platform, workspace, channel, thread, user_id, question_id, stage, topic,"
        " level, mode, score, points, revealed, answered_at, local_day, text, result) VALUES ('slack',"
        " 'T1', 'C1', :th, :u, 'q', :st, 'drift', 'mid', 'daily', 70, 9, false, :t, :d, :txt, '{}')"
    ),
    (
        "INSERT INTO point_award (platform, workspace, user_id, question_id, stage, answer_id, points,"
        " awarded_at) VALUES ('slack', 'T1', :u, 'q', :st, 1, 9, :t) ON CONFLICT DO NOTHING"
    ),
    *[
        (
            "INSERT INTO board_points (platform, workspace, channel, period, epoch, user_id, points,"
            f" answers) VALUES ('slack', 'T1', {channel}, {period}, 0, :u, 9, 1) ON CONFLICT "
            "(platform, workspace, channel, period, epoch, user_id) DO UPDATE SET "
            "points=board_points.points+excluded.points, answers=board_points.answers+1"
        )
        for channel in ("''", "'C1'")
        for period in ("'week:2026-W48'", "'month:2026-11'", "'all'")
    ],
    "SELECT current, best FROM user_streak WHERE platform='slack' AND workspace='T1' AND user_id=:u",
    (
        "INSERT INTO user_streak (platform, workspace, user_id, current, best, last_day, freezes,"
        " freezes_used) VALUES ('slack', 'T1', :u, 1, 1, :d, 0, 0) ON CONFLICT (platform, workspace,"
        " user_id) DO UPDATE SET current=excluded.current, last_day=excluded.last_day"
    ),
]


def bare_run(url: str, replies: int) -> list[float]:
    """The same writes per reply with the plain driver, one transaction each."""
    db = SqlDatabase(url)
    upgrade(db.engine)
    db.dispose()
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        path = url.removeprefix("sqlite:///")

        def checkpoint() -> None:
            with sqlite3.connect(path) as other:
                other.execute("PRAGMA wal_checkpoint(PASSIVE)")

        statements = BARE_STATEMENTS
        times = []
        with checkpoints_in_background(checkpoint):
            for i in range(replies):
                params = {
                    "e": f"B{i}",
                    "t": f"2026-11-23 09:00:{i % 60:02}",
                    "u": f"U{i // 4:05}",
                    "th": "t1",
                    "s": "{}",
                    "st": i % 4,
                    "d": "2026-11-23",
                    "txt": ANSWERS[i % 4],
                }
                start = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                for sql in statements:
                    conn.execute(sql, {k: v for k, v in params.items() if f":{k}" in sql})
                conn.execute("COMMIT")
                times.append(time.perf_counter() - start)
        conn.close()
        return times
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
    options = url.split("options=")[1].replace("%3D", "=") if "options=" in url else ""
    with psycopg.connect(conninfo, options=options) as conn:
        times = []
        for i in range(replies):
            params = {
                "e": f"B{i}",
                "t": datetime(2026, 11, 23, 9, tzinfo=UTC),
                "u": f"U{i // 4:05}",
                "th": "t1",
                "s": "{}",
                "st": i % 4,
                "d": datetime(2026, 11, 23).date(),
                "txt": ANSWERS[i % 4],
            }
            start = time.perf_counter()
            with conn.transaction():
                for sql in BARE_STATEMENTS:
                    pg_sql, args = _pg(sql, params)
                    conn.execute(pg_sql, args)
            times.append(time.perf_counter() - start)
    return times


def _pg(sql: str, params: dict[str, object]) -> tuple[str, dict[str, object]]:
    import re

    param = r"(?<=[\s(,=]):(\w+)"  # not the colons inside 'week:2026-W48'
    names = re.findall(param, sql)
    return re.sub(param, r"%(\1)s", sql), {n: params[n] for n in names}


def report(name: str, times: list[float]) -> float:
    """Print one line; returns p50."""
    p50, p99 = percentile(times, 50), percentile(times, 99)
    print(
        f"  {name:28} p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms  "
        f"{len(times) / sum(times):7.0f} replies/s"
    )
    return p50


def main() -> None:
    """Run each backend and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    for backend in args.backend:
        with tempfile.TemporaryDirectory() as tmp:
            urls = (fresh_url(backend, "coach", tmp), fresh_url(backend, "bare", tmp))
            print(f"{backend}: {args.replies} replies")
            coach = coach_run(urls[0], args.replies)
            bare = bare_run(urls[1], args.replies)
            coach_p50 = report("coach (score + all writes)", coach)
            cpu = CPU_TIMES[urls[0]]
            print(
                f"  {'  its CPU time (this thread)':28} p50 {percentile(cpu, 50) * 1000:6.2f} ms  "
                f"p99 {percentile(cpu, 99) * 1000:6.2f} ms"
            )
            bare_p50 = report("bare driver (same writes)", bare)
            print(f"  ratio coach/bare at p50: {coach_p50 / bare_p50:.1f}x")
            if backend == "sqlite":
                ok = percentile(coach, 99) <= 0.010 and len(coach) / sum(coach) >= 200
                print(f"  goal p99 ≤ 10 ms and ≥ 200 replies/s: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
