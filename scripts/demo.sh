#!/usr/bin/env bash
# `make demo`: MovieLens-100K → one daily growth run on a sample (embedded Gemma 3 270M) → a brief TagCF
# training that writes every user's roles → the API and the graph web view, with three example calls and
# their real output. Knobs (environment): DEMO_ITEMS (50), DEMO_TAGS (50), DEMO_EPOCHS (3), DEMO_PORT (8000),
# DEMO_DAY (today, UTC), DEMO_SERVE=0 to stop the API after the examples instead of serving until Ctrl-C,
# DEMO_GRAPH=neo4j to run it all on the local Neo4j server (`rolegraph neo4j start`; any ROLEGRAPH_GRAPH_URI works too),
# DEMO_OUT (data/demo) for what it writes: the growth run's summary grow-DAY.json, steps-DAY.tsv (each step
# and the seconds from the start at which it began; "done" when the API answered the examples) and serve.log.
set -euo pipefail
bin=.venv/bin
items=${DEMO_ITEMS:-50}
tags=${DEMO_TAGS:-50}
epochs=${DEMO_EPOCHS:-3}
port=${DEMO_PORT:-8000}
day=${DEMO_DAY:-$(date -u +%F)}
out=${DEMO_OUT:-data/demo}
base="http://127.0.0.1:$port"
started=$(date +%s)
mkdir -p "$out"
steps="$out/steps-$day.tsv"
printf 'step\tstarted_s\n' > "$steps"

step() {
  local at=$(($(date +%s) - started))
  printf '%s\t%s\n' "$1" "$at" >> "$steps"
  printf '\n\033[1m== %s\033[0m  (%ss so far)\n' "$*" "$at"
}

if [[ "${DEMO_GRAPH:-}" == neo4j ]]; then
  # the local Neo4j server of `make neo4j` (reused when it already runs); its URI is the command's last line
  step "0/5 the local Neo4j server"
  ROLEGRAPH_GRAPH_URI=$("$bin/rolegraph" neo4j start | tail -n 1)
  export ROLEGRAPH_GRAPH_URI
elif [[ -n "${DEMO_GRAPH:-}" ]]; then
  echo "demo: DEMO_GRAPH=$DEMO_GRAPH — only 'neo4j' (or unset: the graph of ROLEGRAPH_GRAPH_URI)" >&2
  exit 2
fi
step "1/5 graph schema on ${ROLEGRAPH_GRAPH_URI:-the embedded graph}"
"$bin/rolegraph" init
step "2/5 MovieLens-100K into the graph"
"$bin/rolegraph" load movielens
step "3/5 daily growth run: $items items, $tags frontier tags per direction (embedded LLM, CPU)"
"$bin/rolegraph" grow --day "$day" --max-items "$items" --max-tags "$tags" --json "$out/grow-$day.json"
step "4/5 recommender: TagCF-ut, at most $epochs epochs; every user's roles written back"
"$bin/rolegraph" train --epochs "$epochs"
step "5/5 the API and the web view"
"$bin/rolegraph" serve --port "$port" > "$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -sf "$base/health" > /dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$out/serve.log"; echo "demo: the API did not start" >&2; exit 1; fi
  sleep 1
done

show() {  # prints a call and its (pretty, shortened) output
  printf '\n$ curl -s "%s"\n' "$1"
  curl -s "$1" | "$bin/python" -c 'import json, sys; print(json.dumps(json.load(sys.stdin), indent=1)[:1800])'
}
user=${DEMO_USER:-1}
show "$base/explore?user=$user&k=5"
show "$base/recommend?user=$user&mode=expl&k=5"
# explain an item the exploration reached (it has role paths), else the top recommendation
item=$( (curl -s "$base/explore?user=$user&k=5"; echo; curl -s "$base/recommend?user=$user&mode=expl&k=1") | "$bin/python" -c '
import json, sys
explore, recommend = (json.loads(line) for line in sys.stdin.read().splitlines()[:2])
candidates = [c.get("item") or c.get("id") for c in explore.get("candidates", [])]
print(candidates[0] if candidates else recommend["items"][0]["item"])')
show "$base/explain?user=$user&item=$item"

printf 'done\t%s\n' "$(($(date +%s) - started))" >> "$steps"
printf '\n\033[1mrolegraph is serving\033[0m (%ss from the start)\n' "$(($(date +%s) - started))"
printf '  API docs     %s/docs\n  web view     %s/ui\n  metrics      %s/metrics\n' "$base" "$base" "$base"
if [[ "${DEMO_SERVE:-1}" == "1" ]]; then
  echo "Ctrl-C stops the server."
  wait "$server"
fi
