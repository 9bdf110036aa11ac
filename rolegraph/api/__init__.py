"""The HTTP service: `api.app.create_app` builds it, `rolegraph serve` (cli/serve.py) runs it.

app.py        factory and lifespan (one graph store per process, the recommender loaded once)
routes/       one router per resource: explore, explain, recommend, users, tags, items, health
schemas.py    request and response bodies with their bounds
security.py   API keys as sha256 digests with scopes; deps.py the dependencies routes take
limits.py     rate limit, body size limit, per-request database deadline
problems.py   errors as application/problem+json
metrics.py    Prometheus counters and latency histograms
tagsearch.py  semantic tag search with the packaged MiniLM
"""
