"""A readable transcript of what the bot did, as the fake Discord recorded it."""

from __future__ import annotations

import re
from typing import Any

from tests.discord.fake_discord import Call, FakeDiscord

TOKEN_IN_PATH = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/]+")


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    bits = []
    if body.get("content"):
        bits.append(f"content={_short(body['content'])!r}")
    for embed in body.get("embeds") or []:
        fields = ", ".join(f["name"] for f in embed.get("fields", []))
        bits.append(
            f"embed[title={_short(embed.get('title', ''), 70)!r}, "
            f"desc={_short(embed.get('description', ''), 50)!r}, fields=({fields})]"
        )
    buttons = [
        c["label"] for row in body.get("components") or [] for c in row.get("components", [])
    ]
    if buttons:
        bits.append(f"buttons={buttons}")
    if "nonce" in body:
        bits.append(f"nonce={body['nonce']} enforce_nonce={body.get('enforce_nonce')}")
    if "allowed_mentions" in body:
        bits.append(f"allowed_mentions={body['allowed_mentions']}")
    if "name" in body and "content" not in body:
        bits.append(f"name={body['name']!r}")
    if "type" in body and "content" not in body:
        bits.append(f"type={body['type']} data={body.get('data')}")
    if "message_reference" in body:
        bits.append(f"reply_to={body['message_reference'].get('message_id')}")
    if body.get("flags"):
        bits.append(f"flags={body['flags']}")
    return " ".join(bits)


def line(call: Call) -> str:
    path = TOKEN_IN_PATH.sub(r"\1<token>", call.path)
    return f"{call.method} {path} -> {call.status}  {_summary(call.body)}".rstrip()


def transcript(fake: FakeDiscord, since: int = 0, skip_startup: bool = True) -> str:
    """The bot's REST calls from index `since`, one per line, tokens masked."""
    startup = {"/users/@me", "/oauth2/applications/@me", "/gateway", "/gateway/bot"}
    lines = []
    for call in fake.calls[since:]:
        if skip_startup and (call.path in startup or call.path.endswith("/commands")):
            continue
        lines.append(line(call))
    return "\n".join(lines)


def user_turn(who: dict[str, Any], where: str, text: str) -> str:
    return f"<< {who['username']} in {where}: {_short(text, 140)}"


class Recorder:
    """Interleaves what users did with the bot's REST calls that followed."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.lines: list[str] = []
        self.mark = len(fake.calls)

    def flush(self) -> None:
        chunk = transcript(self.fake, self.mark)
        self.lines += [f">> {x}" for x in chunk.splitlines()]
        self.mark = len(self.fake.calls)

    def user(self, who: dict[str, Any], where: str, text: str) -> None:
        self.flush()
        self.lines.append(user_turn(who, where, text))

    def note(self, text: str) -> None:
        self.flush()
        self.lines.append(f"-- {text}")

    def text(self) -> str:
        self.flush()
        return "\n".join(self.lines)
