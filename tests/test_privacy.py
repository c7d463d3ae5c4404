"""Users see and delete their own data; answer texts age out; admin commands need an admin."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.coach import Coach, CoachConfig
from bot.messages import Message, Place
from bot.ports import Board, StoredAnswer, UserRef
from bot.privacy import RetentionService
from bot.progress import StreakState
from bot.scoring.scorer import Scorer
from bot.session.machine import AnswerRecord
from bot.session.state import ConversationKey
from tests.conftest import make_console
from tests.fakes import FakeClock

GOOD = (
    "For covariate drift I'd run PSI per feature against the training window and open a "
    "ticket above 0.2; prior shift shows in the approval rate and default rate; concept drift "
    "needs AUC on matured labels by cohort; page only if it persists two days."
)
SECRET_PHRASE = "my-unique-answer-words"
CHANNEL = Place("slack", "T1", "C1")
T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_my_data_exports_everything_and_forget_me_asks_then_deletes(
    drift_bank: Bank, any_db: Any, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    console = make_console(drift_bank, any_db, FakeClock(T0), export_dir=exports)
    console.send("today")
    console.send(f"{GOOD} {SECRET_PHRASE}.")
    console.send("timezone Europe/Helsinki")

    (export,) = console.send("my-data")
    assert "1 answer," in export.text and "Saved to" in export.text
    (path,) = exports.iterdir()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["user"] == "ada" and SECRET_PHRASE in json.dumps(data)
    assert data["answers"] and data["streaks"] and data["profiles"]

    asked = console.send("forget-me")[0].text
    assert "can't be undone" in asked and "forget-me confirm" in asked
    assert "1. ada" in console.send("leaderboard all")[0].text  # nothing deleted yet

    done = console.send("forget-me confirm")[0].text
    assert done.startswith("Done: deleted 1 answer,")
    assert "No points yet" in console.send("leaderboard all")[0].text
    assert "No streak yet" in console.send("streak")[0].text
    with any_db.transaction() as repo:
        leftover = repo.personal.export(UserRef("console", "local", "ada"))
    assert all(not rows for kind, rows in leftover.items() if kind != "profiles")
    assert "forget-me`, then" in console.send("forget-me now")[0].text


def test_forget_me_leaves_other_users_alone(any_db: Any) -> None:
    ada, bob = UserRef("slack", "T1", "U1"), UserRef("slack", "T1", "U2")
    other_workspace = UserRef("slack", "T2", "U1")
    with any_db.transaction() as repo:
        for who in (ada, bob, other_workspace):
            repo.answers.record(_answer(who, "text"))
            repo.leaderboard.add(Board("slack", who.workspace), ["all"], who.user, 9)
            repo.streaks.put(who, StreakState(3, 3, T0.date()))
    with any_db.transaction() as repo:
        removed = repo.personal.forget(ada)
    assert removed["answers"] == 1 and removed["points"] == 1 and removed["streaks"] == 1
    with any_db.transaction() as repo:
        assert [r.user for r in repo.leaderboard.top(Board("slack", "T1"), "all", 10)] == ["U2"]
        assert repo.leaderboard.total(Board("slack", "T2"), "all", "U1") == 9
        assert repo.streaks.get(bob).current == 3 and repo.streaks.get(ada).current == 0
        assert repo.answers.recent(ada, 5) == [] and len(repo.answers.recent(bob, 5)) == 1


def test_retention_blanks_old_answer_texts_and_quotes_but_keeps_scores(any_db: Any) -> None:
    ada = UserRef("slack", "T1", "U1")
    result = {
        "score": 80,
        "criteria": [{"id": "c", "level": 2, "evidence": ["a quote of the answer"]}],
        "red_flags": [{"id": "f", "evidence": "another quote"}],
        "feedback": "you said “a quote of the answer”",
    }
    with any_db.transaction() as repo:
        repo.answers.record(_answer(ada, "old answer", T0 - timedelta(days=40), result))
        repo.answers.record(_answer(ada, "new answer", T0 - timedelta(days=2), result, stage=1))
    assert RetentionService(any_db, days=30).prune(T0) == 1
    assert RetentionService(any_db, days=30).prune(T0) == 0  # idempotent
    with any_db.transaction() as repo:
        answers = repo.personal.export(ada)["answers"]
        assert [h.score for h in repo.answers.recent(ada, 5)] == [80, 80]
    dumped = json.dumps(answers)
    assert "old answer" not in dumped and "new answer" in dumped
    assert dumped.count("a quote of the answer") == 2  # only the recent answer's two quotes


def test_answer_texts_stay_private_when_the_channel_says_so(drift_bank: Bank, any_db: Any) -> None:
    clock = FakeClock(T0)
    with any_db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True, public_feedback=False), "a")
    coach = Coach(drift_bank, Scorer(drift_bank), any_db, clock, CoachConfig())
    thread = replace(CHANNEL, thread="t1")
    if hasattr(any_db, "state"):
        any_db.state.threads[("slack", "T1", "C1", "t1")] = "drift-detection-instrumentation"
    else:
        with any_db.transaction() as repo:
            repo.daily.question_for(CHANNEL, T0.date(), ["drift-detection-instrumentation"])
            repo.claims.claim(CHANNEL, T0.date(), "w", T0, timedelta(minutes=5))
            repo.claims.mark_posted(CHANNEL, T0.date(), "t1", T0)
    replies = coach.handle(Message(thread, "U1", f"{GOOD} {SECRET_PHRASE}", T0, user_name="ada"))
    assert replies and all(r.private for r in replies)
    for command in ("leaderboard", "leaderboard all workspace", "leaderboard streaks"):
        shown = coach.handle(Message(CHANNEL, "U2", command, T0, user_name="bob"))
        assert "ada" in shown[0].text or command.endswith("streaks")
        assert SECRET_PHRASE not in shown[0].text


@pytest.mark.parametrize(
    "command",
    [
        "schedule 08:30 Europe/Helsinki weekdays",
        "schedule off",
        "season cup 2026-12-01 2026-12-31",
        "leaderboard reset",
        "leaderboard reset workspace",
    ],
)
def test_every_admin_command_is_refused_to_a_normal_user(
    drift_bank: Bank, any_db: Any, command: str
) -> None:
    clock = FakeClock(T0)
    coach = Coach(drift_bank, Scorer(drift_bank), any_db, clock, CoachConfig())
    with any_db.transaction() as repo:
        repo.channels.save(CHANNEL, ChannelSettings(enabled=True), "admin")
        repo.leaderboard.add(Board("slack", "T1", "C1"), ["all"], "U9", 5)
        repo.leaderboard.add(Board("slack", "T1"), ["all"], "U9", 5)
        before = (repo.channels.get(CHANNEL), repo.seasons.list("slack", "T1"))
    refused = coach.handle(Message(CHANNEL, "U2", command, T0, user_name="bob", is_admin=False))
    assert refused[0].text == "Only workspace or server admins can do that."
    with any_db.transaction() as repo:
        assert (repo.channels.get(CHANNEL), repo.seasons.list("slack", "T1")) == before
        assert repo.leaderboard.total(Board("slack", "T1", "C1"), "all", "U9") == 5
        assert repo.leaderboard.total(Board("slack", "T1"), "all", "U9") == 5
    allowed = coach.handle(Message(CHANNEL, "U3", command, T0, user_name="grace", is_admin=True))
    assert allowed[0].text != refused[0].text


def _answer(
    who: UserRef,
    text: str,
    at: datetime = T0,
    result: dict[str, Any] | None = None,
    stage: int = 0,
) -> StoredAnswer:
    record = AnswerRecord(
        "q1", stage, "drift", "mid", "daily", 80, text, json.dumps(result or {}), False
    )
    key = ConversationKey(who.platform, who.workspace, "C1", "t1", who.user)
    return StoredAnswer(key, record, at, at.date(), 9)
