"""One contract for every store: the in-memory fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.messages import Place
from bot.ports import Board, Season, StoredAnswer, UserRef
from bot.progress import StreakState
from bot.session.machine import AnswerRecord
from bot.session.scorecard import Scorecard, TopicScore
from bot.session.state import Conversation, ConversationKey, Mode, Session

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KEY = ConversationKey("slack", "T1", "C1", "", "U1")
ADA = UserRef("slack", "T1", "U1")


def answer(
    key: ConversationKey = KEY,
    question: str = "q1",
    stage: int = 0,
    points: int = 10,
    at: datetime = T0,
    score: int = 80,
) -> StoredAnswer:
    record = AnswerRecord(question, stage, "drift", "mid", "daily", score, "text", "{}", False)
    return StoredAnswer(key, record, at, at.date(), points)


def test_conversations_round_trip(any_db) -> None:
    conv = Conversation(Session(Mode.MOCK, ("a", "b"), index=1, stage=2, track="drift"))
    with any_db.transaction() as repo:
        assert repo.conversations.load(KEY) == Conversation()
        repo.conversations.save(KEY, conv)
    with any_db.transaction() as repo:
        assert repo.conversations.load(KEY) == conv
        repo.conversations.save(KEY, Conversation())
    with any_db.transaction() as repo:
        assert repo.conversations.load(KEY) == Conversation()


def test_a_failed_transaction_leaves_nothing(any_db) -> None:
    try:
        with any_db.transaction() as repo:
            repo.conversations.save(KEY, Conversation(last_step=("q", 1)))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with any_db.transaction() as repo:
        assert repo.conversations.load(KEY) == Conversation()


def test_points_only_for_the_first_answer_to_a_step(any_db) -> None:
    with any_db.transaction() as repo:
        assert repo.answers.record(answer()) == 10
        assert repo.answers.record(answer(at=T0 + timedelta(minutes=5))) == 0
        assert repo.answers.record(answer(stage=1, points=7)) == 7
        other_thread = replace(KEY, thread="1700.1")
        assert repo.answers.record(answer(key=other_thread)) == 0
    with any_db.transaction() as repo:
        assert repo.answers.answered_steps(ADA) == {"q1": {0, 1}}


def test_recent_answers_newest_first(any_db) -> None:
    with any_db.transaction() as repo:
        repo.answers.record(answer(question="q1", at=T0))
        repo.answers.record(answer(question="q2", at=T0 + timedelta(days=1), score=55))
        repo.answers.record(answer(question="q3", at=T0 + timedelta(days=1, hours=1)))
    with any_db.transaction() as repo:
        recent = repo.answers.recent(ADA, 2)
        assert [h.question_id for h in recent] == ["q3", "q2"]
        assert recent[1].score == 55 and recent[0].answered_at == T0 + timedelta(days=1, hours=1)


WORKSPACE = Board("slack", "T1")
CHANNEL_BOARD = Board("slack", "T1", "C1")


def test_leaderboard_order_ties_periods_and_isolation(any_db) -> None:
    people = {"U1": "zed", "U2": "amy", "U3": "Bob"}
    with any_db.transaction() as repo:
        for user, name in people.items():
            repo.profiles.update(UserRef("slack", "T1", user), display_name=name)
        repo.leaderboard.add(WORKSPACE, ["week:2026-W48", "all"], "U1", 10)
        repo.leaderboard.add(WORKSPACE, ["week:2026-W48", "all"], "U2", 10)
        repo.leaderboard.add(WORKSPACE, ["week:2026-W47", "all"], "U3", 4)
        repo.leaderboard.add(WORKSPACE, ["all"], "U3", 3)
        repo.leaderboard.add(Board("slack", "T2"), ["all"], "U9", 99)
        repo.leaderboard.add(CHANNEL_BOARD, ["all"], "U1", 10)
    with any_db.transaction() as repo:
        rows = repo.leaderboard.top(WORKSPACE, "all", 10)
        assert [(r.display_name, r.points, r.answers) for r in rows] == [
            ("amy", 10, 1),
            ("zed", 10, 1),
            ("Bob", 7, 2),
        ]
        week = repo.leaderboard.top(WORKSPACE, "week:2026-W48", 10)
        assert [r.display_name for r in week] == ["amy", "zed"]
        assert [r.user for r in repo.leaderboard.top(CHANNEL_BOARD, "all", 10)] == ["U1"]
        assert repo.leaderboard.total(WORKSPACE, "all", "U3") == 7
        assert repo.leaderboard.top(WORKSPACE, "all", 1)[0].display_name == "amy"


def test_a_reset_starts_afresh_and_keeps_other_boards(any_db) -> None:
    with any_db.transaction() as repo:
        repo.leaderboard.add(WORKSPACE, ["all"], "U1", 10)
        repo.leaderboard.add(CHANNEL_BOARD, ["all"], "U1", 10)
        repo.leaderboard.reset(CHANNEL_BOARD, "admin", T0)
        repo.leaderboard.add(CHANNEL_BOARD, ["all"], "U2", 3)
    with any_db.transaction() as repo:
        assert [r.user for r in repo.leaderboard.top(CHANNEL_BOARD, "all", 10)] == ["U2"]
        assert repo.leaderboard.total(CHANNEL_BOARD, "all", "U1") == 0
        assert repo.leaderboard.total(WORKSPACE, "all", "U1") == 10


def test_streaks_round_trip_and_rank(any_db) -> None:
    long_run = StreakState(9, 12, date(2026, 11, 22), 1, 1)
    short_run = StreakState(3, 3, date(2026, 11, 22))
    stale = StreakState(40, 40, date(2026, 10, 1))
    frozen = StreakState(5, 5, date(2026, 11, 20), freezes=1)  # missed the 21st, holds a freeze
    lapsed = StreakState(6, 6, date(2026, 11, 20))  # missed the 21st, no freeze
    with any_db.transaction() as repo:
        assert repo.streaks.get(ADA) == StreakState()
        repo.streaks.put(ADA, long_run)
        repo.streaks.put(UserRef("slack", "T1", "U2"), short_run)
        repo.streaks.put(UserRef("slack", "T1", "U3"), stale)
        repo.streaks.put(UserRef("slack", "T1", "U4"), frozen)
        repo.streaks.put(UserRef("slack", "T1", "U5"), lapsed)
        repo.streaks.put(UserRef("slack", "T2", "U6"), long_run)  # another workspace
    with any_db.transaction() as repo:
        assert repo.streaks.get(ADA) == long_run
        ranked = repo.streaks.top("slack", "T1", date(2026, 11, 21), date(2026, 11, 20), 10)
        assert [(user, state.current) for user, _, state in ranked] == [
            ("U1", 9),
            ("U4", 5),
            ("U2", 3),
        ]
        assert len(repo.streaks.top("slack", "T1", date(2026, 11, 21), date(2026, 11, 20), 2)) == 2


def test_seasons_round_trip(any_db) -> None:
    winter = Season("winter-cup", date(2026, 12, 1), date(2027, 2, 28))
    autumn = Season("autumn", date(2026, 9, 1), date(2026, 11, 30))
    with any_db.transaction() as repo:
        repo.seasons.add("slack", "T1", winter, "admin")
        repo.seasons.add("slack", "T1", autumn, "admin")
        repo.seasons.add("slack", "T2", winter, "admin")
    with any_db.transaction() as repo:
        assert repo.seasons.list("slack", "T1") == [autumn, winter]


def test_a_season_defined_late_counts_the_points_already_earned_in_its_dates(any_db) -> None:
    from bot.standings import record_standing

    dm = ConversationKey("slack", "T1", "D9", "", "U2")
    earned = [  # (key, in a channel?, question, points, days before T0)
        (KEY, True, "q1", 10, 20),  # before the season: never counts
        (KEY, True, "q2", 7, 5),
        (dm, False, "q3", 4, 3),  # a DM answer: the workspace board only
        (KEY, True, "q4", 5, 1),  # after the channel board's reset
    ]
    with any_db.transaction() as repo:
        for key, in_channel, question, points, days_ago in earned:
            at = T0 - timedelta(days=days_ago)
            awarded = repo.answers.record(answer(key, question, points=points, at=at))
            who = UserRef(key.platform, key.workspace, key.user)
            record_standing(repo, who, key.channel, in_channel, at.date(), awarded, frozenset())
            if days_ago == 5:
                repo.leaderboard.reset(CHANNEL_BOARD, "admin", at + timedelta(hours=1))
        season = Season("autumn", (T0 - timedelta(days=10)).date(), T0.date())
        repo.seasons.add("slack", "T1", season, "admin")
    period = "season:autumn"
    with any_db.transaction() as repo:
        assert repo.leaderboard.total(WORKSPACE, period, "U1") == 12
        assert repo.leaderboard.total(WORKSPACE, period, "U2") == 4
        assert [
            (r.user, r.points, r.answers) for r in repo.leaderboard.top(CHANNEL_BOARD, period, 9)
        ] == [("U1", 5, 1)]
        # Redefining its dates recounts: nothing is counted twice, nothing left behind.
        repo.seasons.add("slack", "T1", replace(season, ends=(T0 - timedelta(days=4)).date()), "a")
        repo.seasons.add("slack", "T1", replace(season, ends=(T0 - timedelta(days=4)).date()), "a")
    with any_db.transaction() as repo:
        assert repo.leaderboard.total(WORKSPACE, period, "U1") == 7
        assert repo.leaderboard.total(WORKSPACE, period, "U2") == 0
        assert repo.leaderboard.top(CHANNEL_BOARD, period, 9) == []
        # and later answers still add to it as they come
        later = T0 - timedelta(days=4)
        awarded = repo.answers.record(answer(KEY, "q5", points=2, at=later))
        record_standing(repo, ADA, "C1", True, later.date(), awarded, frozenset())
        assert repo.leaderboard.total(WORKSPACE, period, "U1") == 9


def test_profiles_update_only_given_fields(any_db) -> None:
    with any_db.transaction() as repo:
        assert repo.profiles.get(ADA) is None
        repo.profiles.update(ADA, display_name="Ada")
        repo.profiles.update(ADA, timezone="Asia/Tokyo")
        repo.profiles.update(ADA, display_name="Ada L.")
    with any_db.transaction() as repo:
        profile = repo.profiles.get(ADA)
        assert profile is not None
        assert (profile.display_name, profile.timezone) == ("Ada L.", "Asia/Tokyo")


def test_daily_question_is_fixed_per_day_and_rotates_without_repeats(any_db) -> None:
    channel = Place("slack", "T1", "C1")
    candidates = ["a", "b", "c"]
    seen = []
    for offset in range(6):
        day = date(2026, 11, 1) + timedelta(days=offset)
        with any_db.transaction() as repo:
            first = repo.daily.question_for(channel, day, candidates)
            assert repo.daily.question_for(channel, day, candidates) == first
        seen.append(first)
    assert sorted(seen[:3]) == candidates and sorted(seen[3:]) == candidates


def test_posted_ref_only_once_the_post_went_out(any_db) -> None:
    channel = Place("slack", "T1", "C1")
    day = date(2026, 11, 23)
    with any_db.transaction() as repo:
        repo.daily.question_for(channel, day, ["a"])
        assert repo.daily.posted_ref(channel, day) is None
        assert repo.claims.claim(channel, day, "w1", T0, timedelta(minutes=5))
        assert repo.daily.posted_ref(channel, day) is None
        repo.claims.mark_posted(channel, day, "1700000000.000100", T0)
    with any_db.transaction() as repo:
        assert repo.daily.posted_ref(channel, day) == "1700000000.000100"
        assert repo.daily.posted_ref(channel, day + timedelta(days=1)) is None
        assert repo.daily.posted_ref(Place("slack", "T1", "C2"), day) is None


def test_events_are_new_only_once(any_db) -> None:
    with any_db.transaction() as repo:
        assert repo.events.first_time("slack", "Ev1") is True
        assert repo.events.first_time("slack", "Ev1") is False
        assert repo.events.first_time("discord", "Ev1") is True


def test_scorecards_round_trip(any_db) -> None:
    card = Scorecard(
        "drift",
        "mid",
        T0.isoformat(),
        (T0 + timedelta(minutes=30)).isoformat(),
        72,
        8,
        1,
        True,
        (TopicScore("drift", "Drift", 72, 9),),
        "drift",
        None,
        ("alert-design",),
        (),
    )
    with any_db.transaction() as repo:
        repo.scorecards.add(ADA, card)
    with any_db.transaction() as repo:
        assert repo.scorecards.recent(ADA, 5) == [card]


def test_claims_count_attempts_so_only_a_retry_looks_for_an_earlier_post(any_db) -> None:  # type: ignore[no-untyped-def]
    channel, day, lease = Place("slack", "T1", "C1"), date(2026, 11, 23), timedelta(minutes=5)
    with any_db.transaction() as repo:
        repo.daily.question_for(channel, day, ["a"])
        assert repo.claims.claim(channel, day, "w1", T0, lease) == 1
        assert repo.claims.claim(channel, day, "w2", T0 + timedelta(minutes=1), lease) == 0
    with any_db.transaction() as repo:  # w1 died holding the claim: after the lease, attempt 2
        assert repo.claims.claim(channel, day, "w2", T0 + timedelta(minutes=6), lease) == 2
        repo.claims.release(channel, day)  # the post failed; the next claim is attempt 3
    with any_db.transaction() as repo:
        assert repo.claims.claim(channel, day, "w2", T0 + timedelta(minutes=7), lease) == 3
