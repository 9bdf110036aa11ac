"""The recommenders: one model per file behind the `Recommender` interface (loss, full-ranking
scores, recommend)."""
