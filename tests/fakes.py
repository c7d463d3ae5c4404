"""Hand-written fakes: a clock the test moves, and an in-memory database with the same ports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.channels import ChannelSettings
from bot.messages import Place
from bot.ports import (
    Board,
    BoardRow,
    HistoryItem,
    Profile,
    Season,
    StorageUnavailable,
    StoredAnswer,
    UserRef,
)
from bot.progress import StreakState
from bot.scoring.result import without_quotes
from bot.selection import choose_next
from bot.session.scorecard import Scorecard
from bot.session.state import Conversation, ConversationKey


class FakeClock:
    """A clock that only moves when the test says so."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self.current = at


@dataclass
class _Answer:
    channel: str
    who: UserRef
    question_id: str
    stage: int
    score: int
    points: int
    at: datetime
    day: date
    mode: str
    text: str | None = None
    result: str = "{}"


@dataclass
class _Post:
    question_id: str
    status: str = "chosen"
    claimed_at: datetime | None = None
    attempts: int = 0
    claimed_by: str | None = None
    message_ref: str | None = None


@dataclass
class _State:
    conversations: dict[ConversationKey, Conversation] = field(default_factory=dict)
    answers: list[_Answer] = field(default_factory=list)
    awards: set[tuple[UserRef, str, int]] = field(default_factory=set)
    scorecards: list[tuple[UserRef, Scorecard]] = field(default_factory=list)
    profiles: dict[UserRef, Profile] = field(default_factory=dict)
    threads: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    posts: dict[tuple[str, str, str, date], _Post] = field(default_factory=dict)
    channels: dict[tuple[str, str, str], ChannelSettings] = field(default_factory=dict)
    boards: dict[tuple[Board, str, int, str], list[int]] = field(default_factory=dict)
    epochs: dict[Board, int] = field(default_factory=dict)
    reset_at: dict[Board, datetime] = field(default_factory=dict)
    streaks: dict[UserRef, StreakState] = field(default_factory=dict)
    seasons: dict[tuple[str, str, str], Season] = field(default_factory=dict)
    reminder_times: dict[UserRef, time] = field(default_factory=dict)
    reminded: set[tuple[UserRef, date]] = field(default_factory=set)
    digests: set[tuple[Place, date]] = field(default_factory=set)
    events: set[tuple[str, str]] = field(default_factory=set)


class _Conversations:
    def __init__(self, state: _State) -> None:
        self.s = state

    def load(self, key: ConversationKey) -> Conversation:
        return self.s.conversations.get(key, Conversation())

    def save(self, key: ConversationKey, conversation: Conversation) -> None:
        self.s.conversations[key] = conversation


class _Answers:
    def __init__(self, state: _State) -> None:
        self.s = state

    def record(self, answer: StoredAnswer) -> int:
        k, r = answer.key, answer.record
        who = UserRef(k.platform, k.workspace, k.user)
        first = (who, r.question_id, r.stage) not in self.s.awards
        self.s.awards.add((who, r.question_id, r.stage))
        points = answer.points if first else 0
        self.s.answers.append(
            _Answer(
                k.channel,
                who,
                r.question_id,
                r.stage,
                r.score,
                points,
                answer.at,
                answer.local_day,
                r.mode,
                r.text,
                r.result_json,
            )
        )
        return points

    def recent(self, who: UserRef, limit: int) -> list[HistoryItem]:
        mine = [a for a in self.s.answers if a.who == who][::-1][:limit]
        return [HistoryItem(a.question_id, a.stage, a.score, a.points, a.at, a.mode) for a in mine]

    def answered_steps(self, who: UserRef) -> dict[str, set[int]]:
        steps: dict[str, set[int]] = {}
        for a in self.s.answers:
            if a.who == who:
                steps.setdefault(a.question_id, set()).add(a.stage)
        return steps


class _Scorecards:
    def __init__(self, state: _State) -> None:
        self.s = state

    def add(self, who: UserRef, card: Scorecard) -> None:
        self.s.scorecards.append((who, card))

    def recent(self, who: UserRef, limit: int) -> list[Scorecard]:
        return [c for w, c in self.s.scorecards if w == who][::-1][:limit]


