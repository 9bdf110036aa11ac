"""Recommender: subgraph export, SASRec / TagCF / BPR-MF / LightGCN on PyTorch and PyG, evaluation,
training with role write-back, and the scorer the API serves (docs/recommender.md)."""
