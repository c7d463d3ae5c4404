"""The result of one `coach doctor` check: a status, a short name and what to do about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "FAIL"]
OK: Status = "ok"
WARN: Status = "warn"
FAIL: Status = "FAIL"
ZoneLoader = Callable[[str], object]


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report; `detail` says what is wrong and how to fix it."""

    status: Status
    name: str
    detail: str
