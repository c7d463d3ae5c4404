"""Container health probe: GET /healthz on COACH_HTTP_PORT; exit 0 on HTTP 200, else 1.

Standard library only, so `python -m coach.healthcheck` stays fast and cannot fail on a
broken dependency. Docker's HEALTHCHECK and docker-compose run it inside the container.
"""

from __future__ import annotations

import http.client
import os
import sys
from collections.abc import Mapping

DEFAULT_PORT = 3000  # must equal Settings.http_port's default (tests/test_packaging.py checks)
HOST = "127.0.0.1"
PATH = "/healthz"
TIMEOUT_SECONDS = 3.0


def port_from_env(environ: Mapping[str, str]) -> int:
    """The port in COACH_HTTP_PORT (default 3000); ValueError with a plain reason if invalid."""
    raw = environ.get("COACH_HTTP_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError(f"COACH_HTTP_PORT is not a port number (1-65535): {raw!r}")
    return int(raw)


def probe(port: int, host: str = HOST, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """None when GET /healthz answers 200; otherwise a one-line reason."""
    url = f"http://{host}:{port}{PATH}"
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", PATH, headers={"User-Agent": "coach-healthcheck"})
        response = connection.getresponse()
        response.read(4096)
    except TimeoutError:
        return f"no answer from {url} within {timeout:g} s"
    except ConnectionRefusedError:
        return f"nothing is listening on {host}:{port} (connection refused)"
    except (OSError, http.client.HTTPException) as exc:
        return f"cannot reach {url}: {exc or type(exc).__name__}"
    finally:
        connection.close()
    if response.status != 200:
        return f"{url} answered HTTP {response.status} {response.reason}".rstrip()
    return None


def main() -> int:
    """Entry point of `python -m coach.healthcheck`."""
    try:
        port = port_from_env(os.environ)
    except ValueError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    reason = probe(port)
    if reason is not None:
        print(f"unhealthy: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
