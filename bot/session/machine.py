"""The conversation state machine: a pure `step(conversation, event, now, context)`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.bank.loader import Bank
from bot.messages import ActionKind, Reply, ReplyKind
from bot.scoring.scorer import Scorer
from bot.session import render
from bot.session.scorecard import Scorecard, build_scorecard, render_scorecard
from bot.session.state import Conversation, Mode, Session, StepOutcome

MAX_STORED_ANSWER = 40_000


@dataclass(frozen=True)
class StartDaily:
    """Open today's question (resuming at `stage` if earlier steps were answered)."""

    question_id: str
    label: str
    stage: int = 0


@dataclass(frozen=True)
class StartMock:
    """Open a mock interview over these questions."""

    question_ids: tuple[str, ...]
    track: str
    level: str | None


@dataclass(frozen=True)
class Answer:
    """The user's free-text answer to the current step."""

    text: str


@dataclass(frozen=True)
class Move:
    """A button or typed command: next, skip, model, stop."""

    kind: ActionKind


Event = StartDaily | StartMock | Answer | Move


@dataclass(frozen=True)
class Context:
    """The pure dependencies a step needs."""

    bank: Bank
    scorer: Scorer


@dataclass(frozen=True)
class AnswerRecord:
    """A scored answer for the service to store (and maybe award points for)."""

    question_id: str
    stage: int
    topic: str
    level: str
    mode: str
    score: int
    text: str
    result_json: str
    revealed: bool


@dataclass(frozen=True)
class Outcome:
    """What a step produced: new state, replies, and records to persist."""

    conversation: Conversation
    replies: tuple[Reply, ...]
    records: tuple[AnswerRecord, ...] = ()
    scorecard: Scorecard | None = None


def _info(conversation: Conversation, text: str) -> Outcome:
    return Outcome(conversation, (Reply(text, ReplyKind.INFO),))


def _busy_text(session: Session) -> str:
    what = "a mock interview" if session.mode is Mode.MOCK else "today's question"
    return f"You're in the middle of {what}. Answer it, or type `stop` to end it first."


def _start_daily(conv: Conversation, ev: StartDaily, now: datetime, ctx: Context) -> Outcome:
    session = conv.session
    if session is not None:
        question = ctx.bank.question(session.question_id)
        current = render.prompt_reply(ctx.bank, question, session, with_header=True)
        if session.mode is Mode.DAILY and session.question_id == ev.question_id:
            return Outcome(conv, (Reply("Picking up where you left off."), current))
        return Outcome(conv, (Reply(_busy_text(session)), current))
    question = ctx.bank.question(ev.question_id)
    if ev.stage >= len(question.steps):
        return _info(
            conv,
            "You've already answered every step of today's question. Type `mock` for more "
            "practice, or come back tomorrow.",
        )
    session = Session(
        Mode.DAILY, (ev.question_id,), stage=ev.stage, label=ev.label, started_at=now.isoformat()
    )
    reply = render.prompt_reply(ctx.bank, question, session, with_header=True)
    return Outcome(replace(conv, session=session), (reply,))


def _start_mock(conv: Conversation, ev: StartMock, now: datetime, ctx: Context) -> Outcome:
    if conv.session is not None:
        session = conv.session
        question = ctx.bank.question(session.question_id)
        current = render.prompt_reply(ctx.bank, question, session, with_header=True)
        return Outcome(conv, (Reply(_busy_text(session)), current))
    session = Session(
        Mode.MOCK,
        ev.question_ids,
        track=ev.track,
        level=ev.level,
        started_at=now.isoformat(),
    )
    steps = sum(len(ctx.bank.question(q).steps) for q in ev.question_ids)
    intro = Reply(
        f"Mock interview: {len(ev.question_ids)} questions, {steps} steps. I'll score each "
        "answer and escalate like an interviewer would. Type `stop` to finish early.",
    )
    first = render.prompt_reply(ctx.bank, ctx.bank.question(session.question_id), session, True)
    return Outcome(replace(conv, session=session), (intro, first))


def _finish(
    conv: Conversation, session: Session, now: datetime, ctx: Context, complete: bool
) -> tuple[Conversation, tuple[Reply, ...], Scorecard | None]:
    done = replace(conv, session=None)
    if session.mode is Mode.DAILY:
        return done, (Reply(render.daily_summary(session, complete)),), None
    if not session.outcomes:
        return (
            done,
            (Reply("Mock interview ended before any answers — no scorecard this time."),),
            None,
        )
    card = build_scorecard(session, ctx.bank, now.isoformat(), complete)
    return done, (Reply(render_scorecard(card, ctx.bank), ReplyKind.SCORECARD),), card


