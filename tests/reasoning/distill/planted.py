"""Small planted problems with a known answer, for the distilled-model tests.

Tagging: items are Gaussian clusters in embedding space; each cluster owns a few tags and every item
carries some of its cluster's tags. Logic: sources and targets fall in groups (their embeddings are
noisy copies of a group centre); every source group links to two target groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata


@dataclass(frozen=True)
class Tagging:
    x: np.ndarray  # [n, d] float32
    y: sp.csr_matrix  # [n, n_tags] ones
    cluster: np.ndarray  # [n]
    owned: np.ndarray  # [clusters, tags_per_cluster] the tags each cluster owns


def tagging(n: int = 1500, d: int = 24, clusters: int = 8, per_cluster: int = 4, seed: int = 0) -> Tagging:
    """Each item has 3 of its cluster's ``per_cluster`` tags, chosen at random."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, d))
    cluster = rng.integers(clusters, size=n)
    x = (centres[cluster] + 0.5 * rng.normal(size=(n, d))).astype(np.float32)
    owned = rng.permutation(clusters * per_cluster).reshape(clusters, per_cluster)
    cols = np.concatenate([rng.choice(owned[c], 3, replace=False) for c in cluster])
    rows = np.repeat(np.arange(n), 3)
    y = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=(n, clusters * per_cluster))
    return Tagging(x, y, cluster, owned)


@dataclass(frozen=True)
class Logic:
    src: np.ndarray  # [S, d]
    dst: np.ndarray  # [D, d]
    truth: np.ndarray  # [S, D] bool: the planted edges
    src_group: np.ndarray  # [S]
    dst_group: np.ndarray  # [D]
    centres: tuple[np.ndarray, np.ndarray]  # group centres of sources and targets
    links: np.ndarray  # [groups, groups] bool: source group → target group

    def new_targets(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` fresh target tags (embeddings, groups) from the same groups, never seen in training."""
        rng = np.random.default_rng(seed)
        group = rng.integers(len(self.centres[1]), size=n)
        return _noisy(self.centres[1][group], rng), group


def _noisy(centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return (centres + 0.4 * rng.normal(size=centres.shape)).astype(np.float32)


def logic(n_src: int = 300, n_dst: int = 240, d: int = 24, groups: int = 8, seed: int = 0) -> Logic:
    rng = np.random.default_rng(seed)
    centres = (rng.normal(size=(groups, d)), rng.normal(size=(groups, d)))
    src_group, dst_group = rng.integers(groups, size=n_src), rng.integers(groups, size=n_dst)
    links = np.zeros((groups, groups), dtype=bool)
    for g in range(groups):
        links[g, rng.choice(groups, 2, replace=False)] = True
    truth = links[src_group][:, dst_group]
    src, dst = _noisy(centres[0][src_group], rng), _noisy(centres[1][dst_group], rng)
    return Logic(src, dst, truth, src_group, dst_group, centres, links)


def sampled_edges(
    truth: np.ndarray, sources: np.ndarray, per_source: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What an LLM would list: ``per_source`` true targets of each given source, weights in [0.5, 1]."""
    rng = np.random.default_rng(seed)
    src_idx, dst_idx = [], []
    for s in sources:
        picked = rng.choice(np.flatnonzero(truth[s]), per_source, replace=False)
        src_idx.extend([s] * per_source)
        dst_idx.extend(picked.tolist())
    return np.array(src_idx), np.array(dst_idx), rng.uniform(0.5, 1.0, len(src_idx))


def auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """Probability that a true pair outscores a false one (ties count half), from average ranks."""
    s, t = scores.ravel(), truth.ravel().astype(bool)
    ranks = rankdata(s)
    n_pos, n_neg = int(t.sum()), int((~t).sum())
    return float((ranks[t].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
