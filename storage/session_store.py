"""SQL stores for conversations, profiles, daily questions and processed events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from bot.messages import Place
from bot.ports import Profile, UserRef
from bot.selection import choose_next
from bot.session.state import Conversation, ConversationKey
from storage.sql import insert_ignore, now_utc, profile_row
from storage.statements import (
    CONVERSATION_STATE,
    DAILY_CHOOSE,
    DAILY_ROW,
    DAILY_USED,
    PROFILE_ROW,
    THREAD_QUESTION,
    daily_key,
    dialect_of,
    run,
    upsert,
)
from storage.tables import ConversationRow, DailyPost, ProcessedEvent


class SqlConversations:
    """ConversationStore over the conversation table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self, key: ConversationKey) -> Conversation:
        """The stored conversation, or an empty one."""
        state = run(self.session, CONVERSATION_STATE, _conversation_key(key)).scalar()
        return Conversation.from_json(state)

    def save(self, key: ConversationKey, conversation: Conversation) -> None:
        """Insert or replace the conversation."""
        stmt = upsert(dialect_of(self.session), ConversationRow, ("state", "updated_at"))
        values = _conversation_key(key) | {
            "state": conversation.to_json(),
            "updated_at": now_utc(),
        }
        run(self.session, stmt, values)


def _conversation_key(key: ConversationKey) -> dict[str, str]:
    return {
        "platform": key.platform,
        "workspace": key.workspace,
        "channel": key.channel,
        "thread": key.thread,
        "user_id": key.user,
    }


class SqlProfiles:
    """Profiles over the user_profile table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, who: UserRef) -> Profile | None:
        """The profile, if any."""
        row = run(self.session, PROFILE_ROW, _user_key(who)).first()
        return Profile(row.display_name, row.timezone) if row else None

    def update(
        self, who: UserRef, display_name: str | None = None, timezone: str | None = None
    ) -> None:
        """Create or update; None leaves a field unchanged."""
        if display_name is not None and timezone is None:
            current = self.get(who)
            if current is not None and current.display_name == display_name[:128]:
                return
        row = profile_row(self.session, who)
        if display_name is not None:
            row.display_name = display_name[:128]
        if timezone is not None:
            row.timezone = timezone
        row.updated_at = now_utc()
        self.session.add(row)


class SqlDailyQuestions:
    """DailyQuestions over the daily_post table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def question_for(self, place: Place, day: date, candidates: Sequence[str]) -> str:
        """The channel's question for a day, chosen once (race-safe) by least-used rotation."""
        key = daily_key(place, day)
        row = run(self.session, DAILY_ROW, key).first()
        if row is not None and row.question_id:
            return str(row.question_id)
        used = {q: int(n) for q, n in run(self.session, DAILY_USED, key)}
        seed = f"{place.platform}/{place.workspace}/{place.channel}"
        chosen = choose_next(candidates, used, seed)
        if row is not None:
            run(self.session, DAILY_CHOOSE, daily_key(place, day, "k_") | {"chosen": chosen})
            return chosen
        values = key | {"question_id": chosen, "status": "chosen"}
        if insert_ignore(self.session, DailyPost, values):
            return chosen
        stored = run(self.session, DAILY_ROW, key).first()  # another process chose first
        return str(stored.question_id) if stored and stored.question_id else chosen

    def question_for_thread(self, place: Place) -> str | None:
        """The question whose daily post started this thread."""
        params = {
            "platform": place.platform,
            "workspace": place.workspace,
            "channel": place.channel,
            "message_ref": place.thread,
        }
        question: str | None = run(self.session, THREAD_QUESTION, params).scalar()
        return question

    def posted_ref(self, place: Place, day: date) -> str | None:
        """The message id of the channel's daily post for a day, once posted."""
        row = run(self.session, DAILY_ROW, daily_key(place, day)).first()
        return str(row.message_ref) if row is not None and row.status == "posted" else None


def _user_key(who: UserRef) -> dict[str, str]:
    return {"platform": who.platform, "workspace": who.workspace, "user_id": who.user}


class SqlEvents:
    """EventLog over the processed_event table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, platform: str, event_id: str) -> bool:
        """True only for the first delivery of an event id."""
        return insert_ignore(
            self.session,
            ProcessedEvent,
            {"platform": platform, "event_id": event_id[:128], "seen_at": now_utc()},
        )
