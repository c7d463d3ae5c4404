"""The coach service: routes messages and actions through the state machine and the stores."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import info
from bot.bank.loader import Bank
from bot.channels import SCHEDULE_USAGE, apply_schedule, describe
from bot.commands import Command, parse_command
from bot.messages import Action, ActionKind, Message, Place, Reply, ReplyKind
from bot.ports import Clock, Database, Repositories, StorageUnavailable, StoredAnswer, UserRef
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
    help_extra: str = ""


class Coach:
    """Handles one inbound message or action at a time, each in one transaction."""

    def __init__(
        self, bank: Bank, scorer: Scorer, db: Database, clock: Clock, config: CoachConfig
    ) -> None:
        self.bank = bank
        self.db = db
        self.clock = clock
        self.config = config
        self.context = Context(bank, scorer)
        self.tracks = frozenset(bank.topics)

    # ------------------------------------------------------------------ entry points
    def handle(self, message: Message) -> list[Reply]:
        """Answer a user's message: a command, or an answer to the open step."""
        return self._guarded(
            message.text,
            lambda repo: self._handle(repo, message),
            message.place.platform,
            message.event_id,
        )

    def act(self, action: Action) -> list[Reply]:
        """Handle a button press (next, skip, model, stop)."""

        def run(repo: Repositories) -> list[Reply]:
            key = _key(action.place, action.user)
            if action.user_name:
                repo.profiles.update(
                    _who(action.place, action.user), display_name=action.user_name
                )
            return self._apply(repo, key, self._load(repo, key), Move(action.kind), action.place)

        return self._guarded("", run, action.place.platform, action.event_id)

    def resume(self, place: Place, user: str) -> list[Reply]:
        """On start-up: remind the user of an unfinished question or mock interview."""

        def run(repo: Repositories) -> list[Reply]:
            conv = self._load(repo, _key(place, user))
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
                who = _who(place, user)
                rest = repo.channels.get(place.without_thread()).rest_days
                return info.user_summary(
                    repo, who, self.bank, self._timezone(repo, who), self.clock.now(), rest
                )
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
    def _guarded(self, text: str, run: object, platform: str, event_id: str) -> list[Reply]:
        assert callable(run)
        try:
            with self.db.transaction() as repo:
                if event_id and not repo.events.first_time(platform, event_id):
                    return []
                replies: list[Reply] = run(repo)
                return replies
        except StorageUnavailable as exc:
            log.warning("storage unavailable: %s", exc)
            shown = text if len(text) <= 3000 else text[:3000] + " …"
            return [
                Reply(SAVE_FAILED.format(reason=exc, text=shown), ReplyKind.ERROR, private=True)
            ]

    def _load(self, repo: Repositories, key: ConversationKey) -> Conversation:
        conv = repo.conversations.load(key)
        session = conv.session
        if session is not None and any(q not in self.bank.questions for q in session.questions):
            log.warning("dropping a session that refers to questions no longer in the bank")
            return replace(conv, session=None)
        return conv

    def _timezone(self, repo: Repositories, who: UserRef) -> str:
        profile = repo.profiles.get(who)
        return profile.timezone if profile and profile.timezone else self.config.default_timezone

    def _apply(
        self,
        repo: Repositories,
        key: ConversationKey,
        conv: Conversation,
        event: Event,
        place: Place,
    ) -> list[Reply]:
        now = self.clock.now()
        outcome = step(conv, event, now, self.context)
        if outcome.conversation != conv:
            repo.conversations.save(key, outcome.conversation)
        return self._persist(repo, key, outcome, place, now)

    def _persist(
        self,
        repo: Repositories,
        key: ConversationKey,
        outcome: Outcome,
        place: Place,
        now: datetime,
    ) -> list[Reply]:
        who = _who(place, key.user)
        replies = list(outcome.replies)
        if place.thread and not repo.channels.get(place.without_thread()).public_feedback:
            replies = [replace(r, private=True) for r in replies]
        tz = zone(self._timezone(repo, who))
        for record in outcome.records:
            points = 0 if record.revealed else points_for(record.score, record.level)
            awarded = repo.answers.record(
                StoredAnswer(key, record, now, local_day(now, tz), points)
            )
            replies = [_with_points(r, awarded, record.revealed) for r in replies]
        if outcome.scorecard is not None:
            repo.scorecards.add(who, outcome.scorecard)
        return replies

    # ------------------------------------------------------------------ routing
    def _handle(self, repo: Repositories, message: Message) -> list[Reply]:
        who = _who(message.place, message.user)
        if message.user_name:
            repo.profiles.update(who, display_name=message.user_name)
        key = _key(message.place, message.user)
        conv = self._load(repo, key)
        command = parse_command(message.text, self.tracks)
        if command is None or (command.error and conv.session is not None):
            return self._answer(repo, key, conv, message)
        if command.error:
            return [Reply(command.error, ReplyKind.ERROR, private=True)]
        return self._command(repo, key, conv, command, message)

    def _answer(
        self, repo: Repositories, key: ConversationKey, conv: Conversation, message: Message
    ) -> list[Reply]:
        if conv.session is None and message.place.thread:
            question_id = repo.daily.question_for_thread(message.place)
            if question_id is not None:
                opened = step(
                    conv, StartDaily(question_id, "thread"), self.clock.now(), self.context
                )
                conv = opened.conversation
        return self._apply(repo, key, conv, Answer(message.text), message.place)

    def _command(
        self,
        repo: Repositories,
        key: ConversationKey,
        conv: Conversation,
        command: Command,
        message: Message,
    ) -> list[Reply]:
        who = _who(message.place, message.user)
        tz_name = self._timezone(repo, who)
        now = self.clock.now()
        name = command.name
        if name == "help":
            return [info.help_reply(self.bank, self.config.help_extra)]
        if name == "streak":
            rest = repo.channels.get(message.place.without_thread()).rest_days
            return [info.streak_reply(repo, who, self.bank, tz_name, now, rest)]
        if name == "leaderboard":
            return [
                info.leaderboard_reply(
                    repo, who, command.args[0], self.config.default_timezone, now
                )
            ]
        if name == "history":
            limit = min(int(command.args[0]), 50) if command.args else 10
            return [info.history_reply(repo, who, self.bank, limit, tz_name)]
        if name == "timezone":
            return [self._set_timezone(repo, who, command, tz_name)]
        if name == "schedule":
            return [self._schedule(repo, message, command)]
        if name == "today":
            return self._today(repo, key, conv, message, now)
        if name == "mock":
            track, level = command.args
            ids = pick_mock(
                self.bank,
                track,
                level or None,
                repo.answers.answered_steps(who),
                self.config.mock_questions,
                seed=f"{key}{now.date()}",
            )
            event: Event = StartMock(tuple(ids), track, level or None)
            return self._apply(repo, key, conv, event, message.place)
        return self._apply(repo, key, conv, Move(ActionKind(name)), message.place)

    def _today(
        self,
        repo: Repositories,
        key: ConversationKey,
        conv: Conversation,
        message: Message,
        now: datetime,
    ) -> list[Reply]:
        channel = message.place.without_thread()
        day = local_day(now, zone(self.config.default_timezone))
        question_id = repo.daily.question_for(channel, day, daily_candidates(self.bank))
        answered = repo.answers.answered_steps(_who(message.place, message.user)).get(question_id)
        first_open = next(
            (
                s
                for s in range(len(self.bank.question(question_id).steps))
                if s not in (answered or set())
            ),
            len(self.bank.question(question_id).steps),
        )
        event = StartDaily(question_id, day.isoformat(), first_open)
        return self._apply(repo, key, conv, event, message.place)

    def _schedule(self, repo: Repositories, message: Message, command: Command) -> Reply:
        channel = message.place.without_thread()
        current = repo.channels.get(channel)
        if not command.args:
            return Reply(f"{describe(current)}\n{SCHEDULE_USAGE}", private=True)
        if not message.is_admin:
            return Reply(
                "Only workspace or server admins can change this channel's schedule.",
                ReplyKind.ERROR,
                private=True,
            )
        if message.is_dm and message.place.platform != "console":
            return Reply(
                "Schedules belong to channels: run `schedule` in the channel itself.",
                ReplyKind.ERROR,
                private=True,
            )
        updated = apply_schedule(command.args, current, self.tracks)
        if isinstance(updated, str):
            return Reply(updated, ReplyKind.ERROR, private=True)
        repo.channels.save(channel, updated, message.user)
        return Reply(f"Saved. {describe(updated)}", ReplyKind.INFO)

    def _set_timezone(
        self, repo: Repositories, who: UserRef, command: Command, current: str
    ) -> Reply:
        if not command.args:
            return Reply(
                f"Your timezone is {current}. Set it with `timezone Europe/Helsinki`.",
                private=True,
            )
        name = command.args[0]
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return Reply(
                f"'{name}' isn't a timezone I know. Use an IANA name such as "
                "America/New_York or Asia/Kolkata.",
                ReplyKind.ERROR,
                private=True,
            )
        repo.profiles.update(who, timezone=name)
        return Reply(f"Timezone set to {name}. Streaks now follow your local days.", private=True)


def _key(place: Place, user: str) -> ConversationKey:
    return ConversationKey(place.platform, place.workspace, place.channel, place.thread, user)


def _who(place: Place, user: str) -> UserRef:
    return UserRef(place.platform, place.workspace, user)


def _with_points(reply: Reply, awarded: int, revealed: bool) -> Reply:
    if reply.kind is not ReplyKind.FEEDBACK or reply.card is None:
        return reply
    if awarded:
        note = f"+{awarded} points"
    elif revealed:
        note = "No points for this step: the model answer was shown before you answered."
    else:
        note = "No points this time: only your first answer to each step counts."
    lines = reply.text.split("\n", 1)
    text = f"{lines[0]} · {note}" + (f"\n{lines[1]}" if len(lines) > 1 else "")
    return replace(reply, text=text, card=replace(reply.card, points=awarded))
