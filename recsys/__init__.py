"""Recommender: subgraph export, TagCF and baselines on PyTorch Geometric, evaluation, role write-back.

Not built yet; lands with its own issue.
"""
