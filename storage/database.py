"""Engines and transactions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from bot.ports import StorageUnavailable
from storage.repositories import SqlRepositories

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    """True for sqlite:// URLs."""
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in {"", "psycopg2"}:
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite URL, or None for in-memory databases."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    if database.startswith("file:"):  # an SQLite URI filename (uri=true), e.g. mode=ro
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database)


def _configure_sqlite(engine: Engine, background_checkpoints: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        if background_checkpoints:
            # No checkpoint (and its fsync) inside a commit: SqlDatabase.checkpoint() runs
            # them off the reply path. The WAL is still checkpointed when the last
            # connection closes.
            cursor.execute("PRAGMA wal_autocheckpoint = 0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, background_checkpoints: bool = False) -> Engine:
    """An engine for this URL; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE.

    With `background_checkpoints`, SQLite leaves WAL checkpoints to whoever calls
    `SqlDatabase.checkpoint()` (a long-running bot, every few seconds)."""
    url = normalise_url(url)
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
            )
        _configure_sqlite(engine, background_checkpoints)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def describe_error(exc: BaseException) -> str:
    """A one-line, secret-free reason for a database failure."""
    orig = getattr(exc, "orig", None)
    text = (
        str(orig if orig is not None else exc).splitlines()[0] if str(exc) else type(exc).__name__
    )
    return text[:200]


class SqlDatabase:
    """The Database port over SQLAlchemy; every transaction is one unit of work."""

    def __init__(
        self, url: str, engine: Engine | None = None, *, background_checkpoints: bool = False
    ) -> None:
        self.url = normalise_url(url)
        self.engine = engine or make_engine(
            self.url, background_checkpoints=background_checkpoints
        )
        self.checkpoints = is_sqlite(self.url) and sqlite_path(self.url) is not None

    @contextmanager
    def transaction(self) -> Iterator[SqlRepositories]:
        """Commit on success, roll back on error; storage failures become StorageUnavailable."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield SqlRepositories(session)
        except (OperationalError, DBAPIError) as exc:
            raise StorageUnavailable(describe_error(exc)) from exc
        except SQLAlchemyError as exc:
            log.exception("database error")
            raise StorageUnavailable(describe_error(exc)) from exc

    def ping(self) -> None:
        """SELECT 1 on a pooled connection, taking no lock (for /readyz); StorageUnavailable if
        the database does not answer."""
        try:
            connection = self.engine.raw_connection()  # no BEGIN IMMEDIATE on SQLite
            try:
                cursor = connection.cursor()
                cursor.execute("SELECT 1")
                cursor.fetchall()
                cursor.close()
            finally:
                connection.close()
        except Exception as exc:  # any driver error means "not answering"
            raise StorageUnavailable(describe_error(exc)) from exc

    def checkpoint(self) -> int:
        """Copy SQLite's write-ahead log into the database file without waiting for readers or
        writers (PASSIVE); returns the frames still waiting. A no-op (0) on PostgreSQL."""
        if not self.checkpoints:
            return 0
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            row = cursor.fetchone()  # (busy, frames in the WAL, frames copied)
            cursor.close()
        finally:
            connection.close()
        return max(0, int(row[1]) - int(row[2])) if row else 0

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
