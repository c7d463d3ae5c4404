"""The Slack Web API client and the one place that posts messages.

* 429 + Retry-After is waited for and retried a bounded number of times.
* A dropped connection is never blindly retried for chat.postMessage / chat.postEphemeral:
  the post may have gone through. Posts carry a message-metadata key instead; after a dropped
  connection we look for that key in the channel (or thread) and re-send only if it is absent.
* Files (a data export) go up with files_upload_v2; a dropped completion is not re-sent either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.render import SlackMessage
from bot.messages import Attachment

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://slack.com/api/"
NOT_IDEMPOTENT = ("chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal")
CONNECTION_ERRORS = (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, TimeoutError)
DAILY_EVENT = "prodml_daily"
REPLY_EVENT = "prodml_reply"
MAX_LOOKUP_PAGES = 5
Sleep = Callable[[float], Awaitable[None]]

# slack_sdk's webhook client logs the response_url (a short-lived credential) at DEBUG; give it a
# logger of its own that never goes below INFO.
_webhook_log = logging.getLogger("slack_sdk.webhook.response_url")
_webhook_log.setLevel(logging.INFO)


class NoRepostConnectionRetry(AsyncConnectionErrorRetryHandler):
    """Retries a dropped connection once, except for calls that post a message."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.rstrip("/").endswith(NOT_IDEMPOTENT):
            return False
        return bool(
            await super()._can_retry_async(
                state=state, request=request, response=response, error=error
            )
        )


