"""The pure translators on Slack-shaped payloads: what counts as an answer, and what is ignored."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.slack.translate import button_press, message_from_event, plain_text, slash_command
from bot.messages import ActionKind, Place
from tests.slack import payloads as P
from tests.slack.fake_slack import BOT_USER, TEAM

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
THREAD = "1795400000.000001"


def test_a_reply_in_our_thread_is_an_answer_with_the_event_id() -> None:
    body = P.event_body(
        P.thread_reply("U0ADA", "PSI &gt; 0.25 &amp; page <@U0BOB|bob>", THREAD), "Ev42"
    )
    message = message_from_event(body, BOT_USER, NOW)
    assert message is not None
    assert message.place == Place("slack", TEAM, P.CHANNEL, THREAD)
    assert (message.user, message.event_id, message.is_dm) == ("U0ADA", "Ev42", False)
    assert message.text == "PSI > 0.25 & page @bob"


def test_a_dm_is_an_answer_in_the_dm() -> None:
    message = message_from_event(P.event_body(P.dm_message("U0ADA", "mock drift")), BOT_USER, NOW)
    assert message is not None and message.is_dm
    assert message.place == Place("slack", TEAM, "D0ADA")


@pytest.mark.parametrize(
    "event",
    [
        P.bot_echo("Score: 80/100", THREAD),
        P.other_bot("PSI", THREAD),
        P.edited("U0ADA", "PSI (edited)", THREAD),
        P.deleted(THREAD),
        {**P.thread_reply("U0ADA", "joined", THREAD), "subtype": "channel_join"},
        {**P.thread_reply(BOT_USER, "me again", THREAD)},
        P.thread_reply("U0ADA", "someone else's thread", THREAD, parent_user="U0HUMAN"),
        {
            k: v
            for k, v in P.thread_reply("U0ADA", "top level", THREAD).items()
            if k not in {"thread_ts", "parent_user_id"}
        },
        {**P.thread_reply("U0ADA", "thread parent itself", THREAD), "ts": THREAD},
        {**P.thread_reply("U0ADA", "   ", THREAD)},
        {**P.dm_message("U0ADA", "group dm"), "channel_type": "mpim", "channel": "G0MPIM"},
        {**P.dm_message("U0ADA", "no user"), "user": None},
        {"type": "reaction_added", "user": "U0ADA"},
    ],
    ids=[
        "own bot",
        "other bot",
        "edit",
        "delete",
        "join",
        "bot user",
        "human thread",
        "top level",
        "parent",
        "blank",
        "mpim",
        "no user",
        "not a message",
    ],
)
def test_ignored(event: dict) -> None:
    assert message_from_event(P.event_body(event), BOT_USER, NOW) is None


def test_thread_broadcasts_and_file_shares_still_count() -> None:
    for subtype in ("thread_broadcast", "file_share"):
        event = {**P.thread_reply("U0ADA", "PSI", THREAD), "subtype": subtype}
        assert message_from_event(P.event_body(event), BOT_USER, NOW) is not None


def test_plain_text_turns_slack_markup_back_into_words() -> None:
    assert (
        plain_text("<!here> see <https://x.test/a|the doc> in <#C1|ml>")
        == "@here see the doc in #ml"
    )
    assert plain_text("<https://x.test/a> &lt;b&gt;") == "https://x.test/a <b>"
    assert plain_text("<!subteam^S1|@oncall> ping") == "@oncall ping"


def test_slash_commands() -> None:
    url = "http://127.0.0.1:9/response/1"
    today = slash_command(P.slash("today", "U0ADA", url))
    assert (today.name, today.args, today.in_dm, today.unknown) == ("today", (), False, "")
    assert today.event_id.startswith("cmd:") and today.response_url == url
    mock = slash_command(P.slash("MOCK drift senior", "U0ADA", url))
    assert (mock.name, mock.core_text) == ("mock", "mock drift senior")
    assert slash_command(P.slash("", "U0ADA", url)).name == "help"
    odd = slash_command(P.slash("frobnicate now", "U0ADA", url))
    assert (odd.name, odd.unknown, odd.args) == ("help", "frobnicate", ())
    sched = slash_command(P.slash("schedule 09:00 Europe/Helsinki mon-fri", "U0ADA", url))
    assert sched.core_text == "schedule 09:00 Europe/Helsinki mon-fri"
    dm = slash_command(
        P.slash("streak", "U0ADA", url, channel="D0ADA", channel_name="directmessage")
    )
    assert dm.in_dm and dm.channel_place == Place("slack", TEAM, "D0ADA")


def test_button_presses() -> None:
    value = json.dumps({"o": "U0ADA", "t": THREAD})
    payload = P.button("coach_model", value, "U0ADA", "1795400000.000009", thread_ts=THREAD)
    press = button_press(payload, NOW)
    assert press is not None
    assert press.action.kind is ActionKind.MODEL and press.owner == "U0ADA"
    assert press.action.place == Place("slack", TEAM, P.CHANNEL, THREAD)
    assert press.action.event_id == f"button:{P.CHANNEL}:1795400000.000009:coach_model:U0ADA"
    again = button_press(
        P.button("coach_model", value, "U0ADA", "1795400000.000009", thread_ts=THREAD), NOW
    )
    assert again is not None and again.action.event_id == press.action.event_id

    ephemeral = P.button("coach_next", value, "U0ADA", "1795400000.000010", ephemeral=True)
    press = button_press(ephemeral, NOW)
    assert press is not None and press.action.place.thread == THREAD  # from the button value

    in_dm = P.button(
        "coach_skip", json.dumps({"o": "U0ADA", "t": ""}), "U0ADA", "1.1", channel="D0ADA"
    )
    press = button_press(in_dm, NOW)
    assert press is not None and press.in_dm and press.action.place.thread == ""

    assert button_press(P.button("other_app_button", value, "U0ADA", "1.1"), NOW) is None
    broken = button_press(
        P.button("coach_skip", "not json", "U0ADA", "1.1", thread_ts=THREAD), NOW
    )
    assert broken is not None and broken.owner == "" and broken.action.place.thread == THREAD
