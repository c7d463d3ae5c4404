"""A small Discord on 127.0.0.1: the REST routes the coach uses and a gateway websocket.

REST: login, application info, /gateway/bot, command sync, messages (with nonce dedupe and
Discord's size limits; JSON or multipart/form-data with `payload_json` + `files[n]`, the way
discord.py sends files), threads, DM channels, interaction callbacks and follow-ups. Every answer
carries `Via` and a content type of exactly `application/json`, as Discord's do (discord.py
refuses to retry a 429 otherwise). Faults can be injected per route: a 429 with `retry_after`,
a 500 after the request took effect, or an error with Discord's JSON code (403 / 50007: the user
does not accept DMs).

Gateway: HELLO, heartbeats, IDENTIFY (4004 on a bad token, 4014 when Message Content is
requested but not enabled), READY + GUILD_CREATE, RESUME with replay, INVALID_SESSION, and
dispatch of MESSAGE_CREATE, THREAD_CREATE and INTERACTION_CREATE.

Everything the bot sends is recorded in `calls` (with a monotonic timestamp) for assertions and
the transcript; uploaded files (name and bytes) in `uploads`, keyed by attachment id.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from tests.discord import payloads as p

API_PREFIX = "/api/v10"
MAX_CONTENT = 2000
EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded with a message (multipart `files[n]`)."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    at: float = 0.0
    files: list[Upload] = field(default_factory=list)


@dataclass
class Fault:
    """Answer matching requests with an error, `times` times."""

    method: str
    path: re.Pattern[str]
    status: int
    times: int = 1
    after_effect: bool = False  # apply the request, then answer with the error anyway
    retry_after: float = 0.2
    code: int = 0  # Discord's JSON error code, e.g. 50007 "Cannot send messages to this user"
    message: str = "Internal Server Error"


@dataclass
class Interaction:
    """An interaction the fake sent, and how the bot answered it."""

    id: str
    token: str
    channel_id: str
    payload: dict[str, Any]
    sent_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    callback_at: float | None = None
    original: dict[str, Any] | None = None  # the deferred response, once filled in
    deferred_ephemeral: bool = False
    original_state: str = "none"  # none | loading | done | deleted
    followups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ack_type(self) -> int | None:
        return self.callbacks[0]["type"] if self.callbacks else None

    def texts(self) -> list[str]:
        """Every message the user saw in answer: the filled-in original, then follow-ups."""
        return [m["content"] for m in self.followups]


@dataclass
class Session:
    """A gateway session: its sequence, the events sent on it and the socket, if connected."""

    id: str
    shard: list[int] | None
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    dead: bool = False  # invalidated: never resumed, receives nothing


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    body = b"" if data is None else json.dumps(data).encode()
    base = {"Via": "1.1 google", "Content-Type": "application/json"}
    if status == 204:
        return web.Response(status=204, headers={"Via": "1.1 google"})
    return web.Response(status=status, body=body, headers={**base, **(headers or {})})


def _invalid_form(errors: list[str]) -> web.Response:
    return _json({"message": "Invalid Form Body", "code": 50035, "errors": errors}, 400)


def embed_problems(embed: dict[str, Any]) -> list[str]:
    """Discord's embed limits (docs: resources/message, embed limits)."""
    problems = []
    total = 0
    for key, limit in EMBED_LIMITS.items():
        value = embed.get(key)
        text = value.get("text") or value.get("name") or "" if isinstance(value, dict) else value
        if text and len(text) > limit:
            problems.append(f"embed.{key} longer than {limit}")
        total += len(text or "")
    fields = embed.get("fields", [])
    if len(fields) > 25:
        problems.append("more than 25 fields")
    for f in fields:
        if not f.get("name") or not f.get("value"):
            problems.append("empty field name or value")
        if len(f.get("name", "")) > 256:
            problems.append("field name longer than 256")
        if len(f.get("value", "")) > 1024:
            problems.append("field value longer than 1024")
        total += len(f.get("name", "")) + len(f.get("value", ""))
    if total > 6000:
        problems.append("embed longer than 6000 in total")
    return problems


def message_problems(body: dict[str, Any]) -> list[str]:
    problems = []
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    if len(content) > MAX_CONTENT:
        problems.append(f"content longer than {MAX_CONTENT}")
    if len(embeds) > 10:
        problems.append("more than 10 embeds")
    for embed in embeds:
        problems.extend(embed_problems(embed))
    if not content and not embeds and not body.get("components") and not body.get("attachments"):
        problems.append("empty message")
    nonce = body.get("nonce")
    if nonce is not None and len(str(nonce)) > 25:
        problems.append("nonce longer than 25")
    return problems