class _Leaderboard:
    def __init__(self, state: _State) -> None:
        self.s = state

    def add(self, board: Board, periods: Sequence[str], user: str, points: int) -> None:
        epoch = self.s.epochs.get(board, 0)
        for period in periods:
            row = self.s.boards.setdefault((board, period, epoch, user), [0, 0])
            row[0] += points
            row[1] += 1

    def _name(self, board: Board, user: str) -> str:
        profile = self.s.profiles.get(UserRef(board.platform, board.workspace, user))
        return profile.display_name if profile else user

    def top(self, board: Board, period: str, limit: int) -> list[BoardRow]:
        epoch = self.s.epochs.get(board, 0)
        rows = [
            BoardRow(u, self._name(board, u), v[0], v[1])
            for (b, p, e, u), v in self.s.boards.items()
            if (b, p, e) == (board, period, epoch)
        ]
        rows.sort(key=lambda r: (-r.points, r.display_name.lower(), r.user))
        return rows[:limit]

    def total(self, board: Board, period: str, user: str) -> int:
        row = self.s.boards.get((board, period, self.s.epochs.get(board, 0), user))
        return row[0] if row else 0

    def reset(self, board: Board, by: str, at: datetime) -> None:
        self.s.epochs[board] = self.s.epochs.get(board, 0) + 1
        self.s.reset_at[board] = at


class _Streaks:
    def __init__(self, state: _State) -> None:
        self.s = state

    def get(self, who: UserRef) -> StreakState:
        return self.s.streaks.get(who, StreakState())

    def put(self, who: UserRef, state: StreakState) -> None:
        self.s.streaks[who] = state

    def top(
        self, platform: str, workspace: str, since: date, freeze_since: date, limit: int
    ) -> list[tuple[str, str, StreakState]]:
        rows = [
            (w.user, (self.s.profiles.get(w) or Profile(w.user, None)).display_name, st)
            for w, st in self.s.streaks.items()
            if (w.platform, w.workspace) == (platform, workspace)
            and st.last_day is not None
            and (st.last_day >= since or (st.last_day >= freeze_since and st.freezes > 0))
        ]
        rows.sort(key=lambda r: (-r[2].current, r[1].lower(), r[0]))
        return rows[:limit]


class _Seasons:
    def __init__(self, state: _State) -> None:
        self.s = state

    def add(self, platform: str, workspace: str, season: Season, by: str) -> None:
        self.s.seasons[(platform, workspace, season.name)] = season
        period = f"season:{season.name}"
        here = {
            k for k in self.s.boards if (k[0].platform, k[0].workspace) == (platform, workspace)
        }
        for key in {k for k in here if k[1] == period}:
            del self.s.boards[key]
        with_board = {k[0].channel for k in here if k[0].channel}
        for a in self.s.answers:
            if (a.who.platform, a.who.workspace) != (platform, workspace):
                continue
            if not season.starts <= a.day <= season.ends:
                continue
            channels = ["", a.channel] if a.channel in with_board else [""]
            for board in (Board(platform, workspace, c) for c in channels):
                reset = self.s.reset_at.get(board)
                if reset is not None and a.at < reset:
                    continue
                epoch = self.s.epochs.get(board, 0)
                row = self.s.boards.setdefault((board, period, epoch, a.who.user), [0, 0])
                row[0] += a.points
                row[1] += 1

    def list(self, platform: str, workspace: str) -> list[Season]:
        found = [s for (p, w, _), s in self.s.seasons.items() if (p, w) == (platform, workspace)]
        return sorted(found, key=lambda s: (s.starts, s.name))


class _Profiles:
    def __init__(self, state: _State) -> None:
        self.s = state

    def get(self, who: UserRef) -> Profile | None:
        return self.s.profiles.get(who)

    def update(
        self, who: UserRef, display_name: str | None = None, timezone: str | None = None
    ) -> None:
        old = self.s.profiles.get(who, Profile(who.user, None))
        self.s.profiles[who] = Profile(display_name or old.display_name, timezone or old.timezone)


