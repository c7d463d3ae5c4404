"""Errors adapters raise when they cannot start, with a message meant for a human."""

from __future__ import annotations


class PlatformStartupError(Exception):
    """A platform could not start (bad token, missing intent, unreachable API): say why, exit."""
