"""The coach service on the in-memory database: points, dedupe, outages, threads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.bank.loader import Bank
from bot.coach import Coach, CoachConfig
from bot.messages import Action, ActionKind, Message, Place, ReplyKind
from bot.ports import Board
from bot.scoring.scorer import Scorer
from bot.session.state import Conversation, ConversationKey, Mode, Session
from tests.fakes import FakeClock, InMemoryDatabase

QID = "drift-detection-instrumentation"
CHANNEL = Place("slack", "T1", "C1")
ANSWER = "PSI per feature against the training window, page above 0.25 for two days."


@pytest.fixture
def coach(drift_bank: Bank, memory_db: InMemoryDatabase, clock: FakeClock) -> Coach:
    return Coach(
        drift_bank,
        Scorer(drift_bank),
        memory_db,
        clock,
        CoachConfig(default_timezone="Europe/Helsinki"),
    )


def say(
    coach: Coach, text: str, place: Place = CHANNEL, user: str = "U1", event: str = ""
) -> list[str]:
    msg = Message(place, user, text, coach.clock.now(), event_id=event, user_name=user.lower())
    return [r.text for r in coach.handle(msg)]


def test_only_the_first_answer_to_a_step_earns_points(coach: Coach, memory_db) -> None:
    say(coach, "today")
    first = say(coach, ANSWER)[0]
    assert "+" in first.split("\n")[0] and "points" in first.split("\n")[0]
    say(coach, "today", place=Place("slack", "T1", "D9"))  # same question in a DM
    say(coach, "stop", place=Place("slack", "T1", "D9"))
    replay = Place("slack", "T1", "C1", thread="other")
    memory_db.state.threads[("slack", "T1", "C1", "other")] = QID
    again = say(coach, ANSWER, place=replay)[0]
    assert "only your first answer to each step counts" in again
    with memory_db.transaction() as repo:
        total = repo.leaderboard.total(Board("slack", "T1"), "all", "U1")
    assert total == int(first.split("+")[1].split(" ")[0])


def test_a_redelivered_event_is_handled_once(coach: Coach, memory_db) -> None:
    say(coach, "today", event="Ev1")
    assert say(coach, ANSWER, event="Ev2")
    assert say(coach, ANSWER, event="Ev2") == []
    assert len(memory_db.state.answers) == 1


def test_storage_outage_is_a_clear_message_and_loses_nothing(coach: Coach, memory_db) -> None:
    say(coach, "today")
    before = memory_db.state.conversations.copy()
    memory_db.unavailable = "attempt to write a readonly database"
    (reply,) = say(coach, ANSWER)
    assert "couldn't save that" in reply and "readonly database" in reply
    assert ANSWER in reply  # the user's words are handed back
    memory_db.unavailable = None
    assert memory_db.state.conversations == before
    assert "Score:" in say(coach, ANSWER)[0]


def test_reply_in_a_daily_thread_opens_that_question(coach: Coach, memory_db) -> None:
    memory_db.state.threads[("slack", "T1", "C1", "1700.1")] = QID
    (feedback,) = say(coach, ANSWER, place=replace(CHANNEL, thread="1700.1"), user="U2")
    assert feedback.startswith("Score:")
    assert "Step 2/4" in feedback


def test_a_session_for_a_removed_question_is_dropped(coach: Coach, memory_db) -> None:
    key = ConversationKey("slack", "T1", "C1", "", "U1")
    memory_db.state.conversations[key] = Conversation(Session(Mode.DAILY, ("gone-question",)))
    assert "No question is open" in say(coach, "some answer text here")[0]


def test_buttons_drive_the_session(coach: Coach) -> None:
    say(coach, "today")
    replies = coach.act(Action(CHANNEL, "U1", ActionKind.MODEL, coach.clock.now()))
    assert replies[0].kind is ReplyKind.MODEL_ANSWER
    replies = coach.act(Action(CHANNEL, "U1", ActionKind.NEXT, coach.clock.now()))
    assert "Step 2/4" in replies[-1].text


def test_bad_command_arguments_get_help_unless_an_answer_is_expected(coach: Coach) -> None:
    assert "Unknown track or level 'wizard'" in say(coach, "mock wizard")[0]
    assert "leaderboard [week|month|all|streaks]" in say(coach, "leaderboard yesterday")[0]
    say(coach, "today")
    assert say(coach, "mock wizard")[0].startswith("Score:")  # treated as the answer


def test_timezone_is_validated_and_used(coach: Coach) -> None:
    assert "isn't a timezone I know" in say(coach, "timezone Mars/Base")[0]
    assert "Timezone set to Asia/Kolkata" in say(coach, "timezone Asia/Kolkata")[0]
    assert "Asia/Kolkata" in say(coach, "timezone")[0]
