"""Rendering core replies as Block Kit: no mention ever survives, long text is cut to Slack's
limits without breaking the message, buttons carry their owner and thread."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from adapters.slack.render import (
    MAX_BLOCK_CHARS,
    WORD_JOINER,
    chunks,
    clip,
    escape,
    home_view,
    render_reply,
)
from bot.bank.loader import Bank
from bot.info import UserSummary
from bot.messages import SESSION_BUTTONS, FeedbackCard, Reply, ReplyKind
from bot.ports import HistoryItem
from bot.progress import Streak
from tests.slack.fake_slack import MENTIONS, block_texts, check_blocks

NASTY = (
    "<!channel> <!here|here> @everyone @here <@U0BOB> <!subteam^S1|@oncall> "
    "<https://x.test|click> & done"
)


def card(evidence: str = "I'd page on PSI", gaps: int = 2) -> FeedbackCard:
    return FeedbackCard(
        title="Drift — Step 1/4 · opening question",
        score=71,
        earned=(("Input drift", evidence),),
        gaps=tuple((f"Gap {i}", f"Tip {i} " * 20) for i in range(gaps)),
        red_flags=(f"Watching accuracy alone (“{evidence}”)",),
        notes=("Parts of this read like a list of terms.",),
        points=9,
        next_title="Step 2/4 · risk injection",
        next_prompt="Labels arrive 60 days late. What now?",
    )


def feedback(evidence: str = "I'd page on PSI", gaps: int = 2) -> Reply:
    return Reply(
        f"Score: 71/100 · +9 points\nWhat earned credit:\n  ✓ Input drift — you said “{evidence}”",
        ReplyKind.FEEDBACK,
        buttons=SESSION_BUTTONS,
        card=card(evidence, gaps),
    )


def all_text(message: object) -> list[str]:
    text, blocks = message.text, message.blocks  # type: ignore[attr-defined]
    return [text, *block_texts(blocks)]


def test_escape_defuses_every_mention_and_link() -> None:
    safe = escape(NASTY)
    assert "<" not in safe and ">" not in safe
    assert not MENTIONS.search(safe)
    assert f"@{WORD_JOINER}everyone" in safe and f"@{WORD_JOINER}here" in safe
    assert "&amp; done" in safe


def test_user_text_in_feedback_never_pings_anyone() -> None:
    message = render_reply(feedback(NASTY), owner="U0ADA", thread="1.2")
    assert not any(MENTIONS.search(t) for t in all_text(message))
    assert check_blocks(message.blocks) == ""


def test_plain_replies_echoing_user_text_are_escaped_too() -> None:
    reply = Reply(
        f"I couldn't save that. Your message was:\n{NASTY}", ReplyKind.ERROR, private=True
    )
    message = render_reply(reply)
    assert not any(MENTIONS.search(t) for t in all_text(message))


def test_a_huge_answer_is_cut_to_fit_and_keeps_its_buttons() -> None:
    huge = ("PSI & drift <b> " * 5000).strip()  # 80k characters with entities to split
    message = render_reply(feedback(huge, gaps=300), owner="U0ADA", thread="1.2")
    assert check_blocks(message.blocks) == ""
    assert len(message.blocks) <= 50
    assert sum(len(t) for t in block_texts(message.blocks)) <= MAX_BLOCK_CHARS
    assert len(message.text) <= 3000
    assert message.blocks[-1]["type"] == "actions"
    for text in all_text(message):
        assert not re.search(
            r"&[a-z]{0,3}(?![a-z;])",
            text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", ""),
        )
    assert any("cut to fit" in t.lower() for t in block_texts(message.blocks))


def test_a_long_model_answer_is_split_into_sections() -> None:
    text = "Model answer — Drift\n" + "\n".join(f"Line {i}: " + "x" * 200 for i in range(40))
    message = render_reply(Reply(text, ReplyKind.MODEL_ANSWER))
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert len(sections) >= 3
    assert sections[0]["text"]["text"].startswith("*Model answer — Drift*")
    assert check_blocks(message.blocks) == ""


def test_chunks_and_clip_never_split_an_entity() -> None:
    text = escape("&" * 7000)
    for piece in chunks(text, 3000):
        assert len(piece) <= 3000 and piece.endswith(";")
    cut = clip(escape("<" * 100), 50)
    assert len(cut) <= 50 and cut.endswith("&lt;…")


def test_feedback_blocks_layout_and_buttons() -> None:
    message = render_reply(feedback(), owner="U0ADA", thread="1795400000.000001")
    kinds = [b["type"] for b in message.blocks]
    assert kinds[0] == "header" and kinds[-1] == "actions" and "divider" in kinds
    assert message.blocks[0]["text"]["text"] == "Score 71/100 · +9 points"
    body = json.dumps(message.blocks, ensure_ascii=False)
    for part in ("What earned credit", "To go further", "Red flags", "Next — Step 2/4"):
        assert part in body
    buttons = message.blocks[-1]["elements"]
    assert [b["action_id"] for b in buttons] == ["coach_next", "coach_model", "coach_skip"]
    assert [b["text"]["text"] for b in buttons] == ["Next follow-up", "Show model answer", "Skip"]
    assert {json.loads(b["value"])["o"] for b in buttons} == {"U0ADA"}
    dm = render_reply(feedback(), owner="U0ADA", in_dm=True)
    assert "Reply here" in json.dumps(dm.blocks)


def test_home_view(drift_bank: Bank) -> None:
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    summary = UserSummary(
        Streak(3, 5, True),
        12,
        40,
        (HistoryItem("drift-detection-instrumentation", 0, 71, 9, at, "daily"),),
        (("drift", 55),),
    )
    view = home_view(summary, drift_bank)
    assert view["type"] == "home" and check_blocks(view["blocks"], 100) == ""
    text = json.dumps(view, ensure_ascii=False)
    assert "*Streak:* 3 days (answered today ✓)" in text and "*Best streak:* 5" in text
    assert "12 this week · 40 in total" in text and "71/100" in text
    assert "Weakest topics" in text and "/coach mock drift" in text
    empty = json.dumps(home_view(None, drift_bank))
    assert "database is unavailable" in empty
