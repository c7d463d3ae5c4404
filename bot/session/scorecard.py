"""The written scorecard at the end of a mock interview."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from bot.bank.loader import Bank
from bot.session.state import Session

SKILL_ADVICE = {
    "alert-design": "say what pages, on what threshold, and what only opens a ticket",
    "drift-detection": "name the drift type, the test and the bar that triggers action",
    "monitoring-design": "cover system, data, prediction and business layers, not one metric",
    "rollout-safety": "stage exposure (shadow, canary) with promotion and rollback criteria",
    "restraint": "say what you would not ship without, and hold that line",
    "triage": "mitigate first, then narrow down with what changed and a hypothesis",
    "label-strategy": "plan for late labels with proxies and cohort evaluation",
    "stakeholder-communication": "state the trade-off in business terms and recommend a decision",
}


@dataclass(frozen=True)
class TopicScore:
    """Average score for one topic in a mock."""

    topic: str
    label: str
    score: int
    steps: int


@dataclass(frozen=True)
class Scorecard:
    """A finished (or stopped) mock interview, ready to store and to show."""

    track: str
    level: str
    started_at: str
    finished_at: str
    overall: int
    answered: int
    skipped: int
    complete: bool
    topics: tuple[TopicScore, ...]
    strongest: str | None
    weakest: str | None
    practice: tuple[str, ...]
    suggestions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storage."""
        return asdict(self)


def _mean(values: list[int]) -> int:
    return int(sum(values) / len(values) + 0.5) if values else 0


def build_scorecard(session: Session, bank: Bank, finished_at: str, complete: bool) -> Scorecard:
    """Summarise a mock session: per-topic scores, strongest/weakest, what to practise next."""
    by_topic: dict[str, list[int]] = {}
    skills: Counter[str] = Counter()
    for outcome in session.outcomes:
        by_topic.setdefault(outcome.topic, []).append(outcome.score or 0)
        skills.update(outcome.weak_skills)
    topics = tuple(
        TopicScore(t, bank.topics.get(t, t), _mean(v), len(v)) for t, v in sorted(by_topic.items())
    )
    ranked = sorted(topics, key=lambda t: (t.score, t.topic))
    weakest = ranked[0].topic if len(ranked) > 1 or (ranked and ranked[0].score < 70) else None
    strongest = (
        ranked[-1].topic if len(ranked) > 1 or (ranked and ranked[-1].score >= 70) else None
    )
    practice = tuple(
        skill for skill, _ in sorted(skills.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    )
    asked = set(session.questions)
    suggestions = (
        tuple(q.id for q in bank.select(topic=weakest) if q.id not in asked)[:2] if weakest else ()
    )
    scores = [o.score or 0 for o in session.outcomes]
    return Scorecard(
        track=session.track or "mixed",
        level=session.level or "any",
        started_at=session.started_at,
        finished_at=finished_at,
        overall=_mean(scores),
        answered=sum(1 for o in session.outcomes if o.score is not None),
        skipped=sum(1 for o in session.outcomes if o.score is None),
        complete=complete,
        topics=topics,
        strongest=strongest,
        weakest=weakest,
        practice=practice,
        suggestions=suggestions,
    )


def render_scorecard(card: Scorecard, bank: Bank) -> str:
    """The scorecard as text."""
    level = "" if card.level == "any" else f" · level: {card.level}"
    lines = [f"Mock interview scorecard — track: {card.track}{level}"]
    if not card.complete:
        lines.append("(ended early)")
    lines.append(
        f"Overall: {card.overall}/100 ({card.answered} steps answered, {card.skipped} skipped;"
        " skipped steps count as 0)"
    )
    if card.topics:
        lines.append("By topic:")
        lines.extend(f"  {t.label:32} {t.score:3}/100  ({t.steps} steps)" for t in card.topics)
    if card.strongest:
        lines.append(f"Strongest: {bank.topics.get(card.strongest, card.strongest)}")
    if card.weakest:
        lines.append(f"Weakest: {bank.topics.get(card.weakest, card.weakest)}")
    if card.practice:
        lines.append("What to practise next:")
        for skill in card.practice:
            advice = SKILL_ADVICE.get(skill)
            lines.append(f"  • {skill}" + (f" — {advice}" if advice else ""))
    if card.suggestions:
        titles = ", ".join(f"“{bank.question(q).title}”" for q in card.suggestions)
        lines.append(f"Try next: {titles} (type `mock {card.weakest}`)")
    return "\n".join(lines)
