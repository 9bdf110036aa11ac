"""rolegraph: a knowledge-graph service for role-aware, explainable recommendation.

Layers, bottom up: the core modules here (`errors`, `settings`, `progress`), which every layer shares, then
`graph`, then `reasoning` and `recsys`, then `api`, then the command line `cli` (docs/design.md).
"""

__version__ = "0.1.0"
