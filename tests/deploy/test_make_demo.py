"""`make demo` hands its knobs (DEMO_GRAPH, DEMO_ITEMS, …) from the caller's environment to scripts/demo.sh.

A Makefile variable of the same name would win over the environment (make assigns it and exports the
Makefile's value to the recipe): `DEMO_GRAPH=neo4j make demo` once ran the demo with DEMO_GRAPH=data/graph.db.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def demo_knobs() -> set[str]:
    """The environment variables scripts/demo.sh reads (``${DEMO_X:-…}`` or ``${DEMO_X}``)."""
    return set(re.findall(r"\$\{(DEMO_\w+)", (ROOT / "scripts" / "demo.sh").read_text()))


def test_the_demo_reads_its_knobs_from_the_environment() -> None:
    assert {"DEMO_GRAPH", "DEMO_ITEMS", "DEMO_SERVE"} <= demo_knobs()


def test_the_makefile_defines_no_variable_of_the_demo_s_knobs() -> None:
    assigned = set(re.findall(r"^(\w+)\s*(?::|::|\?|\+)?=", (ROOT / "Makefile").read_text(), re.M))
    assert not assigned & demo_knobs()


def test_make_passes_demo_graph_through_to_the_recipe(tmp_path: Path) -> None:
    # the Makefile's own rules, with demo's recipe replaced by one that prints what demo.sh would see
    makefile = (ROOT / "Makefile").read_text()
    probe = tmp_path / "Makefile"
    probe.write_text(makefile + "\nprobe-env:\n\t@echo DEMO_GRAPH=$${DEMO_GRAPH-unset}\n")
    out = subprocess.run(
        ["make", "-s", "-f", str(probe), "-C", str(ROOT), "probe-env"],
        env={"PATH": "/usr/bin:/bin", "DEMO_GRAPH": "neo4j"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "DEMO_GRAPH=neo4j"
