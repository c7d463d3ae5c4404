"""Deployment files: the Dockerfile, docker-compose.yml, .env.example, the entry script, the probe."""

from __future__ import annotations

import fnmatch
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from coach import healthcheck
from coach.settings import Settings
from storage.migrate import head_revision
from tests.conftest import ROOT
from tests.support.deployfiles import (
    Stage,
    env_file_entries,
    interpolate_compose,
    parse_dockerfile,
    settings_env_names,
)

HTTP_PORT = Settings.model_fields["http_port"].default
# read by docker-compose.yml or docker/entrypoint.sh, not by Settings
DEPLOY_ONLY = {
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "COACH_DB_WAIT_SECONDS",
    "COACH_HTTP_BIND",
}
SECRET_FIELDS = {
    name
    for name, info in Settings.model_fields.items()
    if SecretStr in (info.annotation, *get_args(info.annotation))
}


def stages() -> list[Stage]:
    return parse_dockerfile((ROOT / "Dockerfile").read_text(encoding="utf-8"))


def compose(environ: dict[str, str] | None = None) -> dict[str, Any]:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(interpolate_compose(text, environ or {}))
    return loaded


# --- Dockerfile --------------------------------------------------------------------------------


def test_dockerfile_has_builder_and_runtime_stages_from_one_pinned_image() -> None:
    found = stages()
    assert len(found) >= 2
    for stage in found:
        _, _, tag = stage.image.partition("@")[0].partition(":")
        assert tag and tag != "latest", f"{stage.image} is not pinned to a tag"
        assert re.match(r"\d+\.\d+\.\d+", tag), f"{stage.image}: use a full version tag"
    # the venv copied from the builder links to the builder's python: same base image
    assert len({stage.image for stage in found}) == 1


def test_final_stage_runs_as_a_fixed_non_root_uid() -> None:
    users = stages()[-1].all("USER")
    assert users, "the runtime stage has no USER"
    uid = users[-1].args.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, f"USER {users[-1].args} is not a fixed non-root uid"


def test_locked_dependencies_go_into_a_venv_that_the_runtime_copies() -> None:
    builder, runtime = stages()[0], stages()[-1]
    assert any("requirements.lock" in c.words() for c in builder.all("COPY"))
    assert any("-c requirements.lock" in r.args for r in builder.all("RUN"))
    venv = builder.env()["PATH"].split(":")[0].removesuffix("/bin")
    copies = [c.words()[-2:] for c in runtime.all("COPY") if c.flags().get("from") == builder.name]
    assert [venv, venv] in copies
    assert runtime.env()["PATH"].startswith(f"{venv}/bin")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c requirements.lock" in makefile, "make setup must install the same locked versions"


def test_lock_pins_every_runtime_dependency() -> None:
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    locked = {canonicalize_name(line.split("==")[0]) for line in lines if "==" in line}
    needed: set[str] = set()
    todo: list[tuple[str, set[str]]] = [("prodml-coach", set())]
    while todo:
        name, extras = todo.pop()
        for spec in distribution(name).requires or []:
            req = Requirement(spec)
            wanted = extras or {""}
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in wanted):
                continue
            if canonicalize_name(req.name) not in needed:
                needed.add(canonicalize_name(req.name))
                todo.append((req.name, set(req.extras)))
    assert not needed - locked, f"add to requirements.lock: {sorted(needed - locked)}"


def test_image_bakes_in_the_bank_and_the_migrations() -> None:
    builder, runtime = stages()[0], stages()[-1]
    content = [c.words()[-1] for c in runtime.all("COPY") if c.words()[-2] == "content/"]
    assert content and content[0].rstrip("/") == runtime.env()["COACH_CONTENT_DIR"]
    setuptools = _pyproject()["tool"]["setuptools"]
    packages = [glob.rstrip("*") for glob in setuptools["packages"]["find"]["include"]]
    copied = {c.words()[-2].rstrip("/") for c in builder.all("COPY")}
    assert set(packages) <= copied, "the builder installs every package"
    data_files = [p for top in packages for p in (ROOT / top).rglob("*") if _is_data(p)]
    assert ROOT / "storage" / "migrations" / "env.py" in data_files
    for path in data_files:
        assert _declared(path, setuptools["package-data"]), (
            f"{path.relative_to(ROOT)} would be missing from the image: add it to "
            "[tool.setuptools.package-data] in pyproject.toml"
        )


def _pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _is_data(path: Path) -> bool:
    """A file a non-editable install copies only when declared (not a module of a package)."""
    if not path.is_file() or "__pycache__" in path.parts:
        return False
    return not (path.suffix == ".py" and (path.parent / "__init__.py").exists())


def _declared(path: Path, package_data: dict[str, list[str]]) -> bool:
    for package, globs in package_data.items():
        folder = ROOT.joinpath(*package.split("."))
        if folder in path.parents and any(path in folder.glob(glob) for glob in globs):
            return True
    return False