class _Daily:
    def __init__(self, state: _State) -> None:
        self.s = state

    def question_for(self, place: Place, day: date, candidates: Sequence[str]) -> str:
        key = (place.platform, place.workspace, place.channel, day)
        post = self.s.posts.get(key)
        if post is None or not post.question_id:
            used: dict[str, int] = {}
            for (p, w, c, _), other in self.s.posts.items():
                if (p, w, c) == key[:3]:
                    used[other.question_id] = used.get(other.question_id, 0) + 1
            seed = f"{place.platform}/{place.workspace}/{place.channel}"
            chosen = choose_next(candidates, used, seed)
            if post is None:
                self.s.posts[key] = _Post(chosen)
            else:
                post.question_id = chosen
        return self.s.posts[key].question_id

    def question_for_thread(self, place: Place) -> str | None:
        for (p, w, c, _), post in self.s.posts.items():
            if (p, w, c) == (place.platform, place.workspace, place.channel) and (
                post.message_ref == place.thread
            ):
                return post.question_id
        return self.s.threads.get((place.platform, place.workspace, place.channel, place.thread))

    def posted_ref(self, place: Place, day: date) -> str | None:
        post = self.s.posts.get((place.platform, place.workspace, place.channel, day))
        return post.message_ref if post is not None and post.status == "posted" else None


class _Claims:
    def __init__(self, state: _State) -> None:
        self.s = state

    def _post(self, place: Place, day: date) -> _Post | None:
        return self.s.posts.get((place.platform, place.workspace, place.channel, day))

    def claim(self, place: Place, day: date, worker: str, now: datetime, lease: timedelta) -> int:
        post = self._post(place, day)
        if post is None:
            return 0
        stale = (
            post.status == "claimed"
            and post.claimed_at is not None
            and (post.claimed_at < now - lease)
        )
        if post.status == "chosen" or stale:
            post.status, post.claimed_by, post.claimed_at = "claimed", worker, now
            post.attempts += 1
            return post.attempts
        return 0

    def mark_posted(self, place: Place, day: date, message_ref: str, now: datetime) -> None:
        post = self._post(place, day)
        if post is not None:
            post.status, post.message_ref = "posted", message_ref

    def mark_skipped(self, place: Place, day: date, now: datetime, lease: timedelta) -> bool:
        post = self._post(place, day)
        if post is None:
            self.s.posts[(place.platform, place.workspace, place.channel, day)] = _Post(
                "", "skipped", now
            )
            return True
        stale = (
            post.status == "claimed"
            and post.claimed_at is not None
            and (post.claimed_at < now - lease)
        )
        if post.status == "chosen" or stale:
            post.status = "skipped"
            return True
        return False

    def release(self, place: Place, day: date) -> None:
        post = self._post(place, day)
        if post is not None and post.status == "claimed":
            post.status, post.claimed_by, post.claimed_at = "chosen", None, None


class _Channels:
    def __init__(self, state: _State) -> None:
        self.s = state

    def get(self, place: Place) -> ChannelSettings:
        return self.s.channels.get(
            (place.platform, place.workspace, place.channel), ChannelSettings()
        )

    def save(self, place: Place, settings: ChannelSettings, by: str) -> None:
        self.s.channels[(place.platform, place.workspace, place.channel)] = settings

    def enabled(self, platform: str) -> list[tuple[Place, ChannelSettings]]:
        return [
            (Place(p, w, c), s)
            for (p, w, c), s in sorted(self.s.channels.items())
            if p == platform and s.enabled
        ]


class _Events:
    def __init__(self, state: _State) -> None:
        self.s = state

    def first_time(self, platform: str, event_id: str) -> bool:
        if (platform, event_id) in self.s.events:
            return False
        self.s.events.add((platform, event_id))
        return True


class _Reminders:
    def __init__(self, state: _State) -> None:
        self.s = state

    def get(self, who: UserRef) -> time | None:
        return self.s.reminder_times.get(who)

    def set(self, who: UserRef, at: time | None) -> None:
        if at is None:
            self.s.reminder_times.pop(who, None)
        else:
            self.s.reminder_times[who] = at

    def subscribers(self, platform: str) -> list[tuple[UserRef, time, str | None]]:
        return [
            (w, t, (self.s.profiles.get(w) or Profile(w.user, None)).timezone)
            for w, t in sorted(self.s.reminder_times.items(), key=lambda i: i[0].user)
            if w.platform == platform
        ]

    def claim(self, who: UserRef, day: date, now: datetime) -> bool:
        if (who, day) in self.s.reminded:
            return False
        self.s.reminded.add((who, day))
        return True