def file_problems(body: dict[str, Any], files: list[Upload]) -> list[str]:
    """Each `files[n]` part must be announced in `attachments` (by id n) and the other way round
    (entries with a snowflake id keep an existing attachment and need no upload)."""
    entries = body.get("attachments") or []
    announced = {str(a.get("id")) for a in entries if len(str(a.get("id"))) < 10}
    sent = {u.field.removeprefix("files[").removesuffix("]") for u in files}
    return [] if announced == sent else ["attachments do not match the uploaded files"]


async def _read_multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    """A multipart/form-data body: the JSON of `payload_json`, and the `files[n]` parts."""
    body: Any = None
    files: list[Upload] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue  # no nested multiparts in what discord.py sends
        if part.name == "payload_json":
            body = json.loads(await part.text())
        elif part.name and part.name.startswith("files["):
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            content = bytes(await part.read())
            files.append(Upload(part.name, part.filename or "", content, content_type))
    return body, files


def pings(body: dict[str, Any]) -> list[str]:
    """Who a message would notify, given its content and allowed_mentions."""
    text = (body.get("content") or "") + json.dumps(body.get("embeds") or [])
    allowed = body.get("allowed_mentions")
    parse = {"everyone", "roles", "users"} if allowed is None else set(allowed.get("parse", []))
    found = []
    if "everyone" in parse:
        found += re.findall(r"@(everyone|here)", body.get("content") or "")
    role_ids = re.findall(r"<@&(\d+)>", body.get("content") or "")
    user_ids = re.findall(r"<@!?(\d+)>", body.get("content") or "")
    allowed_roles = set((allowed or {}).get("roles", []))
    allowed_users = set((allowed or {}).get("users", []))
    found += [f"role:{r}" for r in role_ids if "roles" in parse or r in allowed_roles]
    found += [f"user:{u}" for u in user_ids if "users" in parse or u in allowed_users]
    del text
    return found


