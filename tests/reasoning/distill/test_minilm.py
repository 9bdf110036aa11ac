"""The logic scorer on real MiniLM embeddings: paraphrased role names it never saw find the right topics."""

from __future__ import annotations

import numpy as np

from rolegraph.reasoning.distill import LogicConfig, top_b, train_logic
from rolegraph.reasoning.embed import MiniLMEmbedder

# role → the topics an LLM would list for it (U2I)
LOGIC = {
    "new parents": ["baby sleep routines", "diaper reviews", "stroller buying guide"],
    "jazz musicians": ["bebop history", "saxophone technique", "live jazz concerts"],
    "marathon runners": ["running shoes", "endurance training plans", "sports nutrition"],
    "home cooks": ["easy weeknight recipes", "kitchen knife skills", "baking bread"],
    "gardeners": ["growing tomatoes", "composting", "pruning roses"],
    "gamers": ["video game reviews", "esports tournaments", "gaming pc builds"],
    "software developers": ["python programming", "code review practices", "open source tools"],
    "travelers": ["budget flights", "packing tips", "hostel guides"],
}
# the same roles as another canonicalization run might have named them (never trained on)
PARAPHRASES = [
    "first-time moms and dads",
    "saxophone players",
    "long-distance runners",
    "amateur chefs",
    "people who love their allotment",
    "video game players",
    "programmers",
    "backpackers",
]


def test_paraphrased_roles_find_their_topics(minilm: MiniLMEmbedder) -> None:
    roles = list(LOGIC)
    topics = [t for ts in LOGIC.values() for t in ts]
    src, dst, new = minilm.embed(roles), minilm.embed(topics), minilm.embed(PARAPHRASES)
    s_idx = np.repeat(np.arange(len(roles)), 3)
    edges = (s_idx, np.arange(len(topics)), np.ones(len(topics)))
    model = train_logic(src, dst, edges, LogicConfig(hidden=64, dim=32, epochs=150, lr=3e-3, val_share=0.0))

    chosen = top_b(model.score(new, dst), b=3)
    hits = np.mean([d // 3 == s for s, d, _ in chosen])  # topic d belongs to role d // 3
    # chance is 0.125 (3 of 24 topics); seeds 0–3 give 0.75–0.875, as does raw cosine similarity here
    assert hits >= 0.6
