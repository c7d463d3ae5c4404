"""What the scorer returns: per-criterion levels with evidence, red flags and feedback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

LEVEL_NAMES = {0: "missing", 1: "mentioned", 2: "specific"}


@dataclass(frozen=True)
class CriterionResult:
    """How one rubric criterion fared, with the user's words that earned it."""

    id: str
    label: str
    weight: float
    level: int
    credit: float
    evidence: tuple[str, ...]
    tip: str | None
    skills: tuple[str, ...]
    note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, keys in a fixed order."""
        return {
            "id": self.id,
            "label": self.label,
            "weight": self.weight,
            "level": self.level,
            "level_name": LEVEL_NAMES[self.level],
            "credit": self.credit,
            "evidence": list(self.evidence),
            "tip": self.tip,
            "skills": list(self.skills),
        }


@dataclass(frozen=True)
class RedFlagResult:
    """A red flag the answer raised, with the sentence that raised it."""

    id: str
    message: str
    evidence: str
    penalty: int
    cap: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "message": self.message,
            "evidence": self.evidence,
            "penalty": self.penalty,
            "cap": self.cap,
        }


@dataclass(frozen=True)
class ScoreResult:
    """The full grading of one answer to one step of one question."""

    question_id: str
    stage: int
    kind: str
    score: int
    criteria: tuple[CriterionResult, ...]
    red_flags: tuple[RedFlagResult, ...]
    signals: tuple[str, ...]
    feedback: str
    model_answer: str

    @property
    def hits(self) -> tuple[CriterionResult, ...]:
        """Criteria that earned at least some credit."""
        return tuple(c for c in self.criteria if c.level > 0)

    @property
    def gaps(self) -> tuple[CriterionResult, ...]:
        """Criteria short of full credit."""
        return tuple(c for c in self.criteria if c.level < 2)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; the model answer is offered separately, not included."""
        return {
            "question": self.question_id,
            "stage": self.stage,
            "kind": self.kind,
            "score": self.score,
            "criteria": [c.to_dict() for c in self.criteria],
            "red_flags": [f.to_dict() for f in self.red_flags],
            "signals": list(self.signals),
            "feedback": self.feedback,
        }

    def to_json(self) -> str:
        """Byte-stable JSON for the command line and tests."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)


def without_quotes(result_json: str) -> str:
    """A stored result with every quote of the answer removed (levels and score kept)."""
    try:
        data = json.loads(result_json or "{}")
    except ValueError:
        return "{}"
    if not isinstance(data, dict):
        return "{}"
    for criterion in data.get("criteria") or []:
        if isinstance(criterion, dict):
            criterion["evidence"] = []
    for flag in data.get("red_flags") or []:
        if isinstance(flag, dict):
            flag["evidence"] = ""
    data.pop("feedback", None)
    return json.dumps(data, ensure_ascii=False)