class FakeDiscord:
    """The fake server and the small world it serves: one guild, a few users and channels."""

    def __init__(self, token: str = p.BOT_TOKEN, *, message_content_enabled: bool = True) -> None:
        self.token = token
        self.message_content_enabled = message_content_enabled
        self.gateway_rejects_token = False  # a token revoked after login: close 4004
        self.app_id = p.snowflake()
        self.bot = p.user(self.app_id, "prodml-coach", bot=True)
        self.guild_id = p.snowflake()
        self.admin_role = p.snowflake()
        self.admin = p.user(p.snowflake(), "grace")
        self.alice = p.user(p.snowflake(), "alice")
        self.bob = p.user(p.snowflake(), "bob")
        self.other_bot = p.user(p.snowflake(), "otherbot", bot=True)
        self.channel_id = p.snowflake()
        self.lounge_id = p.snowflake()
        self.roles = [
            p.role(self.guild_id, "@everyone", p.PERM_VIEW_SEND_HISTORY, 0),
            p.role(self.admin_role, "admins", p.PERM_MANAGE_GUILD | p.PERM_VIEW_SEND_HISTORY, 1),
        ]
        self.members = {
            self.admin["id"]: p.member(self.admin, [self.admin_role]),
            self.alice["id"]: p.member(self.alice, []),
            self.bob["id"]: p.member(self.bob, []),
            self.other_bot["id"]: p.member(self.other_bot, []),
            self.bot["id"]: p.member(self.bot, []),
        }
        self.channels: dict[str, dict[str, Any]] = {
            self.channel_id: p.text_channel(self.channel_id, self.guild_id, "mlops-daily"),
            self.lounge_id: p.text_channel(self.lounge_id, self.guild_id, "lounge"),
        }
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self.dms: dict[str, str] = {}  # user id -> DM channel id
        self.interactions: dict[str, Interaction] = {}
        self.by_token: dict[str, Interaction] = {}
        self.commands: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.uploads: dict[str, Upload] = {}  # attachment id -> the uploaded file
        self.faults: list[Fault] = []
        self.rejected: list[tuple[str, list[str]]] = []
        self.sessions: dict[str, Session] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.replay_overlap = 0  # on RESUME, also re-send this many already-delivered events
        self.login_attempts = 0
        self._ready_sent = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ------------------------------------------------------------------ waiting
    def _bump(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait(self, predicate: Callable[[], object], timeout: float = 15.0) -> None:
        """Wait until the predicate holds (checked after every change), or fail."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"fake Discord: timed out waiting for {predicate}")
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                raise AssertionError(f"fake Discord: timed out waiting for {predicate}") from None

    # ------------------------------------------------------------------ faults
    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        after_effect: bool = False,
        retry_after: float = 0.2,
        code: int = 0,
        message: str = "Internal Server Error",
    ) -> None:
        self.faults.append(
            Fault(
                method, re.compile(path), status, times, after_effect, retry_after, code, message
            )
        )

    def _fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and fault.path.fullmatch(path):
                fault.times -= 1
                return fault
        return None

    # ------------------------------------------------------------------ REST
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        method = request.method
        body: Any = None
        files: list[Upload] = []
        if request.can_read_body and request.content_type == "multipart/form-data":
            body, files = await _read_multipart(request)
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        call = Call(method, path, dict(request.query), body, at=time.monotonic(), files=files)
        self.calls.append(call)
        response = await self._answer(request, method, path, body, files)
        call.status = response.status
        self._bump()
        return response

    async def _answer(
        self, request: web.Request, method: str, path: str, body: Any, files: list[Upload]
    ) -> web.Response:
        is_webhook = path.startswith(("/webhooks/", "/interactions/"))
        if not is_webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            if path == "/users/@me":
                self.login_attempts += 1
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        fault = self._fault_for(method, path)
        if fault is not None and fault.status == 429:
            return _json(
                {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": False,
                },
                429,
                {"Retry-After": str(fault.retry_after), "X-RateLimit-Scope": "user"},
            )
        if fault is not None and not fault.after_effect:
            return _json({"message": fault.message, "code": fault.code}, fault.status)
        response = await self._route(method, path, body, request.query, files)
        if fault is not None:
            return _json({"message": fault.message, "code": fault.code}, fault.status)
        return response

    async def _route(
        self, method: str, path: str, body: Any, query: Any, files: list[Upload]
    ) -> web.Response:
        parts = path.strip("/").split("/")
        if path == "/users/@me" and method == "GET":
            self.login_attempts += 1
            return _json(self.bot)
        if path == "/oauth2/applications/@me":
            return _json(self._application())
        if path in ("/gateway", "/gateway/bot"):
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if parts[:1] == ["applications"] and parts[-1] == "commands" and method == "PUT":
            self.commands = [
                {**c, "id": p.snowflake(), "application_id": self.app_id, "version": "1"}
                for c in body
            ]
            return _json(self.commands)
        if parts[:1] == ["channels"] and len(parts) == 2 and method == "GET":
            channel = self._channel(parts[1])
            return _json(channel) if channel else _json({"message": "Unknown Channel"}, 404)
        if parts[:1] == ["channels"] and parts[2:] == ["messages"] and method == "POST":
            return await self._create_message(parts[1], body, files)
        if parts[:1] == ["channels"] and parts[2:3] == ["messages"] and parts[4:] == ["threads"]:
            return await self._thread_from_message(parts[1], parts[3], body)
        if parts[:1] == ["channels"] and parts[2:] == ["threads"] and method == "POST":
            return await self._thread_without_message(parts[1], body)
        if path == "/users/@me/channels" and method == "POST":
            return _json(self._dm_with(str(body["recipient_id"])))
        if parts[:1] == ["interactions"] and parts[3:] == ["callback"]:
            return self._callback(parts[1], parts[2], body)
        if parts[:1] == ["webhooks"]:
            return await self._webhook(method, parts[2], parts[3:], body, query, files)
        return _json({"message": f"fake Discord has no route {method} {path}", "code": 0}, 404)

    def _application(self) -> dict[str, Any]:
        flags = (1 << 19) if self.message_content_enabled else 0  # GATEWAY_MESSAGE_CONTENT
        return {
            "id": self.app_id,
            "name": "ProdML Coach",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self.admin,
            "team": None,
            "flags": flags,
            "interactions_endpoint_url": None,
            "summary": "",
            "rpc_origins": [],
            "redirect_uris": [],
            "tags": [],
            "approximate_guild_count": 1,
        }

    def _channel(self, channel_id: str) -> dict[str, Any] | None:
        return self.channels.get(channel_id)

    def _keep_uploads(
        self, channel_id: str, body: dict[str, Any], files: list[Upload]
    ) -> list[dict[str, Any]]:
        """Store the uploaded files; the message's `attachments` as Discord returns them."""
        found = []
        for upload in files:
            attachment_id = p.snowflake()
            self.uploads[attachment_id] = upload
            url = f"https://cdn.discordapp.invalid/attachments/{channel_id}/{attachment_id}/"
            found.append(
                {
                    "id": attachment_id,
                    "filename": upload.filename,
                    "size": len(upload.content),
                    "url": url + upload.filename,
                    "proxy_url": url + upload.filename,
                    "content_type": upload.content_type,
                }
            )
        return found

    def _store_message(self, data: dict[str, Any]) -> None:
        self.messages.setdefault(data["channel_id"], []).append(data)

    async def _create_message(
        self, channel_id: str, body: dict[str, Any], files: list[Upload]
    ) -> web.Response:
        channel = self._channel(channel_id)
        if channel is None:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        problems = message_problems(body) + file_problems(body, files)
        if problems:
            self.rejected.append((channel_id, problems))
            return _invalid_form(problems)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            seen = self.nonces.get((channel_id, str(nonce)))
            if seen is not None:
                return _json(seen)
        guild_id = channel.get("guild_id")
        reference = body.get("message_reference")
        data = p.message(
            p.snowflake(),
            channel_id,
            self.bot,
            body.get("content") or "",
            guild_id=guild_id,
            author_member=self.members[self.bot["id"]] if guild_id else None,
            embeds=body.get("embeds"),
            components=body.get("components"),
            nonce=None if nonce is None else str(nonce),
            kind=19 if reference else 0,
            reference=reference,
        )
        data["allowed_mentions"] = body.get("allowed_mentions")
        data["pings"] = pings(body)
        data["attachments"] = self._keep_uploads(channel_id, body, files)
        self._store_message(data)
        if nonce is not None:
            self.nonces[(channel_id, str(nonce))] = data
        await self.dispatch("MESSAGE_CREATE", _wire(data))
        return _json(data)

    async def _thread_from_message(
        self, channel_id: str, message_id: str, body: dict[str, Any]
    ) -> web.Response:
        if message_id in self.channels:
            return _json(
                {"message": "A thread has already been created for this message", "code": 160004},
                400,
            )
        if len(body.get("name", "")) > 100 or not body.get("name"):
            return _invalid_form(["thread name must be 1-100 characters"])
        thread = p.thread_channel(
            message_id, self.guild_id, channel_id, self.bot["id"], body["name"]
        )
        self.channels[message_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread)

    async def _thread_without_message(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        thread_id = p.snowflake()
        thread = p.thread_channel(
            thread_id, self.guild_id, channel_id, self.bot["id"], body["name"]
        )
        self.channels[thread_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread)

    def _dm_with(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.dms:
            channel_id = p.snowflake()
            self.dms[user_id] = channel_id
            recipient = next(u for u in self.users() if u["id"] == user_id)
            self.channels[channel_id] = p.dm_channel(channel_id, recipient)
        return self.channels[self.dms[user_id]]

    def _callback(self, interaction_id: str, token: str, body: dict[str, Any]) -> web.Response:
        found = self.interactions.get(interaction_id)
        if found is None or found.token != token:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if found.callbacks:
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        found.callbacks.append(body)
        found.callback_at = time.monotonic()
        flags = (body.get("data") or {}).get("flags", 0)
        found.deferred_ephemeral = bool(flags & 64)
        if body["type"] == 5:
            found.original_state = "loading"
        elif body["type"] == 4:
            found.original_state = "done"
            found.followups.append(self._interaction_message(found, body["data"], flags & 64))
        return _json(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": found.payload["type"],
                    "response_message_loading": body["type"] == 5,
                    "response_message_ephemeral": bool(flags & 64),
                },
                "resource": {"type": body["type"]},
            }
        )

    def _interaction_message(
        self, found: Interaction, body: dict[str, Any], ephemeral: int
    ) -> dict[str, Any]:
        data = p.message(
            p.snowflake(),
            found.channel_id,
            self.bot,
            body.get("content") or "",
            embeds=body.get("embeds"),
            components=body.get("components"),
            webhook_id=self.app_id,
            flags=64 if ephemeral else 0,
        )
        data["allowed_mentions"] = body.get("allowed_mentions")
        data["pings"] = pings(body)
        data["ephemeral"] = bool(ephemeral)
        return data

    async def _webhook(
        self, method: str, token: str, rest: list[str], body: Any, query: Any, files: list[Upload]
    ) -> web.Response:
        found = self.by_token.get(token)
        if found is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        if not found.callbacks:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        if method == "POST" and not rest:
            problems = message_problems(body) + file_problems(body, files)
            if problems:
                self.rejected.append((found.channel_id, problems))
                return _invalid_form(problems)
            flags = int(body.get("flags", 0) or 0)
            if found.original_state == "loading":
                # The first follow-up fills in the deferred "thinking" response.
                flags = 64 if found.deferred_ephemeral else 0
                found.original_state = "done"
            data = self._interaction_message(found, body, flags & 64)
            data["attachments"] = self._keep_uploads(found.channel_id, body, files)
            found.followups.append(data)
            if not data["ephemeral"]:
                self._store_message(data)
            return _json(data) if query.get("wait") in ("1", "true", "True") else _json(None, 204)
        if rest[:1] == ["messages"] and method == "PATCH":
            data = self._interaction_message(found, body, 64 if found.deferred_ephemeral else 0)
            found.original_state = "done"
            found.original = data
            found.followups.append(data)
            return _json(data)
        if rest[:1] == ["messages"] and method == "DELETE":
            found.original_state = "deleted"
            return _json(None, 204)
        return _json({"message": "no such webhook route", "code": 0}, 404)

    # ------------------------------------------------------------------ gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        )
        session: Session | None = None
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op, data = frame.get("op"), frame.get("d")
            if op == 1:
                self.heartbeats += 1
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                self.identifies.append(data)
                self._bump()
                if data.get("token") != self.token or self.gateway_rejects_token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                wants_content = int(data.get("intents", 0)) & p.INTENT_MESSAGE_CONTENT
                if wants_content and not self.message_content_enabled:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                session = Session(f"session-{len(self.sessions) + 1}", data.get("shard"))
                self.sessions[session.id] = session
                session.ws = ws
                await self._send_ready(session)
            elif op == 6:
                self.resumes.append(data)
                self._bump()
                found = self.sessions.get(data.get("session_id", ""))
                if found is None or found.dead or data.get("token") != self.token:
                    await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
                    continue
                session = found
                session.ws = ws
                last = int(data.get("seq") or 0)
                replay = [e for e in session.events if e["s"] > last - self.replay_overlap]
                for event in replay:
                    await ws.send_str(json.dumps(event))
                await self._send(session, "RESUMED", {})
        if session is not None and session.ws is ws:
            session.ws = None
        self._bump()
        return ws

    def current(self) -> Session:
        """The newest session."""
        return list(self.sessions.values())[-1]

    async def _send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "s": session.seq, "t": event, "d": data}
        session.events.append(frame)
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_str(json.dumps(frame))
        self._bump()

    async def _send_ready(self, session: Session) -> None:
        self._ready_sent += 1
        await self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": self.bot,
                "guilds": [{"id": self.guild_id, "unavailable": True}],
                "session_id": session.id,
                "resume_gateway_url": self.gateway_url,
                "shard": session.shard or [0, 1],
                "application": {"id": self.app_id, "flags": self._application()["flags"]},
                "private_channels": [],
                "relationships": [],
            },
        )
        threads = [c for c in self.channels.values() if c["type"] == 11]
        texts = [c for c in self.channels.values() if c["type"] == 0]
        await self._send(
            session,
            "GUILD_CREATE",
            p.guild(
                self.guild_id,
                self.admin["id"],
                self.roles,
                texts,
                threads,
                list(self.members.values()),
            ),
        )

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event on every session: two processes on one shard both get it, and a
        session that is disconnected keeps it for its RESUME."""
        for session in list(self.sessions.values()):
            if not session.dead:
                await self._send(session, event, data)

    async def send_ready_again(self) -> None:
        await self._send_ready(self.current())

    async def close_gateway(self, code: int = 4000) -> None:
        """Drop the connection the way Discord does before asking for a RESUME."""
        ws = self.current().ws
        if ws is not None:
            await ws.close(code=code)

    async def invalidate_session(self) -> None:
        session = self.current()
        session.dead = True
        assert session.ws is not None
        await session.ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))

    # ------------------------------------------------------------------ what users do
    def users(self) -> list[dict[str, Any]]:
        return [self.admin, self.alice, self.bob, self.other_bot, self.bot]

    async def say(
        self,
        author: dict[str, Any],
        channel_id: str,
        content: str,
        *,
        kind: int = 0,
        webhook_id: str | None = None,
    ) -> dict[str, Any]:
        """A user (or bot) posts a message; the bot hears it as MESSAGE_CREATE."""
        channel = self.channels[channel_id]
        guild_id = channel.get("guild_id")
        data = p.message(
            p.snowflake(),
            channel_id,
            author,
            content,
            guild_id=guild_id,
            author_member=self.members.get(author["id"]) if guild_id else None,
            kind=kind,
            webhook_id=webhook_id,
        )
        self._store_message(data)
        await self.dispatch("MESSAGE_CREATE", _wire(data))
        return data

    async def edit(self, original: dict[str, Any], content: str) -> None:
        await self.dispatch(
            "MESSAGE_UPDATE", {**_wire(original), "content": content, "edited_timestamp": p.iso()}
        )

    async def delete(self, original: dict[str, Any]) -> None:
        data = {"id": original["id"], "channel_id": original["channel_id"]}
        if "guild_id" in original:
            data["guild_id"] = original["guild_id"]
        await self.dispatch("MESSAGE_DELETE", data)

    def dm_channel_of(self, who: dict[str, Any]) -> str:
        return self.dms[who["id"]]

    async def slash(
        self,
        who: dict[str, Any],
        channel_id: str,
        subcommand: str,
        options: dict[str, str] | None = None,
    ) -> Interaction:
        """A user runs `/coach <subcommand>` in a channel, thread or DM."""
        data = p.slash_data(
            self.commands[0]["id"] if self.commands else p.snowflake(), subcommand, options
        )
        return await self._interact(who, channel_id, 2, data)

    async def click(
        self, who: dict[str, Any], message: dict[str, Any], custom_id: str
    ) -> Interaction:
        """A user presses a button on one of the bot's messages."""
        return await self._interact(
            who, message["channel_id"], 3, p.button_data(custom_id), message
        )

    async def _interact(
        self,
        who: dict[str, Any],
        channel_id: str,
        kind: int,
        data: dict[str, Any],
        on_message: dict[str, Any] | None = None,
    ) -> Interaction:
        channel = self.channels[channel_id]
        guild_id = channel.get("guild_id")
        interaction_id = p.snowflake()
        token = f"aW50ZXJhY3Rpb246{interaction_id}:secret-interaction-token"
        member = self.members[who["id"]]
        permissions = p.PERM_VIEW_SEND_HISTORY
        if self.admin_role in member["roles"]:
            permissions |= p.PERM_MANAGE_GUILD
        payload = p.interaction(
            interaction_id,
            token,
            self.app_id,
            kind,
            data,
            channel,
            guild_id=guild_id,
            invoker=member if guild_id else who,
            permissions=permissions,
            on_message=_wire(on_message) if on_message else None,
        )
        found = Interaction(interaction_id, token, channel_id, payload, time.monotonic())
        self.interactions[interaction_id] = found
        self.by_token[token] = found
        await self.dispatch("INTERACTION_CREATE", payload)
        return found

    async def redeliver(self, interaction: Interaction) -> None:
        await self.dispatch("INTERACTION_CREATE", interaction.payload)

    # ------------------------------------------------------------------ inspection
    def in_channel(self, channel_id: str) -> list[dict[str, Any]]:
        return list(self.messages.get(channel_id, []))

    def bot_messages(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.in_channel(channel_id) if m["author"]["id"] == self.bot["id"]]

    def posts(self, method: str = "POST", pattern: str = ".*") -> list[Call]:
        rx = re.compile(pattern)
        return [c for c in self.calls if c.method == method and rx.fullmatch(c.path)]

    def files_of(self, message: dict[str, Any]) -> list[Upload]:
        """The files uploaded with one of the bot's messages."""
        return [self.uploads[a["id"]] for a in message.get("attachments", [])]

    def outbound_messages(self) -> list[dict[str, Any]]:
        """Every message the bot created, in channels, threads, DMs and interactions."""
        found = [
            m for ms in self.messages.values() for m in ms if m["author"]["id"] == self.app_id
        ]
        for interaction in self.interactions.values():
            found += [m for m in interaction.followups if m.get("ephemeral")]
        return found


def _wire(data: dict[str, Any]) -> dict[str, Any]:
    """A stored message without the fake's own bookkeeping keys."""
    return {k: v for k, v in data.items() if k not in {"allowed_mentions", "pings", "ephemeral"}}
