"""A small fake Slack on 127.0.0.1: the Web API methods the coach uses, response_urls, file
uploads (files.getUploadURLExternal → upload_url → files.completeUploadExternal) and a Socket
Mode websocket. It records every call, keeps channel history (with message metadata), enforces
Slack's block limits, flags broadcast mentions, and can inject faults: 429 with Retry-After,
error codes (with the scope a `missing_scope` needed), connections dropped before or after a
message is stored, and an upload_url that refuses the bytes (method "upload").
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-1111-2222-fakebottoken0001abc"
APP_TOKEN = "xapp-1-A0001-3333-fakeapptoken0002def"
SIGNING_SECRET = "5e1f0c9d8b7a-signing-secret-fake-4242"
TICKET = "tkt-socket-ticket-secret-7b6a5c"
TEAM = "T0TEAM"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
# What an app installed from adapters/slack/manifest.yaml is granted (auth.test x-oauth-scopes).
BOT_SCOPES = (
    "channels:history",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "im:write",
    "users:read",
)

MENTIONS = re.compile(
    r"<!(channel|here|everyone)|<!subteam|<@|(?<![\w\u2060])@(channel|here|everyone)\b", re.I
)


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    at: float
    auth: str = ""


@dataclass
class Fault:
    """What to do instead of (or after) answering a call."""

    status: int = 200
    error: str = ""
    retry_after: str | None = None
    drop: str = ""  # "before": drop without storing; "after": store, then drop
    times: int = 1
    needed: str = ""  # with error="missing_scope": the scope Slack says is needed


@dataclass
class Envelope:
    """A Socket Mode envelope sent to the bot and when (if) it was acknowledged."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    sent_at: float
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    acked_at: float | None = None


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every piece of text inside blocks."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for key, value in node.items():
                if key != "text" or not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return out


def check_blocks(blocks: Any, limit: int = 50) -> str:
    """'' if Slack would accept the blocks, else the error code it would answer."""
    if not isinstance(blocks, list):
        return "invalid_blocks_format"
    if len(blocks) > limit:
        return "invalid_blocks"
    total = 0
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            text = block.get("text", {}).get("text", "")
            if not text or len(text) > 3000:
                return "invalid_blocks"
        elif kind == "header":
            if len(block.get("text", {}).get("text", "")) > 150:
                return "invalid_blocks"
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > 10:
                return "invalid_blocks"
            if any(len(e.get("text", "")) > 3000 for e in elements):
                return "invalid_blocks"
        elif kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > 25:
                return "invalid_blocks"
            for e in elements:
                if len(e.get("action_id", "")) > 255 or len(e.get("value", "")) > 2000:
                    return "invalid_blocks"
                if len(e.get("text", {}).get("text", "")) > 75:
                    return "invalid_blocks"
        elif kind != "divider":
            return "invalid_blocks"
        total += sum(len(t) for t in block_texts([block]))
    if total > 12_000:
        return "msg_blocks_too_long"
    return ""


