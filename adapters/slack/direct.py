"""Replies that belong in the user's DM (`Reply.direct`, or any reply carrying a file).

The DM is opened with conversations.open; a file goes up with files_upload_v2 and the reply's
text as its comment. A refusal (say `missing_scope` for files:write) never raises: it becomes a
private notice saying what failed and what an admin must do, and the log names the Web API method
and Slack's error code, never the file.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackRequestError

from adapters.slack.render import (
    MAX_SECTION,
    SlackMessage,
    clip,
    escape,
    render_notice,
    render_reply,
)
from adapters.slack.web import CONNECTION_ERRORS, Poster, error_code
from bot.messages import Reply

log = logging.getLogger(__name__)
MANIFEST = "adapters/slack/manifest.yaml"
# The bot scope each step needs, when Slack's `missing_scope` answer does not name it.
STEP_SCOPES = {
    "conversations.open": "im:write",
    "chat.postMessage": "chat:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}
SCOPE_ERRORS = frozenset({"missing_scope", "not_allowed_token_type"})


@dataclass(frozen=True)
class Sent:
    """How a direct reply went: the DM it went to ('' if none was opened), or what failed."""

    dm: str = ""
    failure: SlackMessage | None = None


def needs_dm(reply: Reply) -> bool:
    """Whether a reply must go to the user's DM: `direct`, and any reply with a file."""
    return reply.direct or reply.attachment is not None


def dm_link(dm: str, team: str) -> str:
    """A mrkdwn link that opens our DM."""
    return f"<https://slack.com/app_redirect?channel={dm}&team={team}|our DM>"


def dm_note(reply: Reply, dm: str, team: str) -> SlackMessage:
    """The private note where the user asked: the reply's text and a link to the DM."""
    text = clip(escape(reply.text.strip()), MAX_SECTION - 200)
    return render_notice(f"{text}\nSent to you in a DM: open {dm_link(dm, team)} to see it.")


async def send_direct(
    poster: Poster,
    open_dm: Callable[[str], Awaitable[str]],
    user: str,
    reply: Reply,
    dm: str = "",
    key: str = "",
) -> Sent:
    """Deliver a reply in the user's DM (opening it unless `dm` is given); never raises for
    Slack refusals or lost connections."""
    step = "conversations.open"
    try:
        dm = dm or await open_dm(user)
        message = render_reply(reply, in_dm=True)
        if reply.attachment is None:
            step = "chat.postMessage"
            await poster.post(dm, message, key=key)
        else:
            step = "files.getUploadURLExternal"
            await poster.upload(dm, reply.attachment, message.text)
    except SlackApiError as exc:
        method, code = _method(exc) or step, error_code(exc)
        needed = str(exc.response.get("needed") or "") if code in SCOPE_ERRORS else ""
        log.warning("could not deliver a reply in a DM: %s answered %s", method, code)
        return Sent(dm, failure_notice(method, code, needed, reply.attachment is not None))
    except SlackRequestError:  # the upload_url refused the bytes (its message names the file)
        log.warning("could not deliver a reply in a DM: the file upload was refused")
        return Sent(dm, failure_notice("upload", "upload_failed", "", True))
    except CONNECTION_ERRORS as exc:
        log.warning("could not deliver a reply in a DM: %s lost (%s)", step, type(exc).__name__)
        return Sent(dm, failure_notice(step, "connection_lost", "", reply.attachment is not None))
    return Sent(dm)


def failure_notice(method: str, code: str, needed: str, with_file: bool) -> SlackMessage:
    """What the user reads when a direct reply failed: what, why, and what an admin must do."""
    what = "your file" if with_file else "this reply"
    if method == "conversations.open":
        head = f"I couldn't open a DM with you to send {what}"
    elif with_file:
        head = f"I couldn't upload {what} to our DM"
    else:
        head = f"I couldn't post {what} in our DM"
    if code in SCOPE_ERRORS:
        scope = needed or STEP_SCOPES.get(method, "files:write")
        fix = (
            f"the Slack app lacks the `{escape(scope)}` permission (`{escape(code)}`). "
            f"A workspace admin must add the `{escape(scope)}` bot scope under OAuth &amp; "
            f"Permissions (it is in {MANIFEST}) and reinstall the app; then ask again. "
            "Nothing was shared."
        )
    elif code == "connection_lost":
        fix = "the connection to Slack dropped. Please try again in a minute."
    else:
        fix = (
            f"Slack answered `{escape(code)}`. Please try again in a few minutes; if it keeps "
            "failing, a workspace admin can run `coach doctor` and check the coach's logs."
        )
    return render_notice(f"{head}: {fix}")


def _method(exc: SlackApiError) -> str:
    """The Web API method a failed call went to (from its URL; no arguments, no token)."""
    url = str(getattr(exc.response, "api_url", "") or "")
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
