"""bench/ scripts import each other as top-level modules (they run as ``python bench/x.py``); the docs'
figure test imports bench/render_docs.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
