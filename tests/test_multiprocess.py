"""Three bot processes on one database post each channel's daily question exactly once,
even when one of them is killed between claiming and posting (SQLite file and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.channels import ChannelSettings
from bot.messages import Place
from storage.database import SqlDatabase
from storage.migrate import upgrade
from tests.conftest import ROOT
from tests.pg import fresh_schema

CHANNELS = 30
POST_TIME = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)


class FakeChat:
    """A chat API on 127.0.0.1 that records every post (duplicates included)."""

    def __init__(self) -> None:
        self.posts: list[dict[str, str]] = []
        lock = threading.Lock()
        chat = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    chat.posts.append(body)
                    ref = f"m{len(chat.posts)}"
                payload = json.dumps({"ref": ref}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def per_channel(self) -> Counter[str]:
        return Counter(p["channel"] for p in self.posts)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat() -> Iterator[FakeChat]:
    fake = FakeChat()
    yield fake
    fake.close()


@pytest.fixture(params=["sqlite", "postgres"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        with fresh_schema() as url:
            yield url


def prepare(url: str) -> None:
    db = SqlDatabase(url)
    upgrade(db.engine)
    settings = ChannelSettings(enabled=True, post_time=time(9, 0), weekdays=frozenset(range(7)))
    with db.transaction() as repo:
        for i in range(CHANNELS):
            repo.channels.save(Place("slack", "T1", f"C{i:03}"), settings, "admin")
    db.dispose()


def start(
    url: str, api: str, worker: str, now: datetime, go: Path | None = None, crash: bool = False
) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "tests.support.daily_worker",
        "--db",
        url,
        "--api",
        api,
        "--now",
        now.isoformat(),
        "--worker",
        worker,
    ]
    if go is not None:
        command += ["--start-file", str(go)]
    if crash:
        command.append("--crash-after-claim")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, dict[str, int]]:
    out, err = process.communicate(timeout=120)
    assert process.returncode in (0, 17), err
    return process.returncode, json.loads(out.strip().splitlines()[-1])


def test_three_processes_post_each_channel_once(
    shared_url: str, chat: FakeChat, tmp_path: Path
) -> None:
    prepare(shared_url)
    go = tmp_path / "go"
    workers = [start(shared_url, chat.url, f"bot-{n}", POST_TIME, go) for n in range(3)]
    go.touch()
    results = [finish(w)[1] for w in workers]
    assert sum(r["posted"] for r in results) == CHANNELS
    assert chat.per_channel() == Counter({f"C{i:03}": 1 for i in range(CHANNELS)})


def test_a_process_killed_between_claim_and_post_still_gives_one_post(
    shared_url: str, chat: FakeChat, tmp_path: Path
) -> None:
    prepare(shared_url)
    code, crashed = finish(start(shared_url, chat.url, "doomed", POST_TIME, crash=True))
    assert code == 17 and crashed["claimed"] == CHANNELS and chat.posts == []
    # Within the lease nobody else may post; after it, the survivors recover every channel.
    early = [
        start(shared_url, chat.url, f"early-{n}", POST_TIME + timedelta(minutes=2))
        for n in range(2)
    ]
    assert sum(finish(w)[1]["posted"] for w in early) == 0
    go = tmp_path / "go"
    later = POST_TIME + timedelta(minutes=6)
    survivors = [start(shared_url, chat.url, f"bot-{n}", later, go) for n in range(3)]
    go.touch()
    assert sum(finish(w)[1]["posted"] for w in survivors) == CHANNELS
    assert chat.per_channel() == Counter({f"C{i:03}": 1 for i in range(CHANNELS)})
