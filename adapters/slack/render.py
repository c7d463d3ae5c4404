"""Pure renderers: core Replies (and the user summary) as Slack messages and App Home views.

Every piece of text goes through `escape`, so nothing a user typed can become a Slack control
sequence (`<!channel>`, `<@U…>`, links) or a plain-text broadcast (`@here`), and through the
block limits (section 3,000 characters, header 150, 50 blocks, about 12,000 characters in all)
so a very long answer is cut, never rejected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.bank.loader import Bank
from bot.info import UserSummary
from bot.messages import ActionKind, Button, FeedbackCard, Reply, ReplyKind

Block = dict[str, Any]

MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BLOCKS = 50
MAX_BLOCK_CHARS = 11_000  # Slack rejects messages whose blocks add up to roughly 13k
MAX_FALLBACK = 3000  # the notification text shown alongside the blocks
MAX_QUOTE = 300
MAX_BUTTON_VALUE = 2000
CUT_NOTE = "… (cut to fit Slack's message limits)"

ACTION_IDS: dict[ActionKind, str] = {
    ActionKind.NEXT: "coach_next",
    ActionKind.MODEL: "coach_model",
    ActionKind.SKIP: "coach_skip",
    ActionKind.STOP: "coach_stop",
}
BUTTON_STYLE = {ActionKind.NEXT: "primary"}

_BROADCAST = re.compile(r"([@!])(channel|here|everyone)\b", re.IGNORECASE)
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage / chat.postEphemeral / a response_url receives."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def escape(text: str) -> str:
    """Text safe for mrkdwn: &, <, > escaped and @channel/@here/@everyone defused."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: f"{m.group(1)}{WORD_JOINER}{m.group(2)}", text)


def plain(text: str) -> str:
    """Text for plain_text fields (no mrkdwn, but still no broadcast words)."""
    return _BROADCAST.sub(lambda m: f"{m.group(1)}{WORD_JOINER}{m.group(2)}", text)


def clip(text: str, limit: int, note: str = "…") -> str:
    """Cut already-escaped text to `limit` characters without splitting an &entity;."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(note))]
    cut = _PARTIAL_ENTITY.sub("", cut)
    return cut.rstrip() + note


def chunks(text: str, size: int = MAX_SECTION) -> list[str]:
    """Split escaped text into pieces of at most `size`, preferring line then word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size)
        if cut < size // 2:
            cut = rest.rfind(" ", 0, size)
        if cut < size // 2:
            cut = size
        piece = rest[:cut]
        trimmed = _PARTIAL_ENTITY.sub("", piece)
        cut -= len(piece) - len(trimmed)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip():
        pieces.append(rest)
    return pieces


def section(text: str) -> Block:
    """A mrkdwn section (text must already be escaped)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION)}}


def context(text: str) -> Block:
    """A small grey line (text must already be escaped)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION)}]}


def header(text: str) -> Block:
    """A header line (plain text)."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(plain(text), MAX_HEADER)},
    }


def button_value(owner: str, thread: str) -> str:
    """What a button carries: whose answer it belongs to and the thread it lives in."""
    return json.dumps({"o": owner, "t": thread}, separators=(",", ":"))[:MAX_BUTTON_VALUE]


def actions(buttons: Sequence[Button], owner: str, thread: str) -> Block:
    """The session buttons (Next follow-up / Show model answer / Skip)."""
    elements: list[Block] = []
    for b in buttons:
        element: Block = {
            "type": "button",
            "action_id": ACTION_IDS[b.action],
            "text": {"type": "plain_text", "text": clip(plain(b.label), 75)},
            "value": button_value(owner, thread),
        }
        if b.action in BUTTON_STYLE:
            element["style"] = BUTTON_STYLE[b.action]
        elements.append(element)
    return {"type": "actions", "block_id": "coach_session", "elements": elements[:25]}


def _block_chars(block: Block) -> int:
    return len(json.dumps(block, ensure_ascii=False))


def fit(blocks: list[Block]) -> list[Block]:
    """Keep blocks within Slack's count and size limits; a trailing actions block survives."""
    tail = [blocks[-1]] if blocks and blocks[-1]["type"] == "actions" else []
    body = blocks[: len(blocks) - len(tail)]
    budget = MAX_BLOCK_CHARS - sum(_block_chars(b) for b in tail)
    kept: list[Block] = []
    cut = False
    for block in body:
        if len(kept) >= MAX_BLOCKS - len(tail) - 1:
            cut = True
            break
        size = _block_chars(block)
        if size <= budget:
            kept.append(block)
            budget -= size
            continue
        cut = True
        if block["type"] == "section" and budget > 400:
            room = budget - (size - len(block["text"]["text"])) - 50
            kept.append(section(clip(block["text"]["text"], max(room, 100), CUT_NOTE)))
        break
    if cut and not (
        kept and kept[-1]["type"] == "section" and CUT_NOTE in kept[-1]["text"]["text"]
    ):
        kept.append(context(escape(CUT_NOTE.lstrip("… ").capitalize())))
    return kept + tail