class FakeSlack:
    """The fake. `await start()`, point the bot at `api_url`, inspect `calls` and `messages`."""

    def __init__(
        self,
        users: dict[str, dict[str, Any]] | None = None,
        scopes: tuple[str, ...] = BOT_SCOPES,
    ) -> None:
        self.users = users or {}
        self.scopes = scopes
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}  # file_id → filename, length, bytes
        self.files: list[dict[str, Any]] = []  # files shared into a conversation
        self.violations: list[str] = []
        self.not_in_channel: set[str] = set()
        self.faults: dict[str, list[Fault]] = {}
        self.envelopes: dict[str, Envelope] = {}
        self.sockets: list[web.WebSocketResponse] = []
        self.connected = asyncio.Event()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, rid: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/response/{rid or next(self._ids)}"

    # ------------------------------------------------------------------ waiting
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait (without polling) until the predicate holds after some call."""

        async def waiter() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(waiter(), timeout)

    # ------------------------------------------------------------------ faults & queries
    def fault(self, method: str, **kwargs: Any) -> None:
        """Make the next call(s) to a method fail (see Fault)."""
        self.faults.setdefault(method, []).append(Fault(**kwargs))

    def count(self, method: str) -> int:
        return sum(1 for c in self.calls if c.method == method)

    def posts(self, channel: str, thread: str | None = None) -> list[dict[str, Any]]:
        """Top-level messages in a channel; with `thread`, the replies in that thread."""
        found = self.messages.get(channel, [])
        if thread is None:
            return [m for m in found if m.get("thread_ts") in (None, m["ts"])]
        return [m for m in found if m.get("thread_ts") == thread and m["ts"] != thread]

    def files_in(self, channel: str) -> list[dict[str, Any]]:
        """Files shared into a conversation (with their uploaded bytes as `content`)."""
        return [f for f in self.files if f["channel"] == channel]

    def all_posts(self) -> list[dict[str, Any]]:
        return [m for ms in self.messages.values() for m in ms]

    def add_message(self, channel: str, **message: Any) -> dict[str, Any]:
        """Put a message into history directly (e.g. one posted by a crashed replica)."""
        message.setdefault("ts", self._next_ts())
        message.setdefault("type", "message")
        self.messages.setdefault(channel, []).append(message)
        return message

    def _next_ts(self) -> str:
        return f"1795400000.{next(self._ts):06d}"

    # ------------------------------------------------------------------ Web API
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                args.update(json.loads(raw or b"{}"))
            else:
                for key, value in parse_qsl(raw.decode()):
                    if key in {"blocks", "metadata", "view"}:
                        args[key] = json.loads(value)
                    else:
                        args[key] = value
        return args

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call(method, args, time.monotonic(), auth))
        try:
            expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
            if auth != f"Bearer {expected}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            fault = self._take_fault(method)
            if fault is not None:
                if fault.status == 429:
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    return web.json_response(
                        {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                    )
                if fault.error:
                    refusal = {"ok": False, "error": fault.error}
                    if fault.needed:
                        refusal["needed"] = fault.needed
                    return web.json_response(refusal)
                if fault.drop == "before":
                    request.transport.close()  # type: ignore[union-attr]
                    return web.Response(text="")
            handler = getattr(self, "m_" + method.replace(".", "_"), None)
            if handler is None:
                return web.json_response({"ok": False, "error": "unknown_method"})
            body = handler(args)
            if fault is not None and fault.drop == "after":
                request.transport.close()  # type: ignore[union-attr]
                return web.Response(text="")
            if method == "auth.test":
                return web.json_response(body, headers={"x-oauth-scopes": ",".join(self.scopes)})
            return web.json_response(body)
        finally:
            await self._notify()

    def _take_fault(self, method: str) -> Fault | None:
        faults = self.faults.get(method) or []
        fault = faults[0] if faults else None
        if fault is not None:
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
        return fault

    def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Test Team",
            "team_id": TEAM,
            "user": "prodml-coach",
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }

    def m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link?ticket={TICKET}"}

    def _check_outbound(self, text: str, blocks: Any) -> str:
        if len(text) > 40_000:
            self.violations.append("msg_too_long")
            return "msg_too_long"
        for piece in [text, *block_texts(blocks or [])]:
            if MENTIONS.search(piece):
                self.violations.append(f"mention: {piece[:80]!r}")
        if blocks:
            error = check_blocks(blocks)
            if error:
                self.violations.append(error)
                return error
        if not text and not blocks:
            return "no_text"
        return ""

    def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        error = self._check_outbound(str(args.get("text") or ""), args.get("blocks"))
        if error:
            return {"ok": False, "error": error}
        message = {
            "type": "message",
            "ts": self._next_ts(),
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "text": args.get("text") or "",
            "blocks": args.get("blocks") or [],
        }
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._check_outbound(str(args.get("text") or ""), args.get("blocks"))
        if error:
            return {"ok": False, "error": error}
        ts = self._next_ts()
        self.ephemerals.append({**args, "message_ts": ts})
        return {"ok": True, "message_ts": ts}

    def m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args.get("channel"), str(args.get("message_ts"))
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _visible(self, message: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
        shown = dict(message)
        if not with_metadata:
            shown.pop("metadata", None)
        return shown

    def m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        oldest = float(args.get("oldest") or 0)
        meta = _truthy(args.get("include_all_metadata"))
        parents = [
            self._visible(m, meta)
            for m in self.messages.get(channel, [])
            if m.get("thread_ts") in (None, m["ts"]) and float(m["ts"]) >= oldest
        ]
        limit = int(args.get("limit") or 100)
        return {"ok": True, "messages": parents[::-1][:limit], "has_more": False}

    def m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        meta = _truthy(args.get("include_all_metadata"))
        thread = [
            self._visible(m, meta)
            for m in self.messages.get(channel, [])
            if m["ts"] == ts or m.get("thread_ts") == ts
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": thread, "has_more": False}

    def m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users"))
        return {"ok": True, "channel": {"id": "D" + user.lstrip("U")}}

    def m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        uid = str(args.get("user"))
        info = self.users.get(uid, {})
        name = info.get("name", uid.lower())
        return {
            "ok": True,
            "user": {
                "id": uid,
                "team_id": TEAM,
                "name": name,
                "real_name": info.get("real_name", name),
                "is_admin": bool(info.get("is_admin")),
                "is_owner": bool(info.get("is_owner")),
                "is_bot": False,
                "profile": {"display_name": info.get("display_name", "")},
            },
        }

    def m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view") or {}
        error = check_blocks(view.get("blocks"), limit=100)
        for piece in block_texts(view.get("blocks") or []):
            if MENTIONS.search(piece):
                self.violations.append(f"mention: {piece[:80]!r}")
        if error:
            self.violations.append(error)
            return {"ok": False, "error": error}
        self.views[str(args.get("user_id"))] = view
        return {"ok": True, "view": {"id": "V1", **view}}

    # ------------------------------------------------------------------ files
    def m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = {"filename": filename, "length": int(length), "content": None}
        return {
            "ok": True,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            "file_id": file_id,
        }

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        """The upload_url: takes the raw bytes (no token, like Slack's signed URL)."""
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.calls.append(
            Call("upload", {"file_id": file_id, "size": len(data)}, time.monotonic())
        )
        try:
            fault = self._take_fault("upload")
            pending = self.uploads.get(file_id)
            if fault is not None and fault.status != 200:
                return web.Response(status=fault.status, text="upload refused")
            if pending is None:
                return web.Response(status=404, text="not found")
            if len(data) != pending["length"]:
                return web.Response(status=400, text="length mismatch")
            pending["content"] = data
            return web.Response(text=f"OK - {len(data)}")
        finally:
            await self._notify()

    def m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            listed = json.loads(str(args.get("files") or "[]"))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(listed, list) or not listed:
            return {"ok": False, "error": "invalid_arguments"}
        channel = str(args.get("channel_id") or "")
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        comment = str(args.get("initial_comment") or "")
        if comment:
            error = self._check_outbound(comment, None)
            if error:
                return {"ok": False, "error": error}
        shared, contents = [], []
        for item in listed:
            pending = self.uploads.get(str(item.get("id")))
            if pending is None or pending["content"] is None:
                return {"ok": False, "error": "file_not_found"}
            shared.append(
                {
                    "id": str(item["id"]),
                    "name": pending["filename"],
                    "title": str(item.get("title") or pending["filename"]),
                    "size": pending["length"],
                }
            )
            contents.append(pending["content"])
        for info in shared:
            del self.uploads[info["id"]]
        if channel:
            for info, content in zip(shared, contents, strict=True):
                self.files.append(
                    {**info, "channel": channel, "initial_comment": comment, "content": content}
                )
            self.add_message(
                channel,
                subtype="file_share",
                user=BOT_USER,
                bot_id=BOT_ID,
                text=comment,
                files=shared,
            )
        return {"ok": True, "files": shared}

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read() or b"{}")
        self.calls.append(Call("response_url", body, time.monotonic()))
        error = self._check_outbound(str(body.get("text") or ""), body.get("blocks"))
        if not error:
            self.responses.append({"rid": request.match_info["rid"], **body})
        await self._notify()
        if error:
            return web.Response(status=400, text=error)
        return web.Response(text="ok")

    # ------------------------------------------------------------------ Socket Mode
    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") != TICKET:
            return web.Response(status=401)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}}
        )
        self.connected.set()
        await self._notify()
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                envelope = self.envelopes.get(str(data.get("envelope_id")))
                if envelope is not None and envelope.acked_at is None:
                    envelope.acked_at = time.monotonic()
                    envelope.acked.set()
                    self.calls.append(Call("socket_ack", data, envelope.acked_at))
                    await self._notify()
        finally:
            self.sockets.remove(ws)
        return ws

    async def send_envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Envelope:
        """Deliver an events_api / slash_commands / interactive envelope on the open socket."""
        await asyncio.wait_for(self.connected.wait(), 10)
        envelope = Envelope(f"env-{next(self._ids)}", kind, payload, time.monotonic())
        self.envelopes[envelope.envelope_id] = envelope
        frame: dict[str, Any] = {
            "envelope_id": envelope.envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            frame["retry_attempt"] = retry_attempt
            frame["retry_reason"] = retry_reason
        await self.sockets[-1].send_json(frame)
        return envelope

    # ------------------------------------------------------------------ transcript
    def record_inbound(self, kind: str, payload: dict[str, Any]) -> None:
        """Note what the test sent to the bot, so transcripts show both sides."""
        self.calls.append(Call(f">> {kind}", payload, time.monotonic()))

    def transcript(self, channel: str, thread: str) -> list[str]:
        """One thread as recorded: what the bot was sent and every call it made for it."""
        return [line for call in self.calls if (line := self._line(call, channel, thread))]

    def _line(self, call: Call, channel: str, thread: str) -> str:
        a = call.args
        here = a.get("channel") == channel
        if call.method == ">> event" and a.get("thread_ts") == thread:
            who = a.get("user") or a.get("bot_id")
            return f">> message event from {who}: {a.get('text', '')[:200]}"
        if call.method == ">> action" and a["container"].get("thread_ts") == thread:
            return f">> block_actions: {a['user']['id']} pressed {a['actions'][0]['action_id']}"
        if call.method == ">> command" and a.get("channel_id") == channel:
            return f">> /coach {a['text']} (from {a['user_id']})"
        if call.method == "response_url" and a.get("response_type"):
            return f"response_url {a['response_type']}: {str(a.get('text'))[:200]}"
        posted = a.get("thread_ts") == thread or (not a.get("thread_ts") and _has_key(a))
        if call.method == "chat.postMessage" and here and posted:
            return _describe(call)
        if call.method == "chat.postEphemeral" and a.get("thread_ts") == thread:
            return _describe(call)
        if call.method in {"conversations.history", "conversations.replies"} and here:
            return _describe(call)
        return ""


def _has_key(args: dict[str, Any]) -> bool:
    return bool((args.get("metadata") or {}).get("event_payload"))


def _describe(call: Call) -> str:
    a = call.args
    parts = [call.method]
    for key in ("channel", "thread_ts", "user", "include_all_metadata"):
        if a.get(key):
            parts.append(f"{key}={a[key]}")
    if a.get("metadata"):
        parts.append(f"metadata={json.dumps(a['metadata'], ensure_ascii=False)}")
    head = " ".join(parts)
    body = "\n".join(f"    | {line}" for line in str(a.get("text") or "").splitlines()[:40])
    buttons = [
        e["text"]["text"]
        for b in a.get("blocks") or []
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]
    tail = f"\n    [buttons: {' / '.join(buttons)}]" if buttons else ""
    return f"{head}\n{body}{tail}" if body else head + tail
