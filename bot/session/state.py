"""Conversation state: an explicit, serialisable record of where a user is in a session."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

STATE_VERSION = 1


class Mode(StrEnum):
    """The two kinds of session."""

    DAILY = "daily"
    MOCK = "mock"


@dataclass(frozen=True)
class ConversationKey:
    """Who and where: one conversation per (platform, workspace, channel, thread, user)."""

    platform: str
    workspace: str
    channel: str
    thread: str
    user: str


@dataclass(frozen=True)
class StepOutcome:
    """How one step of a session went."""

    question_id: str
    stage: int
    topic: str
    score: int | None  # None when skipped
    weak_skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    """An open daily thread or mock interview."""

    mode: Mode
    questions: tuple[str, ...]
    index: int = 0
    stage: int = 0
    outcomes: tuple[StepOutcome, ...] = ()
    revealed: bool = False  # the model answer of the current step was shown before answering
    track: str | None = None
    level: str | None = None
    label: str = ""
    started_at: str = ""

    @property
    def question_id(self) -> str:
        """The question currently being asked."""
        return self.questions[self.index]

    def advanced(self, stage: int, index: int | None = None) -> Session:
        """The session moved to another step (and maybe another question)."""
        return replace(
            self, stage=stage, index=self.index if index is None else index, revealed=False
        )


@dataclass(frozen=True)
class Conversation:
    """Everything the bot remembers about one conversation."""

    session: Session | None = None
    last_step: tuple[str, int] | None = None

    def to_json(self) -> str:
        """Serialise for storage."""
        payload: dict[str, Any] = {"version": STATE_VERSION, **asdict(self)}
        return json.dumps(payload, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Conversation:
        """Restore from storage; unreadable or unknown state starts fresh rather than crashing."""
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            if raw.get("version") != STATE_VERSION:
                return cls()
            session = raw.get("session")
            last = raw.get("last_step")
            return cls(
                session=_session_from(session) if session else None,
                last_step=(str(last[0]), int(last[1])) if last else None,
            )
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return cls()


def _session_from(raw: dict[str, Any]) -> Session:
    outcomes = tuple(
        StepOutcome(
            o["question_id"], int(o["stage"]), o["topic"], o["score"], tuple(o["weak_skills"])
        )
        for o in raw.get("outcomes", ())
    )
    return Session(
        mode=Mode(raw["mode"]),
        questions=tuple(raw["questions"]),
        index=int(raw["index"]),
        stage=int(raw["stage"]),
        outcomes=outcomes,
        revealed=bool(raw.get("revealed", False)),
        track=raw.get("track"),
        level=raw.get("level"),
        label=raw.get("label", ""),
        started_at=raw.get("started_at", ""),
    )
