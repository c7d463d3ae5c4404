"""PostgreSQL for tests: a throwaway schema per test on the local server.

In CI (CI=true) a missing server fails the test with a clear message; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    """The server to test against (COACH_TEST_POSTGRES_URL overrides the local default)."""
    return os.environ.get("COACH_TEST_POSTGRES_URL", DEFAULT_URL)


def require_postgres() -> None:
    """Fail (in CI) or skip (elsewhere) when the server is not reachable."""
    engine = create_engine(postgres_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        reason = (
            f"PostgreSQL is not reachable at {postgres_url()} "
            f"({str(exc.orig).splitlines()[0] if exc.orig else exc}). Start it with: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    finally:
        engine.dispose()


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{postgres_url()}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
