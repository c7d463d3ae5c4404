"""Pydantic models for the YAML question banks: lexicon, rubrics and questions."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", max_length=64)]


class Level(StrEnum):
    """Seniority a question is pitched at."""

    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


class StageKind(StrEnum):
    """The escalation step a prompt plays in an interview."""

    OPENER = "opener"
    RISK = "risk_injection"
    OPERATIONS = "operational_escalation"
    STRESS = "decision_stress_test"


STAGE_ORDER = (StageKind.OPENER, StageKind.RISK, StageKind.OPERATIONS, StageKind.STRESS)
STAGE_LABELS = {
    StageKind.OPENER: "opening question",
    StageKind.RISK: "risk injection",
    StageKind.OPERATIONS: "operational escalation",
    StageKind.STRESS: "decision stress test",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(
                f"pattern {pattern!r} is not a valid regular expression: {exc}"
            ) from exc
    return patterns


class Concept(_Strict):
    """An idea an answer can express, as phrases (typo-tolerant) and regular expressions."""

    label: str = Field(min_length=2, max_length=80)
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    specific: bool = Field(
        default=False, description="Naming this concept makes a sentence specific (a named test)."
    )
    negatable: bool = Field(
        default=True, description="False for concepts whose phrases carry their own negation."
    )

    _valid_patterns = field_validator("patterns")(_check_patterns)

    @model_validator(mode="after")
    def _has_matchers(self) -> Concept:
        if not self.phrases and not self.patterns:
            raise ValueError("a concept needs at least one phrase or pattern")
        return self


class RedFlag(_Strict):
    """Something a production interviewer marks down, unless the answer also shows a safeguard."""

    message: str = Field(min_length=10, max_length=400)
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    unless: list[str] = Field(
        default_factory=list,
        description="Concept names; any of them in the answer lifts the flag.",
    )
    penalty: int = Field(default=15, ge=0, le=60)
    cap: int | None = Field(
        default=None, ge=0, le=100, description="Highest score an answer with this flag can get."
    )
    unless_scope: Literal["answer", "sentence"] = Field(
        default="answer",
        description="Where a safeguard must be to lift the flag: anywhere, or the same sentence.",
    )

    _valid_patterns = field_validator("patterns")(_check_patterns)

    @model_validator(mode="after")
    def _has_matchers(self) -> RedFlag:
        if not self.phrases and not self.patterns:
            raise ValueError("a red flag needs at least one phrase or pattern")
        return self


class InlineRedFlag(RedFlag):
    """A red flag written inside one question rather than in the shared lexicon."""

    id: Slug


class Criterion(_Strict):
    """One thing the rubric listens for, with its weight and coaching tip."""

    id: Slug
    label: str = Field(min_length=3, max_length=80)
    weight: float = Field(default=1.0, gt=0, le=10)
    description: str = Field(min_length=10, max_length=400)
    concepts: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    need: int = Field(
        default=1, ge=1, le=6, description="Distinct concepts needed for full credit."
    )
    specific: list[str] = Field(
        default_factory=list, description="Concepts that make a hit specific when in its sentence."
    )
    mention_is_enough: bool = Field(
        default=False, description="Full credit without a number, threshold or named test."
    )
    tip: str = Field(min_length=10, max_length=300)
    skills: list[Slug] = Field(default_factory=list)

    _valid_patterns = field_validator("patterns")(_check_patterns)

    @model_validator(mode="after")
    def _matchable(self) -> Criterion:
        if not (self.concepts or self.phrases or self.patterns):
            raise ValueError("a criterion needs concepts, phrases or patterns to listen for")
        groups = len(self.concepts) + (1 if self.phrases or self.patterns else 0)
        if self.need > groups:
            raise ValueError(f"need={self.need} but only {groups} concept group(s) are listed")
        return self


class Step(_Strict):
    """One prompt of a question (opener or follow-up) with its own rubric."""

    kind: StageKind
    prompt: str = Field(min_length=20, max_length=1500)
    anchors: list[str] = Field(
        min_length=1, description="Concepts that show the answer is about this question at all."
    )
    criteria: list[Criterion] = Field(min_length=2, max_length=8)
    red_flags: list[str | InlineRedFlag] = Field(default_factory=list)
    model_answer: str = Field(min_length=40, max_length=3000)

    @model_validator(mode="after")
    def _unique_criteria(self) -> Step:
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"criterion ids repeat: {', '.join(dupes)}")
        return self


class Question(_Strict):
    """A scenario: an opener and follow-ups that escalate like a real interviewer."""

    id: Slug
    title: str = Field(min_length=5, max_length=100)
    topic: Slug
    level: Level
    tags: list[Slug] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=4, max_length=8)

    @model_validator(mode="after")
    def _interview_order(self) -> Question:
        kinds = [s.kind for s in self.steps]
        if kinds[0] is not StageKind.OPENER or StageKind.OPENER in kinds[1:]:
            raise ValueError("the first step, and only the first, must be the opener")
        ranks = [STAGE_ORDER.index(k) for k in kinds]
        if ranks != sorted(ranks):
            order = " → ".join(k.value for k in STAGE_ORDER[1:])
            raise ValueError(f"follow-ups must escalate in interview order: {order}")
        missing = [k.value for k in STAGE_ORDER[1:] if k not in kinds]
        if missing:
            raise ValueError(f"follow-ups missing: {', '.join(missing)}")
        return self


class Pack(_Strict):
    """One YAML file: optional topic, concept and red-flag additions, then questions."""

    pack: str | None = Field(default=None, description="A name for the pack, shown in errors.")
    topics: dict[Slug, str] = Field(default_factory=dict)
    concepts: dict[Slug, Concept] = Field(default_factory=dict)
    red_flags: dict[Slug, RedFlag] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)
