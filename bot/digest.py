"""The weekly digest per channel: last week's board, the longest streaks, the hardest question."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.bank.loader import Bank
from bot.boards import render_board
from bot.channels import ChannelSettings
from bot.messages import Place, Reply, ReplyKind
from bot.ports import Board, Database, Repositories
from bot.progress import live_since, streak_at, zone
from bot.standings import week_period

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueDigest:
    """A digest to post in a channel for one ISO week (identified by its Monday)."""

    place: Place
    week_of: date
    reply: Reply

    @property
    def key(self) -> str:
        """A stable id for this post."""
        p = self.place
        return f"digest:{p.platform}:{p.workspace}:{p.channel}:{self.week_of.isoformat()}"


def digest_due(settings: ChannelSettings, now: datetime, grace: timedelta) -> date | None:
    """The Monday of the week whose digest is due now, or None."""
    tz = zone(settings.timezone)
    local = now.astimezone(tz)
    if not settings.enabled or local.weekday() != settings.digest_weekday:
        return None
    at = datetime.combine(local.date(), settings.digest_time, tzinfo=tz).astimezone(UTC)
    if not at <= now <= at + grace:
        return None
    return local.date() - timedelta(days=local.weekday())


def compose_digest(repo: Repositories, bank: Bank, place: Place, week_of: date) -> Reply:
    """Last week's channel board, the workspace's longest streaks, the hardest question."""
    last_monday = week_of - timedelta(days=7)
    board = Board(place.platform, place.workspace, place.channel)
    rows = repo.leaderboard.top(board, week_period(last_monday), 5)
    parts = [
        f"Weekly digest — week of {last_monday:%d %b %Y}",
        render_board(rows, "Top of last week in this channel"),
    ]
    since, freeze_since = live_since(week_of)
    streaks = [
        (streak_at(state, week_of).current, name)
        for _, name, state in repo.streaks.top(
            place.platform, place.workspace, since, freeze_since, 3
        )
    ]
    live = sorted((s for s in streaks if s[0]), key=lambda s: (-s[0], s[1].lower()))[:3]
    if live:
        parts.append("Longest streaks: " + ", ".join(f"{n} ({d} days)" for d, n in live))
    hardest = repo.insights.hardest_question(place, last_monday, week_of)
    if hardest is not None and hardest[0] in bank.questions:
        question_id, average, answers = hardest
        parts.append(
            f"Hardest question: “{bank.question(question_id).title}” — average "
            f"{average}/100 over {answers} answers. Worth another look."
        )
    return Reply("\n".join(parts), ReplyKind.INFO)


class DigestService:
    """Claims due weekly digests (one per channel and week) and records how they went."""

    def __init__(self, bank: Bank, db: Database, grace: timedelta) -> None:
        self.bank = bank
        self.db = db
        self.grace = grace

    def due(self, platform: str, now: datetime) -> list[DueDigest]:
        """Claim and return this week's digests that are due now."""
        with self.db.transaction() as repo:
            channels = repo.channels.enabled(platform)
        due = []
        for place, settings in channels:
            week_of = digest_due(settings, now, self.grace)
            if week_of is None:
                continue
            with self.db.transaction() as repo:
                if repo.insights.claim_digest(place, week_of, now):
                    due.append(
                        DueDigest(place, week_of, compose_digest(repo, self.bank, place, week_of))
                    )
        return due

    def posted(self, digest: DueDigest, message_ref: str) -> None:
        """Nothing more to record: the claim already marks the week as done."""
        log.info(
            "weekly digest posted in %s/%s as %s",
            digest.place.workspace,
            digest.place.channel,
            message_ref,
        )

    def failed(self, digest: DueDigest, error: str) -> None:
        """Release the claim so a later tick retries within the grace window."""
        log.warning(
            "weekly digest for %s/%s failed: %s",
            digest.place.workspace,
            digest.place.channel,
            error,
        )
        with self.db.transaction() as repo:
            repo.insights.release_digest(digest.place, digest.week_of)
