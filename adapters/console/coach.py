"""The terminal coach: pure translators between lines of text and the core's messages."""

from __future__ import annotations

from pathlib import Path

from bot.coach import Coach
from bot.messages import Attachment, Message, Place, Reply
from bot.ports import Clock

PLACE = Place("console", "local", "terminal")
EXPORT_DIR = Path("data/exports")
HELP_EXTRA = "  quit                   leave (your place is saved; run again to resume)"


def to_message(line: str, user: str, clock: Clock) -> Message:
    """A typed line as a core Message."""
    return Message(
        PLACE, user, line, clock.now(), event_id="", user_name=user, is_dm=True, is_admin=True
    )


def render(reply: Reply) -> str:
    """A reply as terminal text."""
    return reply.text


class ConsoleCoach:
    """Drives the coach as a terminal user would; also the test harness (send/replies)."""

    def __init__(
        self, coach: Coach, user: str, clock: Clock, export_dir: Path = EXPORT_DIR
    ) -> None:
        self.coach = coach
        self.user = user
        self.clock = clock
        self.export_dir = export_dir
        self._log: list[Reply] = []

    def start(self) -> list[Reply]:
        """Replies shown at start-up (resuming an unfinished session)."""
        replies = self.coach.resume(PLACE, self.user)
        self._log.extend(replies)
        return replies

    def send(self, line: str) -> list[Reply]:
        """Type a line; returns the coach's replies to it."""
        replies = [
            self._deliver(r) for r in self.coach.handle(to_message(line, self.user, self.clock))
        ]
        self._log.extend(replies)
        return replies

    def _deliver(self, reply: Reply) -> Reply:
        """Files (a data export) are written to the export folder; the reply says where."""
        if reply.attachment is None:
            return reply
        path = save_attachment(reply.attachment, self.export_dir)
        return Reply(f"{reply.text}\nSaved to {path}", reply.kind, private=True)

    def replies(self) -> str:
        """Everything the coach has said so far, as one text."""
        return "\n\n".join(render(r) for r in self._log)

    def last(self) -> str:
        """The most recent reply's text."""
        return render(self._log[-1]) if self._log else ""


def save_attachment(attachment: Attachment, folder: Path) -> Path:
    """Write a file the coach handed over; only its base name is used, never a path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(attachment.filename).name
    path.write_text(attachment.content, encoding="utf-8")
    return path
