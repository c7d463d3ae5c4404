"""The conversation state machine is a pure function over explicit, serialisable state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bank.loader import Bank
from bot.messages import ActionKind, ReplyKind
from bot.scoring.scorer import Scorer
from bot.session.machine import Answer, Context, Move, StartDaily, StartMock, step
from bot.session.state import Conversation, Mode

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
QID = "drift-detection-instrumentation"
GOOD = (
    "PSI per feature against the training window, page above 0.25 for two days; watch the "
    "approval rate for prior shift and AUC on matured labels for concept drift."
)


@pytest.fixture(scope="module")
def ctx(drift_bank: Bank) -> Context:
    return Context(drift_bank, Scorer(drift_bank))


def start(ctx: Context) -> Conversation:
    return step(Conversation(), StartDaily(QID, "2026-11-23"), NOW, ctx).conversation


def test_start_daily_opens_the_first_step(ctx: Context) -> None:
    out = step(Conversation(), StartDaily(QID, "2026-11-23"), NOW, ctx)
    assert out.conversation.session is not None
    assert (out.conversation.session.mode, out.conversation.session.stage) == (Mode.DAILY, 0)
    assert out.replies[0].kind is ReplyKind.QUESTION
    assert "Step 1/4" in out.replies[0].text


def test_answer_scores_records_and_escalates(ctx: Context) -> None:
    out = step(start(ctx), Answer(GOOD), NOW, ctx)
    (feedback,) = out.replies
    assert feedback.kind is ReplyKind.FEEDBACK and feedback.card is not None
    assert feedback.card.next_title == "Step 2/4 · risk injection"
    assert out.conversation.session is not None and out.conversation.session.stage == 1
    (record,) = out.records
    assert (record.question_id, record.stage, record.score) == (QID, 0, feedback.card.score)
    assert out.conversation.last_step == (QID, 0)


def test_step_is_pure(ctx: Context) -> None:
    conv = start(ctx)
    first, second = step(conv, Answer(GOOD), NOW, ctx), step(conv, Answer(GOOD), NOW, ctx)
    assert first == second
    assert conv == start(ctx)


def test_empty_answer_keeps_the_step_open(ctx: Context) -> None:
    conv = start(ctx)
    out = step(conv, Answer("   \n "), NOW, ctx)
    assert out.conversation == conv and out.records == ()
    assert "didn't catch an answer" in out.replies[0].text


def test_next_skips_a_step_and_skip_ends_the_question(ctx: Context) -> None:
    conv = step(start(ctx), Move(ActionKind.NEXT), NOW, ctx).conversation
    assert conv.session is not None and conv.session.stage == 1
    out = step(conv, Move(ActionKind.SKIP), NOW, ctx)
    assert out.conversation.session is None
    assert out.records == ()


def test_model_answer_before_answering_marks_the_step_revealed(ctx: Context) -> None:
    out = step(start(ctx), Move(ActionKind.MODEL), NOW, ctx)
    assert out.replies[0].kind is ReplyKind.MODEL_ANSWER
    assert "won't earn points" in out.replies[0].text
    answered = step(out.conversation, Answer(GOOD), NOW, ctx)
    assert answered.records[0].revealed is True


def test_model_answer_after_answering_shows_the_answered_step(ctx: Context) -> None:
    conv = step(start(ctx), Answer(GOOD), NOW, ctx).conversation
    out = step(conv, Move(ActionKind.MODEL), NOW, ctx)
    assert "Step 1/4" in out.replies[0].text
    assert out.conversation.session is not None and not out.conversation.session.revealed


def test_daily_thread_runs_to_the_end(ctx: Context) -> None:
    conv = start(ctx)
    for _ in range(4):
        out = step(conv, Answer(GOOD), NOW, ctx)
        conv = out.conversation
    assert conv.session is None
    assert "That's the whole thread" in out.replies[-1].text


def test_mock_ends_with_a_scorecard(ctx: Context) -> None:
    conv = step(Conversation(), StartMock((QID,), "drift", "mid"), NOW, ctx).conversation
    conv = step(conv, Answer(GOOD), NOW, ctx).conversation
    out = step(conv, Move(ActionKind.STOP), NOW, ctx)
    assert out.scorecard is not None and not out.scorecard.complete
    assert out.scorecard.topics[0].topic == "drift"
    assert out.replies[0].kind is ReplyKind.SCORECARD
    assert "By topic:" in out.replies[0].text and "(ended early)" in out.replies[0].text


def test_a_second_session_is_refused_while_one_is_open(ctx: Context) -> None:
    conv = start(ctx)
    out = step(conv, StartMock((QID,), "drift", None), NOW, ctx)
    assert out.conversation == conv
    assert "`stop`" in out.replies[0].text


def test_state_round_trips_through_json(ctx: Context) -> None:
    conv = step(start(ctx), Answer(GOOD), NOW, ctx).conversation
    assert Conversation.from_json(conv.to_json()) == conv


@pytest.mark.parametrize(
    "stored", ["", "not json", '{"version": 99}', '{"version": 1, "session": 5}']
)
def test_unreadable_state_starts_fresh(stored: str) -> None:
    assert Conversation.from_json(stored) == Conversation()
