"""The `coach` command as a user runs it: subprocesses, pipes and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

QID = "drift-detection-instrumentation"


def coach(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    for key in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN"):
        full_env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "coach.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=full_env,
        timeout=120,
    )


def test_score_reads_stdin_and_prints_one_json_object() -> None:
    done = coach("score", QID, "--stage", "0", stdin="PSI per feature above 0.2 pages on-call.")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= {"score", "criteria", "red_flags", "feedback"}
    assert 0 <= result["score"] <= 100


def test_score_explain_is_human_readable() -> None:
    done = coach("score", QID, "--explain", stdin="We would monitor accuracy.")
    assert done.returncode == 0
    assert "[red flag −15] accuracy-only" in done.stdout


def test_batch_scores_in_order_and_reports_unknown_ids(tmp_path: Path) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {"question": QID, "answer": "PSI per feature vs training, alert above 0.2"},
                {"question": "no-such-question", "answer": "x"},
                {"question": QID, "answer": "I'd push back hard", "stage": 3},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    done = coach("score", "--batch", str(batch))
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3
    assert "score" in lines[0] and lines[2]["stage"] == 3
    assert lines[1] == {"error": "unknown question id: no-such-question"}


def test_run_reads_a_scripted_session_from_a_pipe(tmp_path: Path) -> None:
    env = {
        "COACH_DATABASE_URL": f"sqlite:///{tmp_path}/c.db",
        "COACH_TIMEZONE": "UTC",
        "COACH_CONSOLE_USER": "grace",
    }
    script = (
        "today\nI'd watch PSI per feature against the training window, alert above 0.2.\nquit\n"
    )
    done = coach("run", stdin=script, env=env)
    assert done.returncode == 0, done.stderr
    assert "Question of the day" in done.stdout and "Score: " in done.stdout
    again = coach("run", stdin="streak\nquit\n", env=env)
    assert "Welcome back" in again.stdout and "Streak: 1 day" in again.stdout


def test_broken_settings_are_explained_not_raised(tmp_path: Path) -> None:
    done = coach(
        "run",
        env={"COACH_TIMEZONE": "Mars/Base", "COACH_DATABASE_URL": f"sqlite:///{tmp_path}/c.db"},
    )
    assert done.returncode == 2
    assert "Configuration error" in done.stderr and "Mars/Base" in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_content_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "content"
    bad.mkdir()
    (bad / "lexicon.yaml").write_text("concepts: {x: {label: xx}}\n", encoding="utf-8")
    done = coach("content", "list", env={"COACH_CONTENT_DIR": str(bad)})
    assert done.returncode == 2
    assert "The question bank has problems" in done.stderr
    assert "a concept needs at least one phrase or pattern" in done.stderr
