"""Core → Discord rendering: embeds for feedback, Discord's size limits, buttons, thread names."""

from __future__ import annotations

from datetime import date

from adapters.discord.render import (
    MAX_CONTENT,
    THREAD_NAME,
    embed_size,
    feedback_embed,
    render_reply,
    split_text,
    thread_name,
)
from bot.messages import SESSION_BUTTONS, FeedbackCard, Reply, ReplyKind
from tests.discord.fake_discord import embed_problems, message_problems


def card(**overrides: object) -> FeedbackCard:
    values: dict[str, object] = {
        "title": "Instrumenting drift detection — Step 1/4 · opening question",
        "score": 71,
        "earned": (("Input (covariate) drift", "For covariate drift I'd run PSI per feature"),),
        "gaps": (("Alerting without noise", "Say what makes an alert page-worthy."),),
        "red_flags": (),
        "notes": (),
        "points": 9,
        "next_title": "Step 2/4 · risk injection",
        "next_prompt": "New information: labels arrive 60 to 90 days late. What now?",
    }
    values.update(overrides)
    return FeedbackCard(**values)  # type: ignore[arg-type]


def feedback(c: FeedbackCard) -> Reply:
    return Reply(
        "Score: 71/100 · +9 points\nWhat earned credit: …",
        ReplyKind.FEEDBACK,
        buttons=SESSION_BUTTONS,
        card=c,
    )


def test_feedback_is_an_embed_with_score_evidence_gaps_and_next_step() -> None:
    [out] = render_reply(feedback(card()))
    assert out.content == "" and out.buttons == SESSION_BUTTONS
    embed = out.embed
    assert embed is not None
    assert embed["description"] == "Score: 71/100 · +9 points"
    names = [f["name"] for f in embed["fields"]]
    assert names == ["What earned credit", "To go further", "Next — Step 2/4 · risk injection"]
    assert "“For covariate drift I'd run PSI per feature”" in embed["fields"][0]["value"]
    assert "page-worthy" in embed["fields"][1]["value"]
    assert "60 to 90 days" in embed["fields"][2]["value"]
    assert embed_problems(embed) == []


def test_huge_feedback_fits_every_embed_limit() -> None:
    long_quote = "drift " * 400
    big = card(
        title="T" * 400,
        earned=tuple((f"Criterion {i} " + "x" * 300, long_quote) for i in range(40)),
        gaps=tuple((f"Gap {i}", "tip " * 300) for i in range(40)),
        red_flags=tuple("flag " * 300 for _ in range(10)),
        notes=("note " * 500,),
        next_title="N" * 400,
        next_prompt="prompt " * 1000,
    )
    [out] = render_reply(feedback(big))
    assert out.embed is not None
    assert embed_problems(out.embed) == []
    assert embed_size(out.embed) <= 6000
    assert out.embed["fields"][-1]["name"].startswith("Next — ")  # the next step survives


def test_long_text_is_split_at_line_breaks_within_2000() -> None:
    text = "\n".join(f"line {i} " + "word " * 30 for i in range(200))
    parts = split_text(text)
    assert 1 < len(parts) <= 4
    assert all(len(part) <= MAX_CONTENT for part in parts)
    assert parts[0].startswith("line 0") and parts[1].startswith("line ")
    assert parts[-1].endswith("…")  # more than four messages' worth is cut, not spammed


def test_a_single_huge_word_is_still_split() -> None:
    parts = split_text("x" * 5000)
    assert all(len(part) <= MAX_CONTENT for part in parts) and len(parts) == 3


def test_text_replies_keep_buttons_on_their_last_message_and_privacy() -> None:
    reply = Reply("y " * 1500, ReplyKind.INFO, buttons=SESSION_BUTTONS[1:2], private=True)
    outs = render_reply(reply)
    assert len(outs) == 2
    assert outs[0].buttons == () and outs[1].buttons == SESSION_BUTTONS[1:2]
    assert all(o.private for o in outs)
    for out in outs:
        assert message_problems({"content": out.content}) == []


def test_questions_get_a_bold_header() -> None:
    [out] = render_reply(Reply("Question of the day — X\nWhat would you do?", ReplyKind.QUESTION))
    assert out.content.startswith("**Question of the day — X**\n")


def test_scorecard_is_an_embed() -> None:
    text = "Mock interview scorecard — track: drift\nOverall: 64/100\n" + "• skill\n" * 2000
    [out] = render_reply(Reply(text, ReplyKind.SCORECARD))
    assert out.embed is not None and out.embed["title"].startswith("Mock interview scorecard")
    assert embed_problems(out.embed) == []


def test_thread_names_fit_100_characters() -> None:
    name = thread_name("A very long question title " * 10, date(2026, 11, 23))
    assert len(name) <= THREAD_NAME and name.startswith("2026-11-23 · A very long")


def test_feedback_without_next_step_says_it_was_the_last() -> None:
    embed = feedback_embed(feedback(card(next_prompt=None)), card(next_prompt=None))
    assert embed["footer"]["text"] == "Last step of this question"
