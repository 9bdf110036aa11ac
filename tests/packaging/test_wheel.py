"""The distribution as users get it: a wheel installed (not editable) into a fresh environment works from
any folder, with its Cypher statements, prompts and web view inside the package, on either engine."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import torch

from tests.support.graphs import Graphs
from tests.support.graphs import env as graph_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        cwd=out,
    )
    (found,) = out.glob("rolegraph-*.whl")
    return found


def test_the_wheel_holds_one_import_root_and_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    roots = {n.split("/")[0] for n in names if not n.startswith("rolegraph-")}
    assert roots == {"rolegraph"}
    for data in (
        "rolegraph/cypher/explain.cypher",
        "rolegraph/cypher/analyst/logic.cypher",
        "rolegraph/cypher/schema/neo4j.cypher",
        "rolegraph/cypher/bloom/rolegraph-perspective.json",
        "rolegraph/reasoning/prompts/u2i.txt",
        "rolegraph/api/ui/index.html",
        "rolegraph/api/ui/static/app.js",
    ):
        assert data in names, data
    assert not any("node_modules" in n for n in names)


@pytest.mark.slow
def test_a_fresh_environment_runs_the_commands_from_anywhere(
    wheel: Path, tmp_path: Path, engine: str, graphs: Graphs
) -> None:
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies (torch, FalkorDB, …) come from the environment the tests run in; rolegraph itself
    # only from the wheel
    deps = Path(torch.__file__).resolve().parents[1]
    Path(site, "deps.pth").write_text(f"{deps}\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEGRAPH_", "PYTHON"))}
    with contextlib.ExitStack() as stack:
        if engine == "neo4j":  # an empty database of the session's server, without the schema
            env |= graph_env(stack.enter_context(graphs.settings(engine, schema=False)))
        else:  # an embedded database of the installed package's own, in the working folder
            env["ROLEGRAPH_GRAPH_URI"] = f"falkordb-lite://{work}/graph.db"
        _run_commands(env_dir, python, site, work, env)


def _run_commands(env_dir: Path, python: Path, site: str, work: Path, env: dict[str, str]) -> None:
    """The installed commands, run from ``work``: help, init, the analysts' library."""

    def rolegraph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "rolegraph"), *args], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )

    where = subprocess.run(
        [str(python), "-c", "import rolegraph; print(rolegraph.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site), where
    help_ = rolegraph("--help")
    assert help_.returncode == 0 and "grow" in help_.stdout, help_.stderr
    init = rolegraph("init")
    assert init.returncode == 0, init.stderr
    listed = rolegraph("cypher", "list")
    assert listed.returncode == 0 and "analyst_logic_chains" in listed.stdout, listed.stderr
    query = rolegraph("cypher", "run", "analyst_orphan_tags", "--format", "json")
    assert query.returncode == 0, query.stderr
    assert query.stdout.strip().startswith("[")
