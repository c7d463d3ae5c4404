"""Core → Discord: replies as message payloads that fit Discord's limits and never ping anyone.

Pure functions. A reply becomes one or more `Outgoing` messages: plain content split at 2,000
characters, or an embed (feedback cards, scorecards) cut to Discord's embed limits, plus the
session buttons and the reply's file (if any) on the last message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.messages import ActionKind, Attachment, Button, FeedbackCard, Reply, ReplyKind

MAX_CONTENT = 2000
MAX_PARTS = 4  # a reply longer than this many messages is cut, not spammed
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
THREAD_NAME = 100
CUT = " …"
GREEN, AMBER, RED, BLUE = 0x2ECC71, 0xF1C40F, 0xE74C3C, 0x5865F2


@dataclass(frozen=True)
class Outgoing:
    """One Discord message to send: text and/or an embed, buttons, a file, and if it is private."""

    content: str = ""
    embed: dict[str, Any] | None = None
    buttons: tuple[Button, ...] = ()
    private: bool = False
    attachment: Attachment | None = None


def cut(text: str, limit: int) -> str:
    """The text within `limit` characters, marked with an ellipsis when shortened."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(CUT)]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip() + CUT


def split_text(text: str, limit: int = MAX_CONTENT, max_parts: int = MAX_PARTS) -> list[str]:
    """Split at line breaks (or spaces) into parts of at most `limit`; cut after `max_parts`."""
    text = text.strip() or "…"
    parts: list[str] = []
    rest = text
    while rest and len(parts) < max_parts:
        if len(rest) <= limit:
            parts.append(rest)
            rest = ""
            break
        window = rest[:limit]
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:
            at = limit
        parts.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest:
        parts[-1] = cut(parts[-1] + " " + rest, limit)
    return parts


def _lines_within(lines: list[str], limit: int) -> str:
    """Whole lines up to `limit` characters, then a note of how many were left out."""
    shown: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = cut(line, limit)
        more = f"… and {len(lines) - i} more"
        if used + len(line) + 1 > limit - len(more) - 1 and i < len(lines) - 1:
            shown.append(more)
            break
        if used + len(line) + 1 > limit:
            shown.append(cut(line, max(limit - used - 1, 10)))
            break
        shown.append(line)
        used += len(line) + 1
    return "\n".join(shown)[:limit]


def _colour(score: int) -> int:
    return GREEN if score >= 70 else AMBER if score >= 40 else RED


def feedback_embed(reply: Reply, card: FeedbackCard) -> dict[str, Any]:
    """A feedback card as an embed: score, what earned credit (quoted), gaps, next step."""
    head = reply.text.split("\n", 1)[0]  # "Score: 71/100 · +9 points" (or why no points)
    fields: list[dict[str, Any]] = []

    def add(name: str, lines: list[str]) -> None:
        if lines:
            value = _lines_within(lines, EMBED_FIELD_VALUE)
            fields.append({"name": cut(name, EMBED_FIELD_NAME), "value": value, "inline": False})

    add(
        "What earned credit",
        [
            f"✓ **{label}**" + (f" — you said “{said}”" if said else "")
            for label, said in card.earned
        ],
    )
    add(
        "To go further",
        [f"• **{label}**: {tip}" if tip else f"• **{label}**" for label, tip in card.gaps],
    )
    add("Red flags", [f"⚠ {flag}" for flag in card.red_flags])
    add("Notes", list(card.notes))
    if card.next_prompt:
        add(f"Next — {card.next_title or 'follow-up'}", card.next_prompt.strip().split("\n"))
    embed: dict[str, Any] = {
        "title": cut(card.title, EMBED_TITLE),
        "description": cut(head, EMBED_DESCRIPTION),
        "color": _colour(card.score),
        "fields": fields,
        "footer": {
            "text": "Reply to answer the next step · buttons: next follow-up, model answer, skip"
            if card.next_prompt
            else "Last step of this question"
        },
    }
    return fit_embed(embed)


def text_embed(text: str, colour: int = BLUE) -> dict[str, Any]:
    """A long text (scorecard) as an embed: the first line as title, the rest as description."""
    first, _, rest = text.strip().partition("\n")
    embed: dict[str, Any] = {"title": cut(first, EMBED_TITLE), "color": colour}
    if rest.strip():
        embed["description"] = cut(rest.strip(), EMBED_DESCRIPTION)
    return fit_embed(embed)


def embed_size(embed: dict[str, Any]) -> int:
    """Characters that count toward Discord's 6,000 per-message embed limit."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size


def fit_embed(embed: dict[str, Any]) -> dict[str, Any]:
    """Drop trailing fields, then shorten the description, until the embed fits 6,000."""
    fields = list(embed.get("fields", []))[:25]
    embed = {**embed, "fields": fields} if "fields" in embed else dict(embed)
    while embed_size(embed) > EMBED_TOTAL and fields:
        fields.pop(-2 if len(fields) > 1 else -1)  # keep the next step (last) when we can
        embed["fields"] = fields
    overflow = embed_size(embed) - EMBED_TOTAL
    if overflow > 0 and embed.get("description"):
        embed["description"] = cut(
            embed["description"], max(len(embed["description"]) - overflow, 10)
        )
    return embed


def render_reply(reply: Reply) -> list[Outgoing]:
    """A core reply as the Discord messages that carry it."""
    if reply.kind is ReplyKind.FEEDBACK and reply.card is not None:
        return [
            Outgoing(
                embed=feedback_embed(reply, reply.card),
                buttons=reply.buttons,
                private=reply.private,
                attachment=reply.attachment,
            )
        ]
    if reply.kind is ReplyKind.SCORECARD:
        return [
            Outgoing(
                embed=text_embed(reply.text), private=reply.private, attachment=reply.attachment
            )
        ]
    parts = split_text(_markup(reply))
    messages = [Outgoing(content=part, private=reply.private) for part in parts]
    last = messages[-1]
    messages[-1] = Outgoing(
        last.content, last.embed, reply.buttons, last.private, reply.attachment
    )
    return messages


def _markup(reply: Reply) -> str:
    """Bold the header line of questions and model answers."""
    if reply.kind in (ReplyKind.QUESTION, ReplyKind.MODEL_ANSWER):
        first, sep, rest = reply.text.partition("\n")
        if first and "**" not in first:
            return f"**{first}**{sep}{rest}"
    return reply.text


def only_notes(replies: list[Reply]) -> bool:
    """True when a button press produced only notes (nothing to skip, end-of-thread summary):
    those are shown to the presser alone, not to the whole thread."""
    return all(r.kind in (ReplyKind.INFO, ReplyKind.ERROR) for r in replies)


def button_style(kind: ActionKind) -> str:
    """primary for the way forward, secondary for the rest."""
    return "primary" if kind is ActionKind.NEXT else "secondary"


def thread_name(title: str, day: date) -> str:
    """The name of a daily question's thread (at most 100 characters)."""
    return cut(f"{day.isoformat()} · {title}", THREAD_NAME)


def personal_thread_name(user_name: str, day: date) -> str:
    """The thread opened for someone who runs `/coach today` in a channel."""
    return cut(f"Today's question · {user_name} · {day.isoformat()}", THREAD_NAME)
