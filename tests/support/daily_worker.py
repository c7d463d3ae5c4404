"""A bot process for the multi-process tests: one daily tick against a shared database.

Run: python -m tests.support.daily_worker --db URL --api URL --now ISO --worker NAME
         [--crash-after-claim] [--start-file PATH]
It posts each due channel-day to the fake chat API with a plain HTTP POST. With
--crash-after-claim it dies (os._exit) right after claiming, before posting anything.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from bot.bank.loader import load_bank
from bot.daily import DailyService, DuePost
from storage.database import SqlDatabase

ROOT = Path(__file__).resolve().parent.parent.parent
BANK = [ROOT / "content" / "lexicon.yaml", ROOT / "content" / "questions" / "drift.yaml"]


def post(api: str, item: DuePost, worker: str) -> str:
    """POST one daily question to the fake chat API; returns its message id."""
    body = json.dumps(
        {
            "channel": item.place.channel,
            "key": item.key,
            "worker": worker,
            "text": item.reply.text[:80],
        }
    ).encode()
    request = urllib.request.Request(f"{api}/post", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["ref"])


def main() -> None:
    """One tick."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--crash-after-claim", action="store_true")
    parser.add_argument("--start-file", type=Path)
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    service = DailyService(load_bank(BANK), SqlDatabase(args.db), args.worker)
    if args.start_file is not None:  # line up with the other processes, then go together
        while not args.start_file.exists():
            time.sleep(0.005)
    due = service.due("slack", now)
    if args.crash_after_claim:
        print(json.dumps({"claimed": len(due)}), flush=True)
        os._exit(17)
    for item in due:
        service.posted(item, post(args.api, item, args.worker), now)
    print(json.dumps({"posted": len(due)}), flush=True)


if __name__ == "__main__":
    main()
