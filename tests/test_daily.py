"""Daily posts: one per (channel, local day), across processes, downtime and daylight saving."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.bank.loader import Bank
from bot.channels import ChannelSettings
from bot.coach import Coach, CoachConfig
from bot.daily import DailyService, Decision, decide, next_post_time, post_instant
from bot.messages import Message, Place
from bot.progress import zone
from bot.scoring.scorer import Scorer

CHANNEL = Place("slack", "T1", "C1")
HELSINKI = ChannelSettings(
    enabled=True, timezone="Europe/Helsinki", post_time=time(9, 0), weekdays=frozenset(range(7))
)
MONDAY_0900_HEL = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 09:00 in Helsinki (UTC+2)


def enable(db, settings: ChannelSettings = HELSINKI, place: Place = CHANNEL) -> None:
    with db.transaction() as repo:
        repo.channels.save(place, settings, "admin")


@pytest.fixture
def service(drift_bank: Bank, any_db) -> DailyService:
    enable(any_db)
    return DailyService(drift_bank, any_db, worker="w1")


def test_decide_wait_post_skip() -> None:
    grace = timedelta(hours=2)
    assert decide(HELSINKI, MONDAY_0900_HEL - timedelta(minutes=1), grace)[0] is Decision.WAIT
    assert decide(HELSINKI, MONDAY_0900_HEL, grace) == (Decision.POST, date(2026, 11, 23))
    assert decide(HELSINKI, MONDAY_0900_HEL + grace, grace)[0] is Decision.POST
    assert decide(HELSINKI, MONDAY_0900_HEL + grace + timedelta(seconds=1), grace)[0] is (
        Decision.SKIP
    )
    assert decide(replace(HELSINKI, enabled=False), MONDAY_0900_HEL, grace)[0] is Decision.WAIT
    weekdays = replace(HELSINKI, weekdays=frozenset({1, 2, 3, 4}))  # not Monday
    assert decide(weekdays, MONDAY_0900_HEL, grace)[0] is Decision.WAIT


def test_a_channel_day_is_posted_once(service: DailyService) -> None:
    (post,) = service.due("slack", MONDAY_0900_HEL)
    assert post.place == CHANNEL and post.day == date(2026, 11, 23)
    assert post.reply.text.startswith("Question of the day")
    assert post.key == "daily:slack:T1:C1:2026-11-23" and len(post.short_key) == 25
    assert service.due("slack", MONDAY_0900_HEL + timedelta(minutes=1)) == []
    service.posted(post, "1700.1", MONDAY_0900_HEL)
    assert service.due("slack", MONDAY_0900_HEL + timedelta(hours=1)) == []
    (tomorrow,) = service.due("slack", MONDAY_0900_HEL + timedelta(days=1))
    assert tomorrow.day == date(2026, 11, 24)


def test_only_one_of_several_workers_wins(drift_bank: Bank, any_db) -> None:
    enable(any_db)
    workers = [DailyService(drift_bank, any_db, worker=f"w{i}") for i in range(3)]
    posts = [p for w in workers for p in w.due("slack", MONDAY_0900_HEL)]
    assert len(posts) == 1


def test_a_crashed_claim_is_taken_over_after_the_lease(drift_bank: Bank, any_db) -> None:
    enable(any_db)
    crashed = DailyService(drift_bank, any_db, worker="crashed")
    survivor = DailyService(drift_bank, any_db, worker="survivor")
    assert len(crashed.due("slack", MONDAY_0900_HEL)) == 1  # claimed, never posted
    assert survivor.due("slack", MONDAY_0900_HEL + timedelta(minutes=4)) == []
    (post,) = survivor.due("slack", MONDAY_0900_HEL + timedelta(minutes=6))
    survivor.posted(post, "1700.2", MONDAY_0900_HEL + timedelta(minutes=6))
    assert crashed.due("slack", MONDAY_0900_HEL + timedelta(minutes=30)) == []


def test_a_failed_post_is_retried(service: DailyService) -> None:
    (post,) = service.due("slack", MONDAY_0900_HEL)
    service.failed(post, "HTTP 500")
    (retry,) = service.due("slack", MONDAY_0900_HEL + timedelta(seconds=30))
    assert retry.question_id == post.question_id


def test_downtime_within_grace_posts_once_and_later_is_recorded_skipped(
    service: DailyService, caplog: pytest.LogCaptureFixture
) -> None:
    assert len(service.due("slack", MONDAY_0900_HEL + timedelta(hours=1, minutes=59))) == 1
    with caplog.at_level(logging.WARNING):
        assert service.due("slack", MONDAY_0900_HEL + timedelta(days=1, hours=3)) == []
    assert "skipped: more than 2:00:00 late" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert service.due("slack", MONDAY_0900_HEL + timedelta(days=1, hours=4)) == []
    assert "skipped" not in caplog.text  # recorded once, not re-warned every tick


def test_question_rotation_respects_topics_and_does_not_repeat(bank: Bank, any_db) -> None:
    drift_only = replace(HELSINKI, topics=("drift",))
    enable(any_db, drift_only)
    service = DailyService(bank, any_db, worker="w1")
    drift_ids = [q.id for q in bank.select(topic="drift")]
    seen = []
    for day in range(len(drift_ids)):
        (post,) = service.due("slack", MONDAY_0900_HEL + timedelta(days=day))
        service.posted(post, f"ts{day}", MONDAY_0900_HEL)
        seen.append(post.question_id)
    assert sorted(seen) == sorted(drift_ids)


# New York skips 02:00-03:00 in spring; Helsinki skips 03:00-04:00, so 02:30 exists there.
@pytest.mark.parametrize(
    "tz,spring,autumn,gap",
    [
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1), (time(2, 0), time(3, 0))),
        ("Europe/Helsinki", date(2026, 3, 29), date(2026, 10, 25), (time(3, 0), time(4, 0))),
    ],
)
@pytest.mark.parametrize("at", [time(9, 0), time(2, 30), time(3, 30)])
def test_one_post_a_day_across_daylight_saving(
    tz: str, spring: date, autumn: date, gap: tuple[time, time], at: time
) -> None:
    settings = ChannelSettings(
        enabled=True, timezone=tz, post_time=at, weekdays=frozenset(range(7))
    )
    for change in (spring, autumn):
        cursor = datetime.combine(change - timedelta(days=3), time(0), tzinfo=zone(tz))
        fired = []
        for _ in range(7):
            nxt = next_post_time(settings, cursor)
            assert nxt is not None
            fired.append(nxt.astimezone(zone(tz)))
            cursor = nxt
        days = [f.date() for f in fired]
        assert days == [change - timedelta(days=3) + timedelta(days=i) for i in range(7)]
        for f in fired:
            skipped = f.date() == spring and gap[0] <= at < gap[1]
            expected = time(at.hour + 1, at.minute) if skipped else at
            assert f.time() == expected


def test_post_instant_handles_the_missing_hour() -> None:
    ny = zone("America/New_York")
    assert post_instant(date(2026, 3, 8), time(2, 30), ny) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )
    assert post_instant(date(2026, 11, 1), time(1, 30), ny) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


def test_replies_in_the_posted_thread_are_answers(drift_bank: Bank, memory_db, clock) -> None:
    enable(memory_db)
    service = DailyService(drift_bank, memory_db, worker="w1")
    (post,) = service.due("slack", MONDAY_0900_HEL)
    service.posted(post, "1700.9", MONDAY_0900_HEL)
    coach = Coach(drift_bank, Scorer(drift_bank), memory_db, clock, CoachConfig())
    thread = replace(CHANNEL, thread="1700.9")
    (reply,) = coach.handle(Message(thread, "U5", "PSI per feature above 0.2 pages.", clock.now()))
    assert reply.text.startswith("Score:") and not reply.private
    with memory_db.transaction() as repo:
        repo.channels.save(CHANNEL, replace(HELSINKI, public_feedback=False), "admin")
    (reply,) = coach.handle(
        Message(thread, "U5", "Labels lag: use early delinquency.", clock.now())
    )
    assert reply.private


def test_schedule_command_is_for_admins(drift_bank: Bank, memory_db, clock) -> None:
    coach = Coach(drift_bank, Scorer(drift_bank), memory_db, clock, CoachConfig())

    def say(text: str, admin: bool) -> str:
        return coach.handle(Message(CHANNEL, "U1", text, clock.now(), is_admin=admin))[0].text

    assert "Daily questions are off" in say("schedule", admin=False)
    assert "Only workspace or server admins" in say("schedule 09:00", admin=False)
    saved = say(
        "schedule 08:15 America/New_York mon-fri topics=drift level=mid feedback=private",
        admin=True,
    )
    assert "Daily question at 08:15 America/New_York on mon-fri" in saved
    assert "Feedback: private" in saved
    assert "Unknown topic(s): cooking" in say("schedule topics=cooking", admin=True)
    assert "isn't a timezone I know" in say("schedule Mars/Base", admin=True)
    assert "Daily questions are off" in say("schedule off", admin=True)
