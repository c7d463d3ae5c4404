"""The app manifest asks for exactly the scopes and events the adapter uses."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "adapters" / "slack" / "manifest.yaml"
SOURCES = sorted((ROOT / "adapters" / "slack").glob("*.py"))

# Web API method → bot scopes it needs (empty: none).
METHOD_SCOPES = {
    "auth_test": set(),
    "apps_connections_open": set(),  # app-level token (connections:write), not a bot scope
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_getPermalink": set(),
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_replies": {"channels:history", "groups:history", "im:history"},
    "conversations_open": {"im:write"},
    "files_upload_v2": {"files:write"},  # files.getUploadURLExternal + completeUploadExternal
    "users_info": {"users:read"},
    "views_publish": set(),
}
EVENT_SCOPES = {
    "app_home_opened": set(),
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "message.im": {"im:history"},
}


def test_the_manifest_matches_what_the_code_uses() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    used = set(re.findall(r"\.client\.([a-z]+_[A-Za-z0-9_]+)\(", code))
    used |= set(re.findall(r"client\.(auth_test|apps_connections_open)\(", code))
    assert used <= set(METHOD_SCOPES), used - set(METHOD_SCOPES)
    assert {"chat_postMessage", "conversations_open", "users_info", "views_publish"} <= used

    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == set(EVENT_SCOPES)
    needed = {"commands"} | set().union(*(METHOD_SCOPES[m] for m in used))
    needed |= set().union(*EVENT_SCOPES.values())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed

    assert '@bolt.event("message")' in code and '@bolt.event("app_home_opened")' in code
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/coach"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
