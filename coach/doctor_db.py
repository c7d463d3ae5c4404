"""The database check: the URL parses, the server answers, and the schema is at head.

A SQLite file that does not exist yet is reported without creating it (or its folder).
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from coach.db_commands import writable_problem
from coach.doctor_checks import FAIL, OK, WARN, Check
from storage.database import describe_error, is_sqlite, make_engine, normalise_url, sqlite_path
from storage.migrate import alembic_config, current_revision, head_revision

NAME = "database"
UPGRADE = "run `coach db upgrade` (`make run` and the container entry script do it on start)"
EXAMPLES = "sqlite:///data/coach.db or postgresql://user@host:5432/coach"


def _engine(url: str, timeout: float) -> Engine:
    """An engine that gives up connecting after `timeout` seconds (PostgreSQL)."""
    if is_sqlite(url):
        return make_engine(url)
    url = normalise_url(url)
    args = {"connect_timeout": max(1, round(timeout))} if url.startswith("postgresql") else {}
    return create_engine(url, poolclass=NullPool, connect_args=args)


def _server(url: URL) -> str:
    """Where a server database is, in words, without its password."""
    place = f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}"
    user = f" as user {url.username}" if url.username else ""
    return f"{url.get_backend_name()} database {url.database or '(default)'} on {place}{user}"


def _known(revision: str) -> bool:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


def revision_check(current: str | None, where: str) -> Check:
    """Compare the database's Alembic revision with the newest one in the code."""
    head = head_revision()
    if current is None:
        return Check(FAIL, NAME, f"{where} is reachable but not migrated yet — {UPGRADE}")
    if current == head:
        return Check(OK, NAME, f"{where} is reachable and migrated (revision {head})")
    if _known(current):
        return Check(
            FAIL,
            NAME,
            f"{where} is behind: at revision {current}, the code needs {head} — {UPGRADE}",
        )
    return Check(
        FAIL,
        NAME,
        f"{where} is at revision {current}, which this code does not know (migrated by a newer "
        "version of the coach?) — deploy that version, or point COACH_DATABASE_URL elsewhere",
    )


def database_check(url: str, timeout: float) -> Check:
    """Reachable, writable (SQLite) and migrated to head."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Check(
            FAIL,
            NAME,
            f"COACH_DATABASE_URL is not a database URL — use one like {EXAMPLES}",
        )
    where = _server(parsed)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is None:
            return Check(WARN, NAME, "SQLite in memory: everything is lost on restart")
        if not path.exists():
            return Check(
                FAIL,
                NAME,
                f"not migrated yet: the SQLite file {path.resolve()} does not exist — {UPGRADE}",
            )
        problem = writable_problem(url)
        if problem:
            return Check(
                FAIL,
                NAME,
                f"{problem} — fix the permissions or point COACH_DATABASE_URL elsewhere",
            )
        where = f"SQLite file {path.resolve()}"
    try:
        engine = _engine(url, timeout)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError, ImportError) as exc:  # ImportError: no driver
        return Check(
            FAIL,
            NAME,
            f"cannot connect to {where}: {describe_error(exc)} — check that the server is "
            "running and the host, port, user and password in COACH_DATABASE_URL",
        )
    return revision_check(current, where)
