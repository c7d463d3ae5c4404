"""`coach db …`: migrate the schema and report its revision, with plain-language errors."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from coach.settings import mask_url
from storage.database import describe_error, make_engine, sqlite_path
from storage.migrate import current_revision, head_revision, upgrade


def writable_problem(url: str) -> str | None:
    """Why a SQLite database file can't be written, or None when it can (or isn't SQLite)."""
    if not url.startswith("sqlite"):
        return None
    path = sqlite_path(url)
    if path is None:
        return None
    directory = path.parent if str(path.parent) else None
    if path.exists() and not os.access(path, os.W_OK):
        return f"the database file {path} is read-only"
    if directory and directory.exists() and not os.access(directory, os.W_OK | os.X_OK):
        return f"the folder {directory} is not writable (SQLite needs it for its journal)"
    return None


def upgrade_command(url: str, out: TextIO | None = None, quiet: bool = False) -> int:
    """Migrate to the newest schema; safe to run on every start."""
    out = out or sys.stdout
    problem = writable_problem(url)
    if problem:
        print(
            f"Cannot use the database: {problem}. Fix the permissions or point "
            f"COACH_DATABASE_URL elsewhere.",
            file=sys.stderr,
        )
        return 2
    try:
        engine = make_engine(url)
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        print(
            f"Database upgrade failed for {mask_url(url)}: {describe_error(exc)}", file=sys.stderr
        )
        return 2
    if not quiet:
        if before == after:
            print(f"Database {mask_url(url)} is up to date (revision {after}).", file=out)
        else:
            print(
                f"Database {mask_url(url)} upgraded from {before or 'empty'} to {after}.", file=out
            )
    return 0


def current_command(url: str, out: TextIO | None = None) -> int:
    """Print the database's revision and the newest one in the code."""
    out = out or sys.stdout
    try:
        engine = make_engine(url)
        current = current_revision(engine)
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        print(f"Cannot read {mask_url(url)}: {describe_error(exc)}", file=sys.stderr)
        return 2
    head = head_revision()
    state = "up to date" if current == head else "needs `coach db upgrade`"
    print(f"current: {current or 'none'}  head: {head}  ({state})", file=out)
    return 0 if current == head else 1