def test_image_exposes_the_settings_port_checks_health_and_starts_the_bot() -> None:
    runtime = stages()[-1]
    assert [e.args for e in runtime.all("EXPOSE")] == [str(HTTP_PORT)]
    assert runtime.env()["COACH_HTTP_PORT"] == str(HTTP_PORT) == str(healthcheck.DEFAULT_PORT)
    (check,) = runtime.all("HEALTHCHECK")
    assert "coach.healthcheck" in check.args
    entry = runtime.all("ENTRYPOINT")[-1].words()
    assert any(c.words()[-2:] == ["docker/entrypoint.sh", entry[0]] for c in runtime.all("COPY"))
    assert runtime.all("CMD")[-1].words() == ["coach", "run"]


def test_dockerignore_keeps_out_local_state_but_not_what_the_image_copies() -> None:
    patterns = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for needed in [".venv", "data/", ".git", ".env", ".pytest_cache", ".mypy_cache"]:
        assert needed in patterns
    ignored = [p.rstrip("/") for p in patterns if not p.startswith("!")]
    for stage in stages():
        for copy in stage.all("COPY"):
            if "from" not in copy.flags():
                for source in copy.words()[:-1]:
                    if not source.startswith("--"):
                        hit = [p for p in ignored if fnmatch.fnmatch(source.rstrip("/"), p)]
                        assert not hit, f"COPY {source} is excluded by .dockerignore {hit}"


# --- docker-compose.yml ------------------------------------------------------------------------


def test_bot_waits_for_a_healthy_postgres_and_has_its_own_healthcheck() -> None:
    bot = compose()["services"]["bot"]
    assert bot["build"] == "."
    assert bot["env_file"] in (".env", [".env"])
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["restart"] in {"always", "unless-stopped", "on-failure"}
    assert "coach.healthcheck" in " ".join(bot["healthcheck"]["test"])


@pytest.mark.parametrize(
    "environ",
    [{}, {"COACH_HTTP_PORT": "8080", "POSTGRES_USER": "u", "POSTGRES_PASSWORD": "p2"}],
    ids=["defaults", "overridden"],
)
def test_bot_database_url_and_port_agree_with_the_postgres_service(
    environ: dict[str, str],
) -> None:
    services = compose(environ)["services"]
    bot, pg = services["bot"], services["postgres"]["environment"]
    url = make_url(bot["environment"]["COACH_DATABASE_URL"])
    assert (url.host, url.port, url.get_backend_name()) == ("postgres", 5432, "postgresql")
    assert (url.username, url.password, url.database) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )
    assert all(pg[k] for k in DEPLOY_ONLY if k.startswith("POSTGRES_")), "safe defaults"
    port = int(environ.get("COACH_HTTP_PORT", HTTP_PORT))
    assert int(bot["environment"]["COACH_HTTP_PORT"]) == port
    assert [str(p).rsplit(":", 1)[-1] for p in bot["ports"]] == [str(port)]


def test_postgres_is_pinned_persistent_private_and_health_checked() -> None:
    spec = compose()
    pg = spec["services"]["postgres"]
    image, _, tag = pg["image"].partition(":")
    assert image == "postgres" and re.match(r"\d+\.\d+", tag) and tag != "latest"
    volume, _, target = pg["volumes"][0].partition(":")
    assert volume in spec["volumes"] and target == "/var/lib/postgresql/data"
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert "ports" not in pg, "the database should only be reachable from the bot"


# --- .env.example ------------------------------------------------------------------------------


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    return env_file_entries((ROOT / ".env.example").read_text(encoding="utf-8"))


def test_env_example_documents_every_setting_and_nothing_unknown() -> None:
    active, examples = env_example()
    listed = set(active) | set(examples)
    expected = set(settings_env_names().values())
    assert not expected - listed, f"add to .env.example: {sorted(expected - listed)}"
    assert not listed - expected - DEPLOY_ONLY, f"unknown names: {sorted(listed - expected)}"


