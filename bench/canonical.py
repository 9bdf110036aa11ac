"""Benchmark of tag canonicalization: are the merges right, and how fast.

    python bench/canonical.py [--threshold T]                             # the labelled pairs (seconds)
    python bench/canonical.py --generated [--tags 100000] [--rounds 2]    # the generated names (minutes)

Two measures of rightness, one report each (the first in `make bench`, the second, which embeds 82k names
and so takes most of 8 minutes on 2 cores, in `make bench-full`):

- the labelled pairs of bench/data/tag_pairs.tsv (names of one group and names of two, written for this
  domain, each with its reason): merge precision and recall of the method at every threshold, beside
  MiniLM's cosine alone, as a plot, and the pairs the method still gets wrong at the default;
- 100k generated names (a qualifier, a setting, a subject and a noun; a fifth of them surface variants of
  another name) against the generator's own truth: two names name one group when their words agree up to
  the synonym classes below. Pairwise precision and recall of the partition the canonicalizer makes.

Speed: the names are embedded once with the packaged MiniLM (timed), then resolved from memory by the
cosine-only method (as before the words were read) and by the method with words, interleaved
(A, B, A, B) on the same machine in the same run; a method's time is the embedding plus its resolution.
Writes bench/results/canonical.{json,md} and canonical.png, or with ``--generated``
bench/results/canonical_generated.{json,md}.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from reporting import RESULTS, stamp, write

from rolegraph.reasoning.canonical import DEFAULT_THRESHOLD, Canonicalizer, normalize
from rolegraph.reasoning.embed import DIMENSIONS, load_minilm
from rolegraph.reasoning.sameness import judge
from rolegraph.reasoning.wording import Lexicon, default_lexicon

PAIRS = Path(__file__).resolve().parent / "data" / "tag_pairs.tsv"
SWEEP = [round(t, 2) for t in np.arange(0.50, 1.001, 0.02)]

QUALIFIERS = [
    "",
    "first-time",
    "professional",
    "amateur",
    "retired",
    "young",
    "urban",
    "rural",
    "weekend",
    "competitive",
    "budget",
    "eco-minded",
    "late-night",
    "long-distance",
    "self-taught",
    "aspiring",
    "veteran",
    "hobbyist",
    "senior",
    "student",
    "part-time",
    "full-time",
    "travelling",
    "remote",
    "independent",
]
SETTINGS = ["", "local", "online"]
ADJECTIVES = [
    "jazz",
    "classical",
    "indie",
    "sci-fi",
    "horror",
    "comedy",
    "history",
    "cooking",
    "garden",
    "chess",
    "football",
    "yoga",
    "opera",
    "surf",
    "baking",
    "astronomy",
    "fashion",
    "film noir",
    "anime",
    "poetry",
    "robotics",
    "finance",
    "wildlife",
    "architecture",
    "theatre",
    "cycling",
    "hiking",
    "fishing",
    "camping",
    "coffee",
    "wine",
    "craft beer",
    "vinyl",
    "board game",
    "video game",
    "photography",
    "birdwatching",
    "knitting",
    "pottery",
    "dance",
]
NOUNS = [
    "fans",
    "musicians",
    "teachers",
    "students",
    "parents",
    "collectors",
    "critics",
    "lovers",
    "players",
    "enthusiasts",
    "writers",
    "makers",
    "bloggers",
    "coaches",
    "historians",
    "hosts",
    "volunteers",
    "club members",
    "podcasters",
    "newcomers",
    "families",
    "couples",
    "grandparents",
    "nerds",
    "geeks",
    "buffs",
    "devotees",
    "hobbyists",
    "experts",
    "beginners",
    "instructors",
    "reviewers",
    "curators",
    "organizers",
    "influencers",
    "researchers",
    "photographers",
    "travellers",
    "owners",
    "readers",
    "viewers",
    "listeners",
    "followers",
    "supporters",
    "patrons",
    "mentors",
    "apprentices",
    "scholars",
    "archivists",
    "designers",
]
# The generator's truth: words of one class name the same people; every other word is its own class.
# Decided from what the words mean for a group of people, before the method was measured against them.
SYNONYMS = [
    {"fans", "lovers", "enthusiasts", "buffs", "devotees"},
    {"teachers", "instructors"},
    {"critics", "reviewers"},
    {"nerds", "geeks"},
    {"newcomers", "beginners"},
    {"amateur", "hobbyist"},
]
_CLASS = {w: min(group) for group in SYNONYMS for w in group}


def names(n: int, rng: np.random.Generator) -> tuple[list[str], list[tuple[str, ...]]]:
    """n tag names and the truth of each (its words up to synonyms): distinct combinations, a fifth of
    them rewritten as a surface variant of another name (which keeps that name's truth)."""
    combos = list(itertools.product(QUALIFIERS, SETTINGS, ADJECTIVES, NOUNS))
    if n > len(combos):
        raise SystemExit(f"at most {len(combos):,} distinct names can be generated")
    picked = [combos[i] for i in rng.permutation(len(combos))[:n]]
    texts = [" ".join(w for w in c if w) for c in picked]
    truth = [tuple(_CLASS.get(w, w) for w in c) for c in picked]
    for i in rng.choice(n, n // 5, replace=False):
        j = int(rng.integers(n))
        source = texts[j]
        texts[i] = str(rng.choice([source.title(), source.upper() + "!", source.rstrip("s"), f"  {source}  "]))
        truth[i] = truth[j]
    return texts, truth


class Memory:
    """An Embedder that answers from embeddings computed once (so both methods see the same vectors)."""

    dimensions = DIMENSIONS

    def __init__(self, vectors: dict[str, np.ndarray]):
        self.vectors = vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])


