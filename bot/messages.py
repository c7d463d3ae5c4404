"""Platform-free messages: what adapters hand the core and what the core hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Place:
    """Where a conversation happens. `thread` is empty for DMs and the terminal."""

    platform: str
    workspace: str
    channel: str
    thread: str = ""

    def without_thread(self) -> Place:
        """The channel this place belongs to."""
        return Place(self.platform, self.workspace, self.channel)


@dataclass(frozen=True)
class Message:
    """A user's text message, already stripped of platform details."""

    place: Place
    user: str
    text: str
    at: datetime
    event_id: str = ""
    user_name: str = ""
    is_dm: bool = False
    is_admin: bool = False


class ActionKind(StrEnum):
    """Buttons (and their typed equivalents) that move a session along."""

    NEXT = "next"  # skip this step, show the next follow-up
    SKIP = "skip"  # skip the rest of this question
    MODEL = "model"  # show the model answer
    STOP = "stop"  # end the session now


@dataclass(frozen=True)
class Action:
    """A button press."""

    place: Place
    user: str
    kind: ActionKind
    at: datetime
    event_id: str = ""
    user_name: str = ""
    is_dm: bool = False


class ReplyKind(StrEnum):
    """What a reply is, so adapters can render it well."""

    QUESTION = "question"
    FEEDBACK = "feedback"
    MODEL_ANSWER = "model_answer"
    SCORECARD = "scorecard"
    INFO = "info"
    ERROR = "error"


@dataclass(frozen=True)
class Button:
    """A button an adapter may render; pressing it produces an Action."""

    action: ActionKind
    label: str


@dataclass(frozen=True)
class FeedbackCard:
    """Structured feedback for rich rendering (Block Kit, embeds)."""

    title: str
    score: int
    earned: tuple[tuple[str, str], ...]
    gaps: tuple[tuple[str, str], ...]
    red_flags: tuple[str, ...]
    notes: tuple[str, ...]
    points: int | None = None
    next_title: str | None = None
    next_prompt: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file to hand the user (e.g. their data export)."""

    filename: str
    content: str
    mime: str = "application/json"


@dataclass(frozen=True)
class Reply:
    """Something to send back. `private` means ephemeral where the platform supports it;
    `direct` means deliver it in the user's DM, whatever channel the request came from."""

    text: str
    kind: ReplyKind = ReplyKind.INFO
    buttons: tuple[Button, ...] = ()
    private: bool = False
    card: FeedbackCard | None = None
    data: dict[str, str] = field(default_factory=dict)
    attachment: Attachment | None = None
    direct: bool = False


SESSION_BUTTONS = (
    Button(ActionKind.NEXT, "Next follow-up"),
    Button(ActionKind.MODEL, "Show model answer"),
    Button(ActionKind.SKIP, "Skip"),
)