class RateLimitRetry(AsyncRetryHandler):
    """On 429, waits for Retry-After (capped) and tries again, at most `max_retry_count` times."""

    def __init__(
        self,
        max_retry_count: int = 3,
        max_wait: float = 60.0,
        sleep: Sleep | None = None,
        wait_turn: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.sleep: Sleep = sleep or asyncio.sleep
        self.wait_turn = wait_turn  # the fan-out pacer: every sender backs off, then queues

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = 1.0
        if response is not None:
            for name, values in response.headers.items():
                if name.lower() == "retry-after" and values:
                    try:
                        wait = float(values[0])
                    except ValueError:
                        wait = 1.0
        wait = min(max(wait, 0.0), self.max_wait)
        log.info("Slack rate limit on %s: waiting %.1f s", request.url.rsplit("/", 1)[-1], wait)
        state.next_attempt_requested = True
        if self.wait_turn is not None:
            await self.wait_turn(wait)
        else:
            await self.sleep(wait)
        state.increment_current_attempt()


def retry_handlers(
    sleep: Sleep | None = None, wait_turn: Callable[[float], Awaitable[None]] | None = None
) -> list[AsyncRetryHandler]:
    """The handlers every client of ours uses."""
    return [
        NoRepostConnectionRetry(max_retry_count=1),
        RateLimitRetry(sleep=sleep, wait_turn=wait_turn),
    ]


def api_url(base: str | None) -> str:
    """The Web API base URL (SLACK_API_URL, e.g. a local fake), ending in a slash."""
    return (base or DEFAULT_API_URL).rstrip("/") + "/"


class CountingWebClient(AsyncWebClient):
    """An AsyncWebClient that reports each failed call's error code (after retries)."""

    def __init__(self, *, on_error: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_error = on_error

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        """Every Web API method goes through here."""
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            self.on_error(error_code(exc))
            raise


def make_client(
    token: str,
    base_url: str | None = None,
    sleep: Sleep | None = None,
    wait_turn: Callable[[float], Awaitable[None]] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> AsyncWebClient:
    """An AsyncWebClient with our retry policy; after a 429 a retry waits for `wait_turn`;
    `on_error` hears the error code of every call that fails."""
    return CountingWebClient(
        on_error=on_error or _ignore,
        token=token,
        base_url=api_url(base_url),
        retry_handlers=retry_handlers(sleep, wait_turn),
    )


def _ignore(_code: str) -> None:
    """An error listener that does nothing."""


def _key_of(message: dict[str, Any]) -> str:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return str(payload.get("key") or "")


class Poster:
    """Posts messages exactly once as far as Slack lets us tell."""

    def __init__(self, client: AsyncWebClient, sleep: Sleep | None = None) -> None:
        self.client = client
        self.sleep = sleep

    async def find(
        self, channel: str, thread: str, key: str, oldest: datetime | None = None
    ) -> str | None:
        """The ts of a message of ours tagged with `key`, in a thread or the channel."""
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 200}
        if oldest is not None:
            args["oldest"] = f"{oldest.timestamp():.6f}"
        for _ in range(MAX_LOOKUP_PAGES):
            if thread:
                response = await self.client.conversations_replies(ts=thread, **args)
            else:
                response = await self.client.conversations_history(**args)
            for message in response.get("messages") or []:
                if _key_of(message) == key:
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                break
            args["cursor"] = cursor
        return None

    async def post(
        self,
        channel: str,
        message: SlackMessage,
        thread: str = "",
        key: str = "",
        event_type: str = REPLY_EVENT,
    ) -> str:
        """chat.postMessage; after a dropped connection, re-send only if the key isn't there."""
        args: dict[str, Any] = {
            "channel": channel,
            "text": message.text,
            "blocks": message.blocks,
            "unfurl_links": False,
            "unfurl_media": False,
            "link_names": False,
        }
        if thread:
            args["thread_ts"] = thread
        if key:
            args["metadata"] = {"event_type": event_type, "event_payload": {"key": key}}
        try:
            response = await self.client.chat_postMessage(**args)
            return str(response["ts"])
        except CONNECTION_ERRORS as exc:
            if not key:
                log.warning(
                    "connection lost while posting to %s (%s); not re-sent", channel, _kind(exc)
                )
                raise
            log.warning(
                "connection lost while posting to %s (%s); checking whether it arrived",
                channel,
                _kind(exc),
            )
        found = await self.find(channel, thread, key)
        if found is not None:
            log.info("the post to %s had arrived; not re-sending it", channel)
            return found
        response = await self.client.chat_postMessage(**args)
        return str(response["ts"])

    async def ephemeral(
        self, channel: str, user: str, message: SlackMessage, thread: str = ""
    ) -> None:
        """chat.postEphemeral (can't be looked up afterwards, so never re-sent)."""
        args: dict[str, Any] = {
            "channel": channel,
            "user": user,
            "text": message.text,
            "blocks": message.blocks,
            "link_names": False,
        }
        if thread:
            args["thread_ts"] = thread
        try:
            await self.client.chat_postEphemeral(**args)
        except CONNECTION_ERRORS as exc:
            log.warning(
                "connection lost while sending an ephemeral reply (%s); not re-sent", _kind(exc)
            )

    async def upload(self, channel: str, attachment: Attachment, comment: str) -> None:
        """Share a file in a conversation: files.getUploadURLExternal, the bytes to its
        upload_url, then files.completeUploadExternal (raises SlackApiError or
        SlackRequestError)."""
        await self.client.files_upload_v2(
            channel=channel,
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.filename,
            initial_comment=comment,
        )

    async def respond(self, response_url: str, message: SlackMessage, private: bool) -> None:
        """Answer a slash command through its response_url (works in any conversation)."""
        webhook = AsyncWebhookClient(
            response_url, retry_handlers=[RateLimitRetry(sleep=self.sleep)], logger=_webhook_log
        )
        try:
            response = await webhook.send_dict(
                {
                    "response_type": "ephemeral" if private else "in_channel",
                    "replace_original": False,
                    "text": message.text,
                    "blocks": message.blocks,
                }
            )
        except CONNECTION_ERRORS as exc:
            log.warning("connection lost while answering a command (%s); not re-sent", _kind(exc))
            return
        if response.status_code != 200:
            log.warning("Slack refused a command response: HTTP %s", response.status_code)


def _kind(exc: BaseException) -> str:
    return type(exc).__name__


def error_code(exc: SlackApiError) -> str:
    """The `error` field of a failed call (never the request, which may hold a token)."""
    try:
        return str(exc.response.get("error") or exc.response.status_code)
    except Exception:  # a response without JSON
        return "unknown_error"
