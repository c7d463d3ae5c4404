"""Fixtures for the Discord tests: discord.py's endpoints restored after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.discord.harness import restore_endpoints


@pytest.fixture(autouse=True)
def _endpoints() -> Iterator[None]:
    undo = restore_endpoints()
    yield
    undo()
