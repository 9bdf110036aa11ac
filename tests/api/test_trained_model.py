"""/recommend and /explain with a trained TagCF: trained on the fixture world in seconds, stored as
`rolegraph train` stores it, loaded by the service at start-up, and answered as the model answers when
called directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rolegraph.api.app import LOAD
from rolegraph.api.explore_service import SOURCE_HEADER
from rolegraph.graph.model import UserRecord
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.pipeline import run_training
from rolegraph.recsys.serving import TrainedScorer, load_scorer
from rolegraph.settings import RecsysSettings
from tests.api.conftest import READ_KEY, make_app, world_graph
from tests.api.world import World
from tests.support.graphs import Graphs

TINY = ModelConfig(hidden=8, layers=1, heads=2, max_len=8, epochs=3, min_epochs=1, k=3)  # T(0): 3 of 8 roles
USERS = ("alice", "bob", "erin")
BETA1 = 0.25


@pytest.fixture(scope="module")
def trained(
    graphs: Graphs, engine: str, world: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GraphStore, Path]]:
    """The world in its own graph with a TagCF-ut (expl) trained on it (users' roles written back), and
    the recommender folder holding it as `current`. On a world this small validation keeps β1 at 0; the
    manifest gets β1 = 0.25 so that the T(1) part of every score is served too."""
    folder = tmp_path_factory.mktemp("recsys")
    with world_graph(graphs, engine, world) as store:
        run_training(store, folder, parse_model("tagcf-ut-expl"), TINY, seed=0, device="cpu")
        manifest = folder / "current" / "manifest.json"
        manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"beta1": BETA1}))
        yield store, folder


@pytest.fixture(scope="module")
def scorer(trained: tuple[GraphStore, Path]) -> TrainedScorer:
    """The trained model, loaded directly."""
    return load_scorer(RecsysSettings(recsys_dir=str(trained[1])))


@pytest.fixture(scope="module")
def served(trained: tuple[GraphStore, Path]) -> Iterator[TestClient]:
    """The service over the world, loading the current recommender at start-up as `rolegraph serve` does."""
    store, folder = trained
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ROLEGRAPH_RECSYS_DIR", str(folder))
        app = make_app(store, LOAD, api_rate_per_s=10_000, api_rate_burst=10_000)
        with TestClient(app, headers={"X-API-Key": READ_KEY}) as client:
            yield client


def test_the_service_loads_the_trained_model(served: TestClient, scorer: TrainedScorer) -> None:
    body = served.get("/recommend", params={"user": "alice"}).json()
    assert body["model"] == scorer.name == "tagcf-ut-expl" and body["run_id"] == scorer.run_id
    assert scorer.artifact.beta0 > 0 and scorer.artifact.beta1 == BETA1
    assert any(i["tag1"] != 0 for i in served.get("/recommend", params={"user": "bob", "mode": "expl"}).json()["items"])


@pytest.mark.parametrize("mode", ["util", "expl"])
@pytest.mark.parametrize("user", USERS)
def test_recommend_answers_what_the_model_answers(
    served: TestClient, scorer: TrainedScorer, user: str, mode: str
) -> None:
    body = served.get("/recommend", params={"user": user, "mode": mode, "k": 5}).json()
    direct = scorer.recommend(user, 5, mode)  # type: ignore[arg-type]
    assert [i["item"] for i in body["items"]] == [r.item_id for r in direct] and len(direct) == 5
    for got, want in zip(body["items"], direct, strict=True):
        assert got["score"] == pytest.approx(want.score, abs=1e-6)
        assert (got["raw"], got["tag0"], got["tag1"]) == pytest.approx(
            (want.parts.raw, want.parts.tag0, want.parts.tag1), abs=1e-6
        )


@pytest.mark.parametrize("mode", ["util", "expl"])
@pytest.mark.parametrize("user", USERS)
def test_explain_gives_the_models_score_parts(
    served: TestClient, scorer: TrainedScorer, world: World, user: str, mode: str
) -> None:
    for item in world.items[::5]:
        score = served.get("/explain", params={"user": user, "item": item, "mode": mode}).json()["score"]
        want = scorer.score_parts(user, item, mode)  # type: ignore[arg-type]
        assert score["model"] == scorer.name and score["run_id"] == scorer.run_id
        assert (score["total"], score["raw"], score["tag0"], score["tag1"]) == pytest.approx(
            (want.total, want.raw, want.tag0, want.tag1), abs=1e-6
        )
        assert (
            (score["beta0"], score["beta1"])
            == (want.beta0, want.beta1)
            == (
                scorer.artifact.beta0,
                BETA1 if mode == "expl" else 0.0,  # the T(1) weight is on only when exploring
            )
        )


def test_a_user_added_after_training_is_unknown_to_the_model(
    trained: tuple[GraphStore, Path], served: TestClient
) -> None:
    trained[0].upsert_users([UserRecord("newcomer")])
    assert served.get("/recommend", params={"user": "newcomer"}).status_code == 404
    answer = served.get("/explain", params={"user": "newcomer", "item": "item 00"})
    assert answer.headers[SOURCE_HEADER] == "database"  # newer than the read model: the database answers
    body = answer.json()
    assert body["score"] is None and "has not seen this user" in body["note"]