def _text_sections(text: str, bold_first_line: bool = False) -> list[Block]:
    escaped = escape(text.strip())
    if bold_first_line and escaped:
        first, _, rest = escaped.partition("\n")
        escaped = f"*{first}*" + (f"\n{rest}" if rest else "")
    return [section(piece) for piece in chunks(escaped)]


def _quote(text: str) -> str:
    return clip(escape(" ".join(text.split())), MAX_QUOTE)


def feedback_blocks(card: FeedbackCard, score_line: str, where: str) -> list[Block]:
    """A scored answer: score, what earned credit (quoted), gaps, red flags, next step."""
    blocks: list[Block] = [header(score_line), section(f"*{escape(card.title)}*")]
    if card.earned:
        lines = ["*What earned credit*"]
        for label, evidence in card.earned:
            said = f" — you said “{_quote(evidence)}”" if evidence else ""
            lines.append(f"✓ *{escape(label)}*{said}")
        blocks.extend(section(p) for p in chunks("\n".join(lines)))
    if card.gaps:
        lines = ["*To go further*"]
        lines.extend(f"• *{escape(label)}*: {escape(tip)}" for label, tip in card.gaps)
        blocks.extend(section(p) for p in chunks("\n".join(lines)))
    if card.red_flags:
        lines = ["*Red flags*"]
        lines.extend(f"⚠ {clip(escape(flag), MAX_QUOTE * 2)}" for flag in card.red_flags)
        blocks.extend(section(p) for p in chunks("\n".join(lines)))
    for note in card.notes:
        blocks.append(context(escape(note)))
    if card.next_prompt:
        blocks.append({"type": "divider"})
        title = escape(card.next_title or "Next")
        blocks.append(section(clip(f"*Next — {title}*\n{escape(card.next_prompt)}", MAX_SECTION)))
        blocks.append(context(escape(f"Reply {where} to answer, or use the buttons.")))
    return blocks


def render_reply(
    reply: Reply, owner: str = "", thread: str = "", in_dm: bool = False
) -> SlackMessage:
    """A core Reply as a Slack message with Block Kit (and a plain fallback text)."""
    where = "here" if in_dm else "in this thread"
    fallback = clip(escape(reply.text.strip()), MAX_FALLBACK)
    if reply.kind is ReplyKind.FEEDBACK and reply.card is not None:
        score_line = reply.text.split("\n", 1)[0].replace("Score:", "Score").strip()
        blocks = feedback_blocks(reply.card, score_line, where)
    else:
        bold = reply.kind in {ReplyKind.QUESTION, ReplyKind.MODEL_ANSWER, ReplyKind.SCORECARD}
        blocks = _text_sections(reply.text, bold_first_line=bold)
    if reply.buttons:
        blocks.append(actions(reply.buttons, owner, thread))
    return SlackMessage(fallback, fit(blocks))


def render_notice(mrkdwn: str) -> SlackMessage:
    """An adapter-written notice; the caller escapes any user-provided part."""
    return SlackMessage(clip(mrkdwn, MAX_FALLBACK), [section(mrkdwn)])


def home_view(summary: UserSummary | None, bank: Bank) -> dict[str, Any]:
    """The App Home tab: streak, points, recent scores and weakest topics."""
    blocks: list[Block] = [header("ProdML Coach")]
    if summary is None:
        blocks.append(
            section("I can't read your progress right now (the database is unavailable).")
        )
        return {"type": "home", "blocks": blocks}
    streak = summary.streak
    if streak.current:
        today = "answered today ✓" if streak.answered_today else "answer today to keep it"
        streak_text = (
            f"*Streak:* {streak.current} day{'s' if streak.current != 1 else ''} ({today})"
        )
    else:
        streak_text = "*Streak:* none yet — answer today's question to start one"
    blocks.append(
        section(
            f"{streak_text}\n*Best streak:* {streak.best}\n"
            f"*Points:* {summary.points_week} this week · {summary.points_total} in total"
        )
    )
    blocks.append({"type": "divider"})
    if summary.recent:
        lines = ["*Recent scores*"]
        for item in summary.recent:
            q = bank.questions.get(item.question_id)
            title = q.title if q else item.question_id
            points = f" · +{item.points} pts" if item.points else ""
            lines.append(
                f"• {item.answered_at:%Y-%m-%d} · {escape(title)} (step {item.stage + 1}, "
                f"{escape(item.mode)}) · *{item.score}/100*{points}"
            )
        blocks.extend(section(p) for p in chunks("\n".join(lines)))
    else:
        blocks.append(section("*Recent scores*\nNothing yet."))
    if summary.weakest_topics:
        lines = ["*Weakest topics* (lowest recent average)"]
        for topic, average in summary.weakest_topics:
            lines.append(f"• {escape(bank.topics.get(topic, topic))} — {average}/100")
        lines.append(f"Practise one: `/coach mock {summary.weakest_topics[0][0]}`")
        blocks.append(section("\n".join(lines)))
    blocks.append(
        context(
            "`/coach today` · `/coach mock [track] [level]` · `/coach streak` · "
            "`/coach leaderboard` · `/coach help`"
        )
    )
    return {"type": "home", "blocks": fit(blocks)}