# ---------------------------------------------------------------------------------------- labelled pairs
@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    kind: str
    category: str
    reason: str


def read_pairs(path: Path = PAIRS) -> list[Pair]:
    with path.open(encoding="utf-8") as fh:
        return [
            Pair(r["a"], r["b"], r["same"] == "1", r["kind"], r["category"], r["reason"])
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def precision_recall(predicted: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float]:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    merged, same = sum(predicted), sum(gold)
    return (tp / merged if merged else 1.0), (tp / same if same else 1.0)


def pairs_report(pairs: list[Pair], vectors: dict[str, np.ndarray], lexicon: Lexicon, threshold: float) -> dict:
    """P/R of both methods over the sweep, and the pairs the words method gets wrong at ``threshold``."""
    ka = [normalize(p.a) for p in pairs]
    kb = [normalize(p.b) for p in pairs]
    cos = [float(vectors[a] @ vectors[b]) for a, b in zip(ka, kb, strict=True)]
    gold = [p.same for p in pairs]
    words = [lexicon.read(k) for k in ka], [lexicon.read(k) for k in kb]

    def decide(t: float) -> list[Any]:
        return [judge(lexicon, a, b, c, t) for a, b, c in zip(*words, cos, strict=True)]

    sweep = []
    for t in sorted({*SWEEP, threshold}):
        p_words, r_words = precision_recall([v.same for v in decide(t)], gold)
        p_cos, r_cos = precision_recall([c >= t for c in cos], gold)
        sweep.append({"threshold": t, "words": [p_words, r_words], "cosine": [p_cos, r_cos]})
    verdicts = decide(threshold)
    precision, recall = precision_recall([v.same for v in verdicts], gold)
    by_method = Counter(v.method for v in verdicts if v.same)
    failing = [
        {"a": p.a, "b": p.b, "same": p.same, "category": p.category, "cosine": round(c, 3), "why": v.reason}
        for p, v, c in zip(pairs, verdicts, cos, strict=True)
        if v.same != p.same
    ]
    return {
        "pairs": len(pairs),
        "same": sum(gold),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "merges_by_method": dict(by_method),
        "sweep": sweep,
        "failing": failing,
    }


# ------------------------------------------------------------------------------------------ 100k names
def partition_scores(keys: list[str], canonical: list[str], truth: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Pairwise precision and recall of a partition of distinct keys against their truth."""
    groups: dict[str, list[str]] = {}
    for key, canon in dict(zip(keys, canonical, strict=True)).items():
        groups.setdefault(canon, []).append(key)
    merged = correct = 0
    for members in groups.values():
        merged += len(members) * (len(members) - 1) // 2
        correct += sum(c * (c - 1) // 2 for c in Counter(truth[k] for k in members).values())
    per_truth = Counter(truth[k] for k in set(keys))
    same = sum(c * (c - 1) // 2 for c in per_truth.values())
    return {
        "merged_pairs": merged,
        "correct_pairs": correct,
        "true_pairs": same,
        "precision": round(correct / merged, 4) if merged else 1.0,
        "recall": round(correct / same, 4) if same else 1.0,
    }


def missed_merges(canonical: dict[str, str], truth: dict[str, tuple[str, ...]], top: int = 10) -> list[Any]:
    """The true pairs left in two groups, by the words that differ (count, words, an example pair)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for key, t in truth.items():
        groups.setdefault(t, []).append(key)
    counts: Counter[str] = Counter()
    example: dict[str, tuple[str, str]] = {}
    for keys in groups.values():
        for a, b in itertools.combinations(sorted(keys), 2):
            if canonical[a] != canonical[b]:
                only_a, only_b = Counter(a.split()) - Counter(b.split()), Counter(b.split()) - Counter(a.split())
                words = " / ".join(sorted([" ".join(sorted(only_a.elements())), " ".join(sorted(only_b.elements()))]))
                counts[words] += 1
                example.setdefault(words, (a, b))
    return [(n, words, *example[words]) for words, n in counts.most_common(top)]


def run_method(
    texts: list[str], vectors: dict[str, np.ndarray], threshold: float, lexicon: Lexicon | None
) -> tuple[Canonicalizer, list[Any], float]:
    canon = Canonicalizer(Memory(vectors), threshold=threshold, lexicon=lexicon)
    started = time.perf_counter()
    resolved = canon.resolve(texts)
    return canon, resolved, time.perf_counter() - started


def generated_report(args: argparse.Namespace, embedder: Any, lexicon: Lexicon) -> dict[str, Any]:
    texts, truths = names(args.tags, np.random.default_rng(0))
    keys = [normalize(t) for t in texts]
    truth: dict[str, tuple[str, ...]] = {}
    for key, t in zip(keys, truths, strict=True):
        if truth.setdefault(key, t) != t:
            raise SystemExit(f"generator: {key!r} has two truths")
    distinct = list(dict.fromkeys(keys))
    started = time.perf_counter()
    vectors = dict(zip(distinct, embedder.embed(distinct), strict=True))
    embed_s = time.perf_counter() - started
    methods = {"cosine": (0.92, None), "words": (args.threshold, lexicon)}
    times: dict[str, list[float]] = {m: [] for m in methods}
    outcome: dict[str, Any] = {}
    for _ in range(args.rounds):
        for name, (threshold, lex) in methods.items():
            canon, resolved, seconds = run_method(texts, vectors, threshold, lex)
            times[name].append(seconds)
            outcome[name] = (canon, resolved, threshold)
    report: dict[str, Any] = {"names": args.tags, "distinct_keys": len(distinct), "embed_s": round(embed_s, 1)}
    for name, (canon, resolved, threshold) in outcome.items():
        resolve_s = float(np.median(times[name]))
        merged = [r for r in resolved if r.merged]
        bad = {r.key for r in merged if truth[r.key] != truth[r.canonical]}
        wrong = [(r.key, r.canonical, round(r.score, 3)) for r in merged if r.key in bad]
        right = [(r.key, r.canonical, round(r.score, 3), r.method) for r in merged if r.key not in bad]
        report[name] = {
            "threshold": threshold,
            "resolve_s": [round(t, 1) for t in times[name]],
            "total_s": round(embed_s + resolve_s, 1),
            # the work done: every distinct key is embedded once and resolved (duplicate names are one key)
            "keys_per_s": round(len(distinct) / (embed_s + resolve_s)),
            "keys_merged": len({r.key for r in resolved if r.merged}),
            "blocked": len(canon.blocked),
            "canonical_tags": len(canon),
            **partition_scores(keys, [r.canonical for r in resolved], truth),
            "wrong_examples": list(dict.fromkeys(wrong))[:10],
            "right_examples": list(dict.fromkeys(right))[:10],
            "blocked_examples": [(b.key, b.candidate, round(b.score, 3), b.reason) for b in canon.blocked[:10]],
            "missed": missed_merges({r.key: r.canonical for r in resolved}, truth),
        }
    report["slowdown"] = round(report["words"]["total_s"] / report["cosine"]["total_s"], 2)
    # the same embedding is in both totals; the methods differ only in resolution
    report["resolve_slowdown"] = round(
        float(np.median(times["words"])) / max(float(np.median(times["cosine"])), 1e-9), 2
    )
    return report


# ------------------------------------------------------------------------------------------------ report
def plot(sweep: list[dict[str, Any]], threshold: float, out: Path) -> None:
    import matplotlib  # lazy: only for the figure

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = [s["threshold"] for s in sweep]
    fig, ax = plt.subplots(figsize=(7, 4))
    for method, style in (("words", "-"), ("cosine", "--")):
        ax.plot(t, [s[method][0] for s in sweep], style, color="tab:blue", label=f"precision, {method}")
        ax.plot(t, [s[method][1] for s in sweep], style, color="tab:orange", label=f"recall, {method}")
    ax.axvline(threshold, color="grey", linewidth=0.8)
    ax.axhline(0.95, color="tab:blue", linewidth=0.5, linestyle=":")
    ax.axhline(0.8, color="tab:orange", linewidth=0.5, linestyle=":")
    ax.set_xlabel("MiniLM cosine threshold")
    ax.set_ylabel("merge precision / recall on the labelled pairs")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(out / "canonical.png", dpi=110)
    plt.close(fig)


METHODS = """Two methods: **cosine** merges a name into its nearest canonical tag when their
MiniLM cosine reaches the threshold (the method before the words were read); **words** merges names
whose words have the same senses at any cosine, and a pair the cosine proposes only when the words that
differ are near-synonyms (`rolegraph/reasoning/sameness.py`)."""


def _setting(report: dict[str, Any], command: str) -> str:
    return f"""Command: `{command}` on {report["machine"]["cores"]} cores, packaged all-MiniLM-L6-v2 on
the CPU, WordNet 3.0 (Debian's wordnet-base) and `rolegraph/reasoning/words.txt`; default threshold
{report["threshold"]}. {METHODS}"""


def pairs_markdown(report: dict[str, Any]) -> str:
    p = report["pairs"]
    sweep_rows = "\n".join(
        f"| {s['threshold']:.2f} | {s['words'][0]:.3f} | {s['words'][1]:.3f} | {s['cosine'][0]:.3f} | "
        f"{s['cosine'][1]:.3f} |"
        for s in p["sweep"]
        if round(s["threshold"] * 100) % 4 == 2 or s["threshold"] == report["threshold"]
    )
    failing = "\n".join(
        f"| {f['a']} | {f['b']} | {'one' if f['same'] else 'two'} | {f['category']} | {f['cosine']} | {f['why']} |"
        for f in p["failing"]
    )

    return f"""# Canonicalization benchmark: labelled pairs ({report["date"]})

{_setting(report, "python bench/canonical.py")} The 100k generated names are in
[canonical_generated](canonical_generated.md).

## Labelled pairs

{p["pairs"]} pairs of `bench/data/tag_pairs.tsv` ({p["same"]} name one group, {p["pairs"] - p["same"]} name
two). At the default: merge precision **{p["precision"]:.3f}**, recall **{p["recall"]:.3f}** (goals ≥ 0.95
and ≥ 0.8); merges by method {p["merges_by_method"]}.

![precision and recall against the threshold](canonical.png)

| threshold | words: precision | words: recall | cosine: precision | cosine: recall |
|---|---|---|---|---|
{sweep_rows}

Pairs the method still gets wrong at the default ({len(p["failing"])}):

| a | b | groups | category | cosine | why |
|---|---|---|---|---|---|
{failing}
"""


def generated_markdown(report: dict[str, Any]) -> str:
    g = report["generated"]
    cos, words = g["cosine"], g["words"]

    def row(name: str, m: dict[str, Any]) -> str:
        return (
            f"| {name} | {m['threshold']} | {m['keys_merged']:,} | {m['blocked']:,} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['total_s']} s ({', '.join(map(str, m['resolve_s']))} s to resolve) | "
            f"{m['keys_per_s']:,} |"
        )

    def examples(rows: list[Any]) -> str:
        return "\n".join("| " + " | ".join(str(x) for x in r) + " |" for r in rows)

    return f"""# Canonicalization benchmark: generated names ({report["date"]})

{_setting(report, "python bench/canonical.py --generated")} The labelled pairs are in [canonical](canonical.md).

## {g["names"]:,} generated names

{g["names"]:,} names, {g["distinct_keys"]:,} distinct keys after normalization. The generator's truth: two
names are one group when qualifier, setting, subject and noun agree up to the synonym classes
(fans = lovers = enthusiasts = buffs = devotees, teachers = instructors, critics = reviewers, nerds = geeks,
newcomers = beginners, amateur = hobbyist). Pairwise precision and recall over the distinct keys
({words["true_pairs"]:,} true pairs). Embedding the names once: {g["embed_s"]} s; each method then resolved
them {len(words["resolve_s"])} times, interleaved.

| method | threshold | keys merged | blocked | precision | recall | time (embedding + resolution) | distinct keys/s |
|---|---|---|---|---|---|---|---|
{row("cosine", cos)}
{row("words", words)}

The words method takes {g["slowdown"]}× the time of the cosine method, embedding included (goal ≤ 1.5×);
resolution alone, after the shared embedding, takes {g["resolve_slowdown"]}× as long.

Wrong merges of the cosine method (name, merged into, cosine):

| name | canonical | cosine |
|---|---|---|
{examples(cos["wrong_examples"])}

Wrong merges of the words method:

| name | canonical | cosine |
|---|---|---|
{examples(words["wrong_examples"]) or "| (none) | | |"}

Right merges of the words method (name, canonical, cosine, method):

| name | canonical | cosine | method |
|---|---|---|---|
{examples(words["right_examples"])}

True pairs the words method left apart, by the words that differ (recall):

| pairs | words that differ | example | and |
|---|---|---|---|
{examples(words["missed"]) or "| 0 | (none) | | |"}

Merges the words method blocked (name, nearest tag, cosine, reason):

| name | nearest | cosine | reason |
|---|---|---|---|
{examples(words["blocked_examples"])}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generated", action="store_true", help="the generated names instead of the pairs")
    parser.add_argument("--tags", type=int, default=100_000, help="generated names (with --generated)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--rounds", type=int, default=2, help="resolutions of each method, interleaved")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = load_minilm()
    lexicon = default_lexicon()
    load_s = time.perf_counter() - started
    name = "canonical_generated" if args.generated else "canonical"
    report = stamp(name, seeds=[0]) | {
        "threshold": args.threshold,
        "model_and_wordnet_load_s": round(load_s, 1),
        "cores": os.cpu_count(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    if args.generated:
        report["generated"] = generated_report(args, embedder, lexicon)
        write(args.out, report, generated_markdown(report))
        return
    pairs = read_pairs()
    pair_keys = sorted({normalize(k) for p in pairs for k in (p.a, p.b)})
    pair_vectors = dict(zip(pair_keys, embedder.embed(pair_keys), strict=True))
    report["pairs"] = pairs_report(pairs, pair_vectors, lexicon, args.threshold)
    plot(report["pairs"]["sweep"], args.threshold, args.out)
    write(args.out, report, pairs_markdown(report))


if __name__ == "__main__":
    main()