def _next_position(session: Session, ctx: Context, whole_question: bool) -> Session | None:
    question = ctx.bank.question(session.question_id)
    if not whole_question and session.stage + 1 < len(question.steps):
        return session.advanced(session.stage + 1)
    if session.index + 1 < len(session.questions):
        return session.advanced(0, session.index + 1)
    return None


def _answer(conv: Conversation, ev: Answer, now: datetime, ctx: Context) -> Outcome:
    session = conv.session
    if session is None:
        return _info(
            conv,
            "No question is open right now. Type `today` for the question of the "
            "day, `mock` for a mock interview, or `help`.",
        )
    question = ctx.bank.question(session.question_id)
    result = ctx.scorer.score(question.id, session.stage, ev.text)
    if "empty" in result.signals:
        return _info(conv, "I didn't catch an answer — write a few sentences on what you'd do.")
    record = AnswerRecord(
        question.id,
        session.stage,
        question.topic,
        question.level.value,
        session.mode.value,
        result.score,
        ev.text[:MAX_STORED_ANSWER],
        result.to_json(),
        session.revealed,
    )
    weak = tuple(sorted({s for c in result.gaps for s in c.skills}))
    outcome = StepOutcome(question.id, session.stage, question.topic, result.score, weak)
    session = replace(session, outcomes=(*session.outcomes, outcome))
    conv = replace(conv, last_step=(question.id, session.stage))
    following = _next_position(session, ctx, whole_question=False)
    if following is None:
        feedback = render.feedback_reply(result, question, None, None)
        conv, closing, card = _finish(conv, session, now, ctx, complete=True)
        return Outcome(conv, (feedback, *closing), (record,), card)
    next_question = ctx.bank.question(following.question_id)
    new_question = following.index != session.index
    title = render.step_title(next_question, following.stage)
    if new_question:
        title = f"{render.question_header(ctx.bank, next_question, following)}\n{title}"
    prompt = next_question.steps[following.stage].prompt.strip()
    feedback = render.feedback_reply(result, question, title, prompt)
    return Outcome(replace(conv, session=following), (feedback,), (record,))


def _move(conv: Conversation, ev: Move, now: datetime, ctx: Context) -> Outcome:
    session = conv.session
    if ev.kind is ActionKind.MODEL:
        return _model_answer(conv, ctx)
    if session is None:
        return _info(
            conv, "There's nothing open to skip or stop. Type `today` or `mock` to start."
        )
    if ev.kind is ActionKind.STOP:
        conv, replies, card = _finish(conv, session, now, ctx, complete=False)
        return Outcome(conv, replies, (), card)
    skipped = StepOutcome(
        session.question_id,
        session.stage,
        ctx.bank.question(session.question_id).topic,
        None,
        _step_skills(ctx, session),
    )
    session = replace(session, outcomes=(*session.outcomes, skipped))
    following = _next_position(session, ctx, whole_question=ev.kind is ActionKind.SKIP)
    if following is None:
        conv, replies, card = _finish(conv, session, now, ctx, complete=True)
        return Outcome(conv, (Reply("Skipped."), *replies), (), card)
    question = ctx.bank.question(following.question_id)
    reply = render.prompt_reply(
        ctx.bank, question, following, with_header=following.index != session.index
    )
    return Outcome(replace(conv, session=following), (Reply("Skipped."), reply))


def _step_skills(ctx: Context, session: Session) -> tuple[str, ...]:
    step = ctx.bank.question(session.question_id).steps[session.stage]
    return tuple(sorted({s for c in step.criteria for s in c.skills}))


def _model_answer(conv: Conversation, ctx: Context) -> Outcome:
    session = conv.session
    answered_here = session is not None and any(
        (o.question_id, o.stage) == conv.last_step for o in session.outcomes
    )
    if conv.last_step is not None and (session is None or answered_here):
        question_id, stage = conv.last_step
        if question_id in ctx.bank.questions:
            reply = render.model_answer_reply(ctx.bank.question(question_id), stage, False)
            return Outcome(conv, (reply,))
    if session is None:
        return _info(conv, "Answer a question first, then I can show you a model answer.")
    question = ctx.bank.question(session.question_id)
    reply = render.model_answer_reply(question, session.stage, before_answering=True)
    return Outcome(replace(conv, session=replace(session, revealed=True)), (reply,))


def step(conversation: Conversation, event: Event, now: datetime, context: Context) -> Outcome:
    """Advance one conversation by one event. Pure: same inputs, same outputs."""
    if isinstance(event, StartDaily):
        return _start_daily(conversation, event, now, context)
    if isinstance(event, StartMock):
        return _start_mock(conversation, event, now, context)
    if isinstance(event, Answer):
        return _answer(conversation, event, now, context)
    return _move(conversation, event, now, context)
