"""rolegraph: a knowledge-graph service for role-aware, explainable recommendation.

This package holds what every layer shares: the exception root, the settings and the command line.
The layers themselves are the top-level packages `graph`, `reasoning`, `recsys` and `api`.
"""

__version__ = "0.1.0"
