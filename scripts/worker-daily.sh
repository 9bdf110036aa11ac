#!/bin/sh
# The daily worker of docker-compose.yml: runs `rolegraph grow --day <today, UTC>` once per day.
#
# Every WORKER_CHECK_S seconds (default 3600) it grows the current UTC day unless that day already
# succeeded, so a failed run is retried at the next check and a restart never repeats a finished day
# (grow itself is resumable and makes no LLM call for a finished day). State in WORKER_STATE_DIR
# (default /state): `last-day` holds the last day that succeeded; `running` exists during a run.
# WORKER_GROW_ARGS adds arguments (e.g. "--max-items 500"). SIGTERM stops it between or during runs.
# WORKER_CLOCK (a command printing the current day, default `date -u +%F`) and WORKER_WAIT (a command run
# with the interval in seconds that returns when the next check is due, default `sleep`) let a test drive
# the schedule by events instead of waiting on the clock.
set -u
state=${WORKER_STATE_DIR:-/state}
interval=${WORKER_CHECK_S:-3600}
mkdir -p "$state"
child=
stop() {
  [ -n "$child" ] && kill "$child" 2>/dev/null
  rm -f "$state/running"
  exit 0
}
trap stop TERM INT
while :; do
  # shellcheck disable=SC2086  # the default is a command with its arguments
  day=$(${WORKER_CLOCK:-date -u +%F})
  if [ "$(cat "$state/last-day" 2>/dev/null)" != "$day" ]; then
    : >"$state/running"
    echo "worker: rolegraph grow --day $day ${WORKER_GROW_ARGS:-}"
    # shellcheck disable=SC2086  # WORKER_GROW_ARGS is split into arguments on purpose
    rolegraph grow --day "$day" ${WORKER_GROW_ARGS:-} &
    child=$!
    if wait "$child"; then
      echo "$day" >"$state/last-day"
      echo "worker: $day done"
    else
      echo "worker: grow for $day failed; retrying in ${interval}s" >&2
    fi
    child=
    rm -f "$state/running"
  fi
  # shellcheck disable=SC2086  # WORKER_WAIT is a command name
  ${WORKER_WAIT:-sleep} "$interval" &
  child=$!
  wait "$child"
  child=
done