def test_env_example_sets_no_token_and_its_values_are_valid(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    active, examples = env_example()
    names = settings_env_names()
    for field in SECRET_FIELDS:
        assert not active.get(names[field]), f"{names[field]} must stay empty or commented"
    monkeypatch.chdir(tmp_path)  # no coach.yaml
    for key in list(os.environ):
        if key.startswith("COACH_") or key in set(names.values()):
            monkeypatch.delenv(key)
    for values in (active, {**examples, **active}):
        for name, value in values.items():
            if name not in {names[f] for f in SECRET_FIELDS}:
                monkeypatch.setenv(name, value)
        settings = Settings()
        assert settings.slack_bot_token is None and settings.discord_token is None
    assert re.fullmatch(r"[\w-]+", active["POSTGRES_PASSWORD"]), "it goes into a URL unquoted"
    assert examples["COACH_DB_WAIT_SECONDS"].isdigit()


# --- docker/entrypoint.sh ----------------------------------------------------------------------


def entrypoint(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
    bin_dir = ROOT / ".venv" / "bin"
    if not (bin_dir / "coach").exists():
        bin_dir = Path(sys.executable).parent
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "SLACK_", "DISC"))}
    base["PATH"] = f"{bin_dir}{os.pathsep}{base.get('PATH', '')}"
    return subprocess.run(
        ["sh", str(ROOT / "docker" / "entrypoint.sh"), *command],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_entrypoint_migrates_to_head_then_runs_the_command(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    url = f"sqlite:///{db}"
    done = entrypoint("sh", "-c", "echo started", COACH_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    migrated, started = done.stdout.splitlines()
    assert "upgraded from empty to" in migrated and started == "started"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchall() == [
            (head_revision(),)
        ]
    again = entrypoint("coach", "db", "current", COACH_DATABASE_URL=url)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout.splitlines()[-1]


def test_entrypoint_gives_up_on_an_unreachable_database_without_running_the_command() -> None:
    url = "postgresql+psycopg://coach:pw-not-shown@127.0.0.1:1/coach"
    done = entrypoint(
        "sh", "-c", "echo started", COACH_DATABASE_URL=url, COACH_DB_WAIT_SECONDS="2"
    )
    assert done.returncode != 0
    assert "started" not in done.stdout
    assert "Database upgrade failed" in done.stderr and "Connection refused" in done.stderr
    assert "gave up" in done.stderr and "COACH_DATABASE_URL" in done.stderr
    assert "pw-not-shown" not in done.stdout + done.stderr


FAKE_COACH = """#!/bin/sh
n=$(( $(cat "$FAKE_STATE" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$FAKE_STATE"
if [ "$n" -le "$FAKE_FAILURES" ]; then echo "Database upgrade failed: refused" >&2; exit 2; fi
echo "migrated (connect timeout ${PGCONNECT_TIMEOUT:-none})"
"""


def test_entrypoint_retries_with_a_message_until_the_database_answers(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "coach"
    fake.parent.mkdir()
    fake.write_text(FAKE_COACH, encoding="utf-8")
    fake.chmod(0o755)
    done = entrypoint(
        "sh",
        "-c",
        "echo started ${PGCONNECT_TIMEOUT-unset}",
        PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
        FAKE_STATE=str(tmp_path / "calls"),
        FAKE_FAILURES="1",
        COACH_DB_WAIT_SECONDS="60",
    )
    assert done.returncode == 0, done.stderr
    assert "database not ready (attempt 1); retrying in 2s" in done.stderr
    assert done.stdout.splitlines() == ["migrated (connect timeout 5)", "started unset"]
    assert (tmp_path / "calls").read_text(encoding="utf-8").strip() == "2"


def test_entrypoint_rejects_a_bad_wait_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    done = entrypoint(
        "sh", "-c", "echo started", COACH_DATABASE_URL=url, COACH_DB_WAIT_SECONDS="1m"
    )
    assert done.returncode == 2
    assert "COACH_DB_WAIT_SECONDS must be a whole number" in done.stderr
    assert "started" not in done.stdout


# --- coach/healthcheck.py ----------------------------------------------------------------------


@pytest.fixture
def http_status() -> Iterator[tuple[int, list[int], list[str]]]:
    """A server on 127.0.0.1 answering with status[0]; yields (port, status, paths seen)."""
    status, paths = [200], []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_response(status[0])
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], status, paths
    server.shutdown()
    server.server_close()


def probe_process(port: int | str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_HTTP_PORT": str(port)}
    return subprocess.run(
        [sys.executable, "-m", "coach.healthcheck"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_healthcheck_passes_on_200_and_fails_on_503(
    http_status: tuple[int, list[int], list[str]],
) -> None:
    port, status, paths = http_status
    ok = probe_process(port)
    assert (ok.returncode, ok.stderr) == (0, "")
    status[0] = 503
    bad = probe_process(port)
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1 and "503" in bad.stderr
    assert paths == ["/healthz", "/healthz"]


def test_healthcheck_fails_with_a_reason_when_nothing_listens() -> None:
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        done = probe_process(bound_not_listening.getsockname()[1])
    assert done.returncode == 1
    assert "nothing is listening" in done.stderr


def test_healthcheck_reports_a_silent_server_and_a_bad_port() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever answers
        reason = healthcheck.probe(silent.getsockname()[1], timeout=0.2)
    assert reason is not None and "no answer" in reason
    done = probe_process("http")
    assert done.returncode == 1 and "COACH_HTTP_PORT is not a port number" in done.stderr


def test_healthcheck_imports_only_the_standard_library() -> None:
    script = "import sys; before = set(sys.modules); import coach.healthcheck; print(*sorted(set(sys.modules) - before))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert loaded - set(sys.stdlib_module_names) == {"coach"}