class _Insights:
    def __init__(self, state: _State) -> None:
        self.s = state

    def hardest_question(
        self, place: Place, start: date, end: date
    ) -> tuple[str, int, int] | None:
        scores: dict[str, list[int]] = {}
        for a in self.s.answers:
            if (a.who.platform, a.who.workspace, a.channel) == (
                place.platform,
                place.workspace,
                place.channel,
            ) and start <= a.day < end:
                scores.setdefault(a.question_id, []).append(a.score)
        rows = sorted((sum(v) / len(v), q, len(v)) for q, v in scores.items() if len(v) >= 2)
        if not rows:
            return None
        average, question, count = rows[0]
        return question, int(average + 0.5), count

    def claim_digest(self, place: Place, week_of: date, now: datetime) -> bool:
        if (place, week_of) in self.s.digests:
            return False
        self.s.digests.add((place, week_of))
        return True

    def release_digest(self, place: Place, week_of: date) -> None:
        self.s.digests.discard((place, week_of))


class _Personal:
    def __init__(self, state: _State) -> None:
        self.s = state

    def _rows(self, who: UserRef) -> dict[str, list[Any]]:
        s = self.s
        return {
            "answers": [a for a in s.answers if a.who == who],
            "scorecards": [c for w, c in s.scorecards if w == who],
            "points": [
                k for k in s.boards if k[0].workspace == who.workspace and k[3] == who.user
            ],
            "streaks": [st for w, st in s.streaks.items() if w == who],
            "conversations": [
                k for k in s.conversations if UserRef(k.platform, k.workspace, k.user) == who
            ],
            "profiles": [p for w, p in s.profiles.items() if w == who],
        }

    def export(self, who: UserRef) -> dict[str, Any]:
        return {k: [repr(v) for v in rows] for k, rows in self._rows(who).items()}

    def forget(self, who: UserRef) -> dict[str, int]:
        counts = {k: len(v) for k, v in self._rows(who).items()}
        s = self.s
        s.answers = [a for a in s.answers if a.who != who]
        s.awards = {a for a in s.awards if a[0] != who}
        s.scorecards = [(w, c) for w, c in s.scorecards if w != who]
        s.boards = {
            k: v
            for k, v in s.boards.items()
            if not (k[0].workspace == who.workspace and k[3] == who.user)
        }
        s.streaks.pop(who, None)
        s.profiles.pop(who, None)
        s.reminder_times.pop(who, None)
        s.conversations = {
            k: v
            for k, v in s.conversations.items()
            if UserRef(k.platform, k.workspace, k.user) != who
        }
        return counts

    def prune_texts(self, before: datetime) -> int:
        old = [a for a in self.s.answers if a.at < before and a.text is not None]
        for a in old:
            a.text, a.result = None, without_quotes(a.result)
        return len(old)


class _Repositories:
    def __init__(self, state: _State) -> None:
        self.conversations = _Conversations(state)
        self.answers = _Answers(state)
        self.scorecards = _Scorecards(state)
        self.leaderboard = _Leaderboard(state)
        self.streaks = _Streaks(state)
        self.seasons = _Seasons(state)
        self.profiles = _Profiles(state)
        self.daily = _Daily(state)
        self.claims = _Claims(state)
        self.channels = _Channels(state)
        self.reminders = _Reminders(state)
        self.insights = _Insights(state)
        self.events = _Events(state)
        self.personal = _Personal(state)


class InMemoryDatabase:
    """The Database port in memory, with real rollback and a switch to simulate an outage."""

    def __init__(self) -> None:
        self.state = _State()
        self.unavailable: str | None = None

    @contextmanager
    def transaction(self) -> Iterator[_Repositories]:
        if self.unavailable:
            raise StorageUnavailable(self.unavailable)
        working = deepcopy(self.state)
        yield _Repositories(working)
        self.state = working
