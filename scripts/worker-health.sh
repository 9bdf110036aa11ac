#!/bin/sh
# Healthcheck of the daily worker: healthy while a run is in progress, or when the last successful run
# is less than 26 hours old (one day plus slack for a long run).
state=${WORKER_STATE_DIR:-/state}
[ -f "$state/running" ] || [ -n "$(find "$state/last-day" -mmin -1560 2>/dev/null)" ]
