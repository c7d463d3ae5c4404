"""All SQL stores bound to one session, i.e. one transaction."""

from __future__ import annotations

from sqlmodel import Session

from bot.ports import (
    AnswerLog,
    ChannelConfigs,
    ConversationStore,
    DailyClaims,
    DailyQuestions,
    EventLog,
    Insights,
    Leaderboard,
    PersonalData,
    Profiles,
    Reminders,
    ScorecardStore,
    Seasons,
    StreakStore,
)
from storage.board_store import SqlLeaderboard, SqlSeasons, SqlStreaks
from storage.channel_store import SqlChannels, SqlClaims
from storage.notify_store import SqlInsights, SqlReminders
from storage.personal_store import SqlPersonalData
from storage.progress_store import SqlAnswers, SqlScorecards
from storage.session_store import SqlConversations, SqlDailyQuestions, SqlEvents, SqlProfiles


class SqlRepositories:
    """All stores bound to one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.conversations: ConversationStore = SqlConversations(session)
        self.answers: AnswerLog = SqlAnswers(session)
        self.scorecards: ScorecardStore = SqlScorecards(session)
        self.leaderboard: Leaderboard = SqlLeaderboard(session)
        self.streaks: StreakStore = SqlStreaks(session)
        self.seasons: Seasons = SqlSeasons(session)
        self.profiles: Profiles = SqlProfiles(session)
        self.daily: DailyQuestions = SqlDailyQuestions(session)
        self.claims: DailyClaims = SqlClaims(session)
        self.channels: ChannelConfigs = SqlChannels(session)
        self.reminders: Reminders = SqlReminders(session)
        self.insights: Insights = SqlInsights(session)
        self.events: EventLog = SqlEvents(session)
        self.personal: PersonalData = SqlPersonalData(session)
