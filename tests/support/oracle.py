"""An oracle LLM for the synthetic world: answers from the planted truth (`graph.synth`), with noise.

Tag questions about an item answer its planted roles or topics; logic questions about a role (topic)
answer its planted U2I (I2U) targets with their planted weights. With probability ``noise`` each answered
name is swapped for a random other name of the same vocabulary — a plausible confusion, not garbage.
With probability ``junk`` a tag answer also carries one junk name (a person's name, a generic word or an
off-topic phrase, `JUNK`), recorded in ``injected`` — the quality gate's test.
Checks of a proposed pair (``role | topic``, ``topic | role``) answer whether the pair is planted; with
probability ``noise`` the verdict is a coin flip instead.
``variants`` plants other wordings: a planted name is answered, in about half of the questions, as its
variant (a paraphrase that canonicalization should merge, or a contrast it should keep apart), and a
question about a variant is answered as about its planted name.
Answers are deterministic per question, so reruns and cache behave as with a real model at temperature 0.
`recovery` measures how much of the planted logic a grown graph holds.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

from rolegraph.graph.model import LogicKind
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task
from tests.support.openai_server import Reply, subject_of

#: junk names by kind, none of them in (or near) the synthetic world's vocabularies
JUNK = {
    "person name": ["Andy Warhol", "Meryl Streep", "Orson Welles", "Greta Garbo", "Buster Keaton", "Frida Kahlo"],
    "generic": ["people", "movie", "fans", "everyone", "entertainment", "audience"],
    "off-topic": ["dental hygiene", "tax deductions", "kitchen plumbing", "parking permits", "printer drivers"],
}


class Oracle:
    """A responder for `ScriptedServer` (json strategy)."""

    def __init__(
        self,
        world: Path,
        noise: float = 0.0,
        seed: int = 0,
        junk: float = 0.0,
        variants: dict[str, str] | None = None,
    ):
        truth = json.loads((world / "truth" / "logic.json").read_text())
        self.roles: list[str] = truth["roles"]
        self.topics: list[str] = truth["topics"]
        self.u2i: dict[str, list[tuple[str, float]]] = {}
        self.i2u: dict[str, list[tuple[str, float]]] = {}
        for e in truth["u2i"]:
            self.u2i.setdefault(e["role"], []).append((e["topic"], e["weight"]))
        for e in truth["i2u"]:
            self.i2u.setdefault(e["topic"], []).append((e["role"], e["weight"]))
        texts = {}
        with (world / "items.jsonl").open() as fh:
            for line in fh:
                row = json.loads(line)
                texts[row["id"]] = row["text"]
        self.items: dict[str, dict[str, list[str]]] = {}
        with (world / "truth" / "items.jsonl").open() as fh:
            for line in fh:
                row = json.loads(line)
                self.items[texts[row["id"]]] = {"roles": row["roles"], "topics": row["topics"]}
        self.noise = noise
        self.seed = seed
        self.junk = junk
        self.injected: set[tuple[str, str]] = set()  # (subject, junk name)
        self.variants = dict(variants or {})
        self.planted_as = {v: k for k, v in self.variants.items()}

    def _rng(self, task: str, subject: str) -> random.Random:
        digest = hashlib.sha256(f"{self.seed}|{task}|{subject}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def _noisy(self, rng: random.Random, name: str, vocabulary: list[str]) -> str:
        said = rng.choice(vocabulary) if rng.random() < self.noise else name
        if said in self.variants and rng.random() < 0.5:
            return self.variants[said]
        return said

    def answer(self, task: str, subject: str) -> dict[str, Any]:
        rng = self._rng(task, subject)
        if task in ("u2i_check", "i2u_check"):
            src, _, dst = (part.strip() for part in subject.partition("|"))
            table = self.u2i if task == "u2i_check" else self.i2u
            truth = any(normalize(name) == normalize(dst) for name, _ in table.get(src, []))
            verdict = rng.random() < 0.5 if rng.random() < self.noise else truth
            return {"verdict": "yes" if verdict else "no", "rationale": "planted" if verdict else ""}
        if task in ("item_roles", "item_topics"):
            tagged = self.items.get(subject, {"roles": [], "topics": []})
            names, vocab = (tagged["roles"], self.roles) if task == "item_roles" else (tagged["topics"], self.topics)
            tags = [self._noisy(rng, n, vocab) for n in names] or ["unknown"]
            if rng.random() < self.junk:
                bad = rng.choice(JUNK[rng.choice(sorted(JUNK))])
                self.injected.add((subject, bad))
                tags.insert(rng.randrange(len(tags) + 1), bad)
            return {"tags": tags}
        table, vocab = (self.u2i, self.topics) if task == "u2i" else (self.i2u, self.roles)
        targets = table.get(self.planted_as.get(subject, subject), [])
        return {
            "targets": [
                {"tag": self._noisy(rng, name, vocab), "weight": round(w, 6), "rationale": "planted"}
                for name, w in targets
            ]
            or [{"tag": "unknown", "weight": 1.0, "rationale": "not a planted tag"}]
        }

    def __call__(self, endpoint: str, body: dict[str, Any]) -> Reply:
        task = str(body["response_format"]["json_schema"]["name"])
        return Reply(json.dumps(self.answer(task, subject_of(endpoint, body))))


def planted(world: Path) -> dict[str, set[tuple[str, str]]]:
    """The planted logic edges as normalized (source key, target key) pairs."""
    truth = json.loads((world / "truth" / "logic.json").read_text())
    return {
        "U2I": {(normalize(e["role"]), normalize(e["topic"])) for e in truth["u2i"]},
        "I2U": {(normalize(e["topic"]), normalize(e["role"])) for e in truth["i2u"]},
    }


def recovery(store: GraphStore, world: Path, top_b: int = 0) -> dict[str, dict[str, Any]]:
    """Precision and recall of the grown LLM logic edges against the planted ones.

    Planted names are mapped through the graph's aliases first (a name the run merged into another
    counts under the tag it was merged into), so the numbers judge the logic, and ``merged`` reports
    how many planted names were merged at all. Two edge sets are judged: ``raw``, the edges the LLM
    proposed (its top ``top_b`` per source by weight; all when 0), and ``calibrated``, the edges behaviour
    did not contradict — proposed or confirmed candidates — top ``top_b`` per source by calibrated weight.
    The unprefixed numbers are the raw ones. ``fate`` says where the planted pairs went: in the calibrated
    top ``top_b`` (``top``), an edge below it (``below``), no edge after a check of its kind refused
    the pair (``refused``), or no edge otherwise (``unnamed``); ``ceiling`` is the recall a perfect ranking of
    the grown edges would reach."""
    alias, raw, cal = _grown(store)
    refused = {kind.value: store.calibration.verdicts(kind)["refused"] for kind in LogicKind}
    out = {}
    for kind, edges in planted(world).items():
        mapped = {(alias.get(s, s), alias.get(d, d)) for s, d in edges}
        row: dict[str, Any] = {
            "planted": len(mapped),
            "merged_names": len({n for p in edges for n in p if n in alias}),
        }
        top = _top(cal[kind], top_b)
        for name, grown in (("", _top(raw[kind], top_b)), ("calibrated_", top)):
            hit = mapped & grown
            row[f"{name}grown"] = len(grown)
            row[f"{name}recovered"] = len(hit)
            row[f"{name}recall"] = len(hit) / len(mapped) if mapped else 1.0
            row[f"{name}precision"] = len(hit) / len(grown) if grown else 1.0
        edged = {(src, dst) for src, rows in cal[kind].items() for _, dst in rows}
        fate = {
            "top": len(mapped & top),
            "below": len((mapped & edged) - top),
            "refused": len((mapped - edged) & refused[kind]),
            "unnamed": len(mapped - edged - refused[kind]),
        }
        row["fate"] = fate
        row["ceiling"] = (fate["top"] + fate["below"]) / len(mapped) if mapped else 1.0
        out[kind] = row
    return out


_BySource = dict[str, dict[str, list[tuple[float, str]]]]  # kind → source → (weight, target)


def _grown(store: GraphStore) -> tuple[dict[str, str], _BySource, _BySource]:
    """(aliases, raw edges, calibrated edges): the LLM logic edges by kind and source, as (weight, target)."""
    checks = {template(Task.U2I_CHECK).version, template(Task.I2U_CHECK).version}
    alias: dict[str, str] = {}
    raw: _BySource = {"U2I": {}, "I2U": {}}
    cal: _BySource = {"U2I": {}, "I2U": {}}
    for page in store.iter_edge_pages():
        for e in page:
            props = e["props"]
            if e["type"] == "ALIAS_OF":
                alias[e["src"]] = e["dst"]
            elif e["type"] in raw and props.get("source") == "llm":
                weight = float(props.get("weight") or 0.0)
                if props.get("prompt_version") not in checks:
                    raw[e["type"]].setdefault(e["src"], []).append((weight, e["dst"]))
                if not props.get("contradicted"):
                    calibrated = props.get("calibrated")
                    score = weight if calibrated is None else float(calibrated)
                    cal[e["type"]].setdefault(e["src"], []).append((score, e["dst"]))
    return alias, raw, cal


def _top(by_source: dict[str, list[tuple[float, str]]], b: int) -> set[tuple[str, str]]:
    return {
        (src, dst)
        for src, rows in by_source.items()
        for _, dst in sorted(rows, key=lambda r: (-r[0], r[1]))[: b or None]
    }
