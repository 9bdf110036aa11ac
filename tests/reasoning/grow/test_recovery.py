"""Recovery on the synthetic world: with an oracle LLM that answers from the planted truth, the grown
graph holds ≥ 90% of the planted U2I and I2U edges (bench/grow_recovery.py sweeps the noise)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rolegraph.graph.loaders.files import read_items
from rolegraph.graph.synth import SynthConfig, generate
from tests.reasoning.grow.conftest import Grower
from tests.support.openai_server import Responder
from tests.support.oracle import Oracle, recovery


def test_oracle_world_is_recovered_at_zero_noise(grower_for: Callable[[Responder], Grower], tmp_path: Path) -> None:
    world = tmp_path / "world"
    generate(SynthConfig(users=50, items=120, roles=12, topics=16, seed=3, fanout=4), world)
    g = grower_for(Oracle(world, noise=0.0))
    g.store.upsert_items(read_items(world / "items.jsonl").items)
    g.run(max_items=120, max_tags=100, chunk=40)
    # the frontier of day 1 holds the tags the items named; day 2 asks about the targets day 1 added
    g.run("2026-01-06", max_items=0, max_tags=100, chunk=40)
    result = recovery(g.store, world)
    for kind in ("U2I", "I2U"):
        assert result[kind]["recall"] >= 0.9, result
        assert result[kind]["precision"] >= 0.9, result
        fate = result[kind]["fate"]  # every planted pair is accounted for once, the top ones as recovered
        assert sum(fate.values()) == result[kind]["planted"], fate
        assert fate["top"] == result[kind]["calibrated_recovered"], result
        assert result[kind]["ceiling"] >= result[kind]["calibrated_recall"], result
