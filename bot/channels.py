"""Per-channel settings (schedule, topics, level, feedback visibility) and the admin commands."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.bank.schema import Level

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class ChannelSettings:
    """How a channel is coached. Daily posts go out only once an admin enables them."""

    enabled: bool = False
    timezone: str = "UTC"
    post_time: time = time(9, 0)
    weekdays: frozenset[int] = WEEKDAYS
    topics: tuple[str, ...] = ()
    level: str | None = None
    public_feedback: bool = True
    rest_days: frozenset[int] = frozenset()
    digest_weekday: int = 0
    digest_time: time = time(9, 30)


def days_text(days: Collection[int]) -> str:
    """E.g. "mon-fri", "sat,sun" or "none"."""
    ordered = sorted(days)
    if not ordered:
        return "none"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}-{DAY_NAMES[ordered[-1]]}"
    return ",".join(DAY_NAMES[d] for d in ordered)


def parse_days(text: str) -> frozenset[int] | None:
    """Parse "mon-fri", "mon,wed,fri", "daily", "weekdays", "weekends" or "none"."""
    text = text.lower()
    named = {
        "daily": frozenset(range(7)),
        "everyday": frozenset(range(7)),
        "weekdays": WEEKDAYS,
        "weekends": WEEKEND,
        "none": frozenset(),
    }
    if text in named:
        return named[text]
    days: set[int] = set()
    for part in text.split(","):
        if "-" in part:
            start, _, end = part.partition("-")
            if start[:3] not in DAY_NAMES or end[:3] not in DAY_NAMES:
                return None
            a, b = DAY_NAMES.index(start[:3]), DAY_NAMES.index(end[:3])
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif part[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(part[:3]))
        else:
            return None
    return frozenset(days)


def describe(settings: ChannelSettings) -> str:
    """A channel's settings as text."""
    if not settings.enabled:
        head = "Daily questions are off in this channel."
    else:
        head = (
            f"Daily question at {settings.post_time:%H:%M} {settings.timezone} on "
            f"{days_text(settings.weekdays)}."
        )
    topics = ", ".join(settings.topics) if settings.topics else "all topics"
    return (
        f"{head}\nTopics: {topics}. Level: {settings.level or 'any'}. "
        f"Feedback: {'public in the thread' if settings.public_feedback else 'private'}. "
        f"Rest days (streaks): {days_text(settings.rest_days)}. "
        f"Weekly digest: {DAY_NAMES[settings.digest_weekday]} {settings.digest_time:%H:%M}."
    )


SCHEDULE_USAGE = (
    "Usage: `schedule 09:00 Europe/Helsinki mon-fri topics=drift,monitoring-alerting level=mid`, "
    "`schedule off`, `schedule feedback=private`, `schedule rest=sat,sun`, "
    "`schedule digest=mon@09:30`. Every part is optional; `schedule` alone shows the settings."
)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _apply(part: str, s: ChannelSettings, topics: Collection[str]) -> ChannelSettings | str:
    key, sep, value = part.partition("=")
    if _TIME.match(part):
        hour, minute = (int(x) for x in part.split(":"))
        return replace(s, post_time=time(hour, minute), enabled=True)
    if part.upper() == "UTC":
        return replace(s, timezone="UTC")
    if not sep and "/" in part:
        try:
            ZoneInfo(part)
        except (ZoneInfoNotFoundError, ValueError):
            return f"'{part}' isn't a timezone I know (use an IANA name like America/New_York)."
        return replace(s, timezone=part)
    if part in {"off", "stop", "disable"}:
        return replace(s, enabled=False)
    if part in {"on", "start", "enable"}:
        return replace(s, enabled=True)
    if not sep and parse_days(part) is not None:
        return replace(s, weekdays=parse_days(part) or frozenset(), enabled=True)
    if key == "topics":
        chosen = tuple(t for t in value.split(",") if t and t != "all")
        unknown = [t for t in chosen if t not in topics]
        if unknown:
            return f"Unknown topic(s): {', '.join(unknown)}. Topics: {', '.join(sorted(topics))}."
        return replace(s, topics=chosen)
    if key == "level":
        if value in {"any", "all"}:
            return replace(s, level=None)
        if value not in {lvl.value for lvl in Level}:
            return "Level must be junior, mid, senior, staff or any."
        return replace(s, level=value)
    if key == "feedback" and value in {"public", "private"}:
        return replace(s, public_feedback=value == "public")
    if key == "rest" and parse_days(value) is not None:
        return replace(s, rest_days=parse_days(value) or frozenset())
    if key == "digest":
        day, _, at = value.partition("@")
        match = _TIME.match(at or "09:30")
        if day[:3] not in DAY_NAMES or not match:
            return "Use `digest=mon@09:30`."
        return replace(
            s,
            digest_weekday=DAY_NAMES.index(day[:3]),
            digest_time=time(int(match.group(1)), int(match.group(2))),
        )
    return f"I don't understand '{part}'. {SCHEDULE_USAGE}"


def apply_schedule(
    args: Collection[str], current: ChannelSettings, topics: Collection[str]
) -> ChannelSettings | str:
    """New settings from `schedule` arguments, or an error message."""
    settings = current
    for part in args:
        result = _apply(part.lower() if "/" not in part else part, settings, topics)
        if isinstance(result, str):
            return result
        settings = result
    return settings
