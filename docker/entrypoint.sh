#!/bin/sh
# Container entry point: wait for the database, migrate it to the newest schema, then run the
# command (default `coach run`). Migrating on every start is safe: `coach db upgrade` is idempotent.
#
#   COACH_DB_WAIT_SECONDS  how long to keep retrying `coach db upgrade` (default 60; 0 = one try)
#   PGCONNECT_TIMEOUT      seconds one PostgreSQL connection attempt may take (default 5 here)
set -eu

say() { printf 'entrypoint: %s\n' "$*" >&2; }

wait_seconds="${COACH_DB_WAIT_SECONDS:-60}"
case "$wait_seconds" in
  '' | *[!0-9]*)
    say "COACH_DB_WAIT_SECONDS must be a whole number of seconds, not '$wait_seconds'."
    exit 2
    ;;
esac

if [ "$#" -eq 0 ]; then
  set -- coach run
fi

if ! command -v coach >/dev/null 2>&1; then
  say "the 'coach' command is not on PATH ($PATH); is the virtualenv's bin folder on PATH?"
  exit 127
fi

deadline=$(( $(date +%s) + wait_seconds ))
attempt=1
# A failed attempt has already printed why (password masked); this loop adds when it retries.
until PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}" coach db upgrade; do
  left=$(( deadline - $(date +%s) ))
  if [ "$left" -le 0 ]; then
    say "gave up: the database was not ready after ${wait_seconds}s (${attempt} attempts of" \
      "'coach db upgrade'; the last error is above). Check COACH_DATABASE_URL and that the" \
      "database server is running and reachable from this container."
    exit 1
  fi
  pause=2
  if [ "$left" -lt "$pause" ]; then
    pause="$left"
  fi
  say "database not ready (attempt ${attempt}); retrying in ${pause}s, giving up in ${left}s."
  sleep "$pause"
  attempt=$(( attempt + 1 ))
done

exec "$@"
