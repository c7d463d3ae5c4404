"""Text for prompts, feedback and model answers (adapters may render richer from the card)."""

from __future__ import annotations

from bot.bank.loader import Bank
from bot.bank.schema import STAGE_LABELS, Question
from bot.messages import SESSION_BUTTONS, FeedbackCard, Reply, ReplyKind
from bot.scoring.feedback import SIGNAL_NOTES
from bot.scoring.result import ScoreResult
from bot.session.state import Mode, Session

ANSWER_HINT = (
    "Reply with your answer. `next` skips this step, `skip` the question, "
    "`model` shows a model answer."
)


def step_title(question: Question, stage: int) -> str:
    """E.g. "Step 2/4 · risk injection"."""
    return f"Step {stage + 1}/{len(question.steps)} · {STAGE_LABELS[question.steps[stage].kind]}"


def question_header(bank: Bank, question: Question, session: Session) -> str:
    """Header naming the question, its topic and level, and the mock position."""
    topic = bank.topics.get(question.topic, question.topic)
    prefix = (
        f"Question {session.index + 1} of {len(session.questions)} — "
        if session.mode is Mode.MOCK
        else "Question of the day — "
    )
    return f"{prefix}{question.title} ({topic} · {question.level.value})"


def prompt_text(bank: Bank, question: Question, session: Session, with_header: bool) -> str:
    """The prompt for the session's current step."""
    step = question.steps[session.stage]
    parts = []
    if with_header:
        parts.append(question_header(bank, question, session))
    parts.append(f"{step_title(question, session.stage)}\n{step.prompt.strip()}")
    return "\n".join(parts)


def prompt_reply(bank: Bank, question: Question, session: Session, with_header: bool) -> Reply:
    """A question reply for the session's current step."""
    text = prompt_text(bank, question, session, with_header) + f"\n({ANSWER_HINT})"
    return Reply(
        text, ReplyKind.QUESTION, data={"question": question.id, "stage": str(session.stage)}
    )


def feedback_reply(
    result: ScoreResult,
    question: Question,
    next_title: str | None,
    next_prompt: str | None,
) -> Reply:
    """Feedback on one answer, with the next step's prompt when there is one."""
    card = FeedbackCard(
        title=f"{question.title} — {step_title(question, result.stage)}",
        score=result.score,
        earned=tuple((c.label, c.evidence[0] if c.evidence else "") for c in result.hits),
        gaps=tuple((c.label, c.tip or "") for c in result.gaps),
        red_flags=tuple(f"{f.message} (“{f.evidence}”)" for f in result.red_flags),
        notes=tuple(SIGNAL_NOTES[s] for s in result.signals if s in SIGNAL_NOTES),
        next_title=next_title,
        next_prompt=next_prompt,
    )
    text = result.feedback
    if next_prompt:
        text += f"\n\nNext — {next_title}\n{next_prompt}\n({ANSWER_HINT})"
    return Reply(
        text,
        ReplyKind.FEEDBACK,
        buttons=SESSION_BUTTONS if next_prompt else (SESSION_BUTTONS[1],),
        card=card,
        data={"question": question.id, "stage": str(result.stage)},
    )


def model_answer_reply(question: Question, stage: int, before_answering: bool) -> Reply:
    """The model answer for one step, offered on request."""
    note = (
        "\n(You can still answer this step for feedback; it won't earn points now.)"
        if before_answering
        else ""
    )
    text = (
        f"Model answer — {question.title}, {step_title(question, stage)}\n"
        f"{question.steps[stage].model_answer.strip()}{note}"
    )
    return Reply(text, ReplyKind.MODEL_ANSWER, data={"question": question.id, "stage": str(stage)})


def daily_summary(session: Session, complete: bool) -> str:
    """Closing line for a finished (or stopped) daily thread."""
    scores = [o.score for o in session.outcomes if o.score is not None]
    if not complete:
        done = (
            f" after {len(scores)} answered step{'s' if len(scores) != 1 else ''}"
            if scores
            else ""
        )
        return (
            f"Stopped today's question{done}. Type `today` to pick it up again, "
            "or `mock` for a mock interview."
        )
    if not scores:
        return "That's the end of today's question. Come back tomorrow for a new one."
    steps = ", ".join(str(s) for s in scores)
    average = int(sum(scores) / len(scores) + 0.5)
    return (
        f"That's the whole thread — step scores {steps} (average {average}). "
        "Come back tomorrow to keep your streak going."
    )
