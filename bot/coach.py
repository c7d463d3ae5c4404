"""The coach service: routes messages and actions through the state machine and the stores."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bot import info
from bot.bank.loader import Bank
from bot.commands import Command, parse_command
from bot.handlers import SESSION_COMMANDS, Turn, handle_command
from bot.messages import Action, ActionKind, Message, Place, Reply, ReplyKind
from bot.ports import (
    Clock,
    Database,
    Metrics,
    NoMetrics,
    Repositories,
    StorageUnavailable,
    StoredAnswer,
    UserRef,
)
from bot.progress import local_day, points_for, zone
from bot.scoring.scorer import Scorer
from bot.selection import daily_candidates, pick_mock
from bot.session.machine import (
    Answer,
    Context,
    Event,
    Move,
    Outcome,
    StartDaily,
    StartMock,
    step,
)
from bot.session.render import prompt_reply
from bot.session.state import Conversation, ConversationKey
from bot.standings import record_standing

log = logging.getLogger(__name__)

SAVE_FAILED = (
    "I couldn't save that — the database is unavailable ({reason}). Nothing was recorded and "
    "your place is unchanged, so you can send it again once it's fixed. Your message was:\n{text}"
)


@dataclass(frozen=True)
class CoachConfig:
    """Behaviour settings the core needs (plain values, no platform details)."""

    default_timezone: str = "UTC"
    mock_questions: int = 3
    help_extra: Mapping[str, str] = field(default_factory=dict)  # extra help lines per platform


def _key(place: Place, user: str) -> ConversationKey:
    return ConversationKey(place.platform, place.workspace, place.channel, place.thread, user)


class Coach:
    """Handles one inbound message or action at a time, each in one transaction."""

    def __init__(
        self,
        bank: Bank,
        scorer: Scorer,
        db: Database,
        clock: Clock,
        config: CoachConfig,
        metrics: Metrics | None = None,
    ) -> None:
        self.bank = bank
        self.metrics = metrics or NoMetrics()
        self.db = db
        self.clock = clock
        self.config = config
        self.context = Context(bank, scorer)
        self.tracks = frozenset(bank.topics)

    # ------------------------------------------------------------------ entry points
    def handle(self, message: Message) -> list[Reply]:
        """Answer a user's message: a command, or an answer to the open step."""

        def run(repo: Repositories) -> list[Reply]:
            turn = self._turn(
                repo,
                message.place,
                message.user,
                message.user_name,
                message.is_dm,
                message.is_admin,
            )
            return self._route(turn, message.text)

        return self._guarded(message.text, run, message.place.platform, message.event_id)

    def act(self, action: Action) -> list[Reply]:
        """Handle a button press (next, skip, model, stop)."""

        def run(repo: Repositories) -> list[Reply]:
            turn = self._turn(repo, action.place, action.user, action.user_name, action.is_dm)
            return self._apply(turn, self._load(turn), Move(action.kind))

        return self._guarded("", run, action.place.platform, action.event_id)

    def resume(self, place: Place, user: str) -> list[Reply]:
        """On start-up: remind the user of an unfinished question or mock interview."""

        def run(repo: Repositories) -> list[Reply]:
            conv = self._load(self._turn(repo, place, user))
            if conv.session is None:
                return []
            question = self.bank.question(conv.session.question_id)
            return [
                Reply("Welcome back — here's where you left off."),
                prompt_reply(self.bank, question, conv.session, with_header=True),
            ]

        return self._guarded("", run, place.platform, "")

    def summary(self, place: Place, user: str) -> info.UserSummary | None:
        """A user's streak, points, recent scores and weakest topics (None if storage is down)."""
        try:
            with self.db.transaction() as repo:
                turn = self._turn(repo, place, user)
                rest = repo.channels.get(turn.channel).rest_days
                return info.user_summary(repo, turn.who, self.bank, turn.timezone, turn.now, rest)
        except StorageUnavailable as exc:
            log.warning("storage unavailable: %s", exc)
            return None

    def daily_thread(self, channel: Place) -> str | None:
        """The message id of today's posted daily question in a channel (its local day), if any."""
        place = channel.without_thread()
        try:
            with self.db.transaction() as repo:
                settings = repo.channels.get(place)
                day = local_day(self.clock.now(), zone(settings.timezone))
                return repo.daily.posted_ref(place, day)
        except StorageUnavailable as exc:
            log.warning("storage unavailable: %s", exc)
            return None

    # ------------------------------------------------------------------ plumbing
    def _guarded(
        self, text: str, run: Callable[[Repositories], list[Reply]], platform: str, event_id: str
    ) -> list[Reply]:
        try:
            with self.db.transaction() as repo:
                if event_id and not repo.events.first_time(platform, event_id):
                    return []
                return run(repo)
        except StorageUnavailable as exc:
            log.warning("storage unavailable: %s", exc)
            self.metrics.storage_error("coach")
            shown = text if len(text) <= 3000 else text[:3000] + " …"
            return [
                Reply(SAVE_FAILED.format(reason=exc, text=shown), ReplyKind.ERROR, private=True)
            ]

    def _turn(
        self,
        repo: Repositories,
        place: Place,
        user: str,
        user_name: str = "",
        is_dm: bool = False,
        is_admin: bool = False,
    ) -> Turn:
        who = UserRef(place.platform, place.workspace, user)
        if user_name:
            repo.profiles.update(who, display_name=user_name)
        return Turn(
            repo, place, user, self.clock.now(), self._timezone(repo, who, place), is_dm, is_admin
        )

    def _timezone(self, repo: Repositories, who: UserRef, place: Place) -> str:
        """The user's timezone if set, else the channel's (when configured), else the default."""
        profile = repo.profiles.get(who)
        if profile and profile.timezone:
            return profile.timezone
        channel = repo.channels.get(place.without_thread())
        return channel.timezone if channel.enabled else self.config.default_timezone

    def _load(self, turn: Turn) -> Conversation:
        conv = turn.repo.conversations.load(_key(turn.place, turn.user))
        session = conv.session
        if session is not None and any(q not in self.bank.questions for q in session.questions):
            log.warning("dropping a session that refers to questions no longer in the bank")
            return replace(conv, session=None)
        return conv

    def _apply(self, turn: Turn, conv: Conversation, event: Event) -> list[Reply]:
        started = time.perf_counter()
        outcome = step(conv, event, turn.now, self.context)
        seconds = time.perf_counter() - started
        if outcome.conversation != conv:
            turn.repo.conversations.save(_key(turn.place, turn.user), outcome.conversation)
        replies = self._persist(turn, outcome)
        for record in outcome.records:
            self.metrics.scored(turn.place.platform, record.mode, seconds)
        return replies

    def _persist(self, turn: Turn, outcome: Outcome) -> list[Reply]:
        repo, replies = turn.repo, list(outcome.replies)
        channel = repo.channels.get(turn.channel)
        if turn.place.thread and not channel.public_feedback:
            replies = [replace(r, private=True) for r in replies]
        day = local_day(turn.now, zone(turn.timezone))
        key = _key(turn.place, turn.user)
        for record in outcome.records:
            points = 0 if record.revealed else points_for(record.score, record.level)
            awarded = repo.answers.record(StoredAnswer(key, record, turn.now, day, points))
            record_standing(
                repo, turn.who, turn.place.channel, not turn.is_dm, day, awarded, channel.rest_days
            )
            replies = [_with_points(r, awarded, points, record.revealed) for r in replies]
        if outcome.scorecard is not None:
            repo.scorecards.add(turn.who, outcome.scorecard)
        return replies

    # ------------------------------------------------------------------ routing
    def _route(self, turn: Turn, text: str) -> list[Reply]:
        conv = self._load(turn)
        command = parse_command(text, self.tracks)
        if command is None or (command.error and conv.session is not None):
            return self._answer(turn, conv, text)
        if command.error:
            return [Reply(command.error, ReplyKind.ERROR, private=True)]
        if command.name not in SESSION_COMMANDS:
            extra = self.config.help_extra.get(turn.place.platform, "")
            return [handle_command(turn, command, self.bank, extra)]
        if command.name == "today":
            return self._apply(turn, conv, self._today(turn))
        if command.name == "mock":
            return self._apply(turn, conv, self._mock(turn, command))
        return self._apply(turn, conv, Move(ActionKind(command.name)))

    def _answer(self, turn: Turn, conv: Conversation, text: str) -> list[Reply]:
        if conv.session is None and turn.place.thread:
            question_id = turn.repo.daily.question_for_thread(turn.place)
            if question_id is not None:
                conv = step(
                    conv, StartDaily(question_id, "thread"), turn.now, self.context
                ).conversation
        return self._apply(turn, conv, Answer(text))

    def _today(self, turn: Turn) -> StartDaily:
        channel = turn.repo.channels.get(turn.channel)
        day_zone = channel.timezone if channel.enabled else self.config.default_timezone
        day = local_day(turn.now, zone(day_zone))
        question_id = turn.repo.daily.question_for(turn.channel, day, daily_candidates(self.bank))
        answered = turn.repo.answers.answered_steps(turn.who).get(question_id, set())
        steps = len(self.bank.question(question_id).steps)
        first_open = next((s for s in range(steps) if s not in answered), steps)
        return StartDaily(question_id, day.isoformat(), first_open)

    def _mock(self, turn: Turn, command: Command) -> StartMock:
        track, level = command.args
        ids = pick_mock(
            self.bank,
            track,
            level or None,
            turn.repo.answers.answered_steps(turn.who),
            self.config.mock_questions,
            seed=f"{turn.who}{turn.now.date()}",
        )
        return StartMock(tuple(ids), track, level or None)


def _with_points(reply: Reply, awarded: int, possible: int, revealed: bool) -> Reply:
    if reply.kind is not ReplyKind.FEEDBACK or reply.card is None:
        return reply
    if awarded:
        note = f"+{awarded} points"
    elif possible == 0 and not revealed:
        note = "no points for this score yet — the tips below show what would earn them"
    elif revealed:
        note = "No points for this step: the model answer was shown before you answered."
    else:
        note = "No points this time: only your first answer to each step counts."
    lines = reply.text.split("\n", 1)
    text = f"{lines[0]} · {note}" + (f"\n{lines[1]}" if len(lines) > 1 else "")
    return replace(reply, text=text, card=replace(reply.card, points=awarded))
