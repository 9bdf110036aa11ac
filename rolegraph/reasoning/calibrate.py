"""Behaviour-calibrated logic: what the interactions say about each LLM logic edge.

The interactions are measured per pair by `reasoning.cooccurrence`: ``k``, the expected
co-consumptions ``E = n·b``, ``lift`` and ``support``.

The LLM speaks about a pair t → c more than once: its U2I answer about t, its I2U answer about c (the
converse: I2U is U2I through Bayes' rule, P(t|c) = P(c|t)·P(t) / P(c), so an I2U edge c → t of weight v
states U2I t → c with weight ``v·b_c / b_t``, the tags' shares of consumption), and checks of the pair in
either direction (a converse edge a check confirmed is a check, not an answer). Each answer is right with
chance q, estimated from the two directions' answers' agreement: an answered pair whose target was also
asked about the other way is real with chance q and named again with chance q, so the share named both
ways is q² (q clipped to [0.5, 0.99]). A real pair is named with chance q; an unreal one only by a
confusion, with chance ``(1 − q)·ρ`` where ρ is the answers' density (pairs answered per source over the
targets). The posterior odds that a pair is real are the prior odds ρ / (1 − ρ) times each statement's
likelihood ratio: named q / ((1 − q)·ρ), not named (1 − q) / (1 − (1 − q)·ρ), in each direction (with that
direction's density); each check confirming it qc / (1 − qc), each refusing it the inverse. qc, the checks'
own reliability, is the maximum-likelihood value over the checked pairs given each pair's posterior
before its checks (q while fewer than 30 pairs are checked). A pair named both ways is almost surely
real; a pair named once and not the other way — the typical confusion — is not.

Behaviour is one more likelihood ratio, learnt without labels from the pairs the statements settle: the
pairs named by both directions' answers (real) and those named by nothing (unreal; a random pair almost
never is). Their log λ̂ (below) are modelled as two Gaussians sharing the wider class's variance, so the
log ratio is linear in log λ̂ and monotone; none is learnt (a ratio of 1) while either class has fewer
than ``min_settled`` pairs.

Behaviour's own estimate of each pair's lift, for its likelihood ratio and for contradiction, gets a
Gamma(a, a) prior (mean 1, ``prior_strength`` a pseudo-events) updated by k observed against ``E = n·b``
expected co-consumptions: ``λ̂ = (k + a) / (E + a)`` (the Gamma–Poisson posterior mean).

The calibrated weight is the pair's odds of being real times its strength if real. The strength is a
Gamma–Poisson posterior of the lift with the LLM's word as its prior: with w̄ the mean of the weights the
LLM stated for the pair (its edge's, and the converse's translated; a confirmed candidate's equal share
where nothing else states one) and m the source's number of LLM edges, the LLM implies a lift of w̄·m
relative to an equal share, and ``s = (k + a·w̄·m) / (E + a)``. With O the posterior odds (statements and
behaviour), ``calibrated = O·s / Σ O'·s'`` over the source's LLM edges (confirmed candidates included), so
a source's calibrated weights sum to 1 like the LLM's. A tag few users touch (E ≪ a) keeps the LLM's word
(s ≈ w̄·m); a dense one follows behaviour (s ≈ k / E). Odds, not probabilities, so a pair stated twice
outranks one stated once by the full likelihood ratio instead of a probability capped at 1.

An edge is contradicted when its source has at least ``min_mass`` consumptions and ``λ̂`` is below
``contradict_lift`` (users of the source consume the target clearly less than anyone): it is flagged,
never deleted. A pair the LLM has no edge for and no check of this kind refused is a candidate when its
converse states it, or when behaviour supports it (its learnt ratio favours real; while none is learnt,
lift ≥ ``candidate_lift``) with at least ``candidate_support`` users; the ``candidates_per_source`` of
each source with the highest posterior odds are checked by the LLM the next day — a refused pair leaves
its slot to the next one.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from rolegraph.graph.calibration import CandidatePair, EdgeStats, QueuedCandidate
from rolegraph.graph.distillation import WeightedEdge
from rolegraph.graph.model import LogicKind
from rolegraph.reasoning.calibration_config import CalibrationConfig
from rolegraph.reasoning.cooccurrence import Behaviour, converse_weights


@dataclass(frozen=True)
class Statements:
    """What the LLM said about the pairs of one kind: its edges (``edges``; ``checked`` those a check
    confirmed, the rest its answers), its edges of the other kind (``converse``; ``converse_checked`` those a
    check of the other kind confirmed, keyed as the other kind's pairs), the pairs a check refused
    (``refused`` of this kind, ``converse_refused`` of the other), and the verdicts of re-checks (``rechecks``
    of this kind's checked pairs, ``converse_rechecks`` of the other's: True where it confirmed)."""

    edges: Sequence[WeightedEdge]
    converse: Sequence[WeightedEdge] = ()
    checked: frozenset[tuple[str, str]] = frozenset()
    converse_checked: frozenset[tuple[str, str]] = frozenset()
    refused: frozenset[tuple[str, str]] = frozenset()
    converse_refused: frozenset[tuple[str, str]] = frozenset()
    rechecks: Mapping[tuple[str, str], bool] = field(default_factory=dict)
    converse_rechecks: Mapping[tuple[str, str], bool] = field(default_factory=dict)

    @cached_property
    def from_checks(self) -> frozenset[tuple[str, str]]:
        """The pairs of this kind whose edge a check or a re-check made (not an answer)."""
        return self.checked | {p for p, yes in self.rechecks.items() if yes}

    def answers(self) -> list[WeightedEdge]:
        """The edges of this kind the LLM stated in its answers (not in checks)."""
        made = self.from_checks
        return [e for e in self.edges if (e.src, e.dst) not in made]

    def converse_answers(self) -> list[WeightedEdge]:
        """The edges of the other kind the LLM stated in its answers."""
        made = self.converse_checked | {p for p, yes in self.converse_rechecks.items() if yes}
        return [e for e in self.converse if (e.src, e.dst) not in made]

    def checks(self, src: str, dst: str) -> tuple[int, int]:
        """(confirmations, refusals) of the pair ``src`` → ``dst`` of this kind, in either direction,
        re-checks included."""
        back = (dst, src)
        again = [v for v in (self.rechecks.get((src, dst)), self.converse_rechecks.get(back)) if v is not None]
        confirmed = ((src, dst) in self.checked) + (back in self.converse_checked) + sum(again)
        refused = ((src, dst) in self.refused) + (back in self.converse_refused) + len(again) - sum(again)
        return confirmed, refused

    def checked_pairs(self) -> set[tuple[str, str]]:
        """The pairs of this kind a check of either kind decided."""
        converse = self.converse_checked | self.converse_refused
        return set(self.checked | self.refused) | {(d, s) for s, d in converse}


@dataclass(frozen=True)
class _Evidence:
    """The likelihood ratios of the LLM's statements and of behaviour (see the module docstring)."""

    prior_odds: float
    said: float  # an answer about the source names the pair
    unsaid: float  # it does not
    said_back: float  # the answer about the target, in the other direction, names the pair
    unsaid_back: float
    confirmed: float  # a check confirmed it (a refusal: the inverse)
    said_q: float = 0.99  # the answers' reliability q
    slope: float = 0.0  # behaviour's log likelihood ratio per unit of log λ̂ …
    midpoint: float = 0.0  # … and the log λ̂ where it is even

    @classmethod
    def of(
        cls, kind_answers: int, kind_sources: int, targets: int, back_answers: int, back_sources: int, q: float
    ) -> _Evidence:
        """From the numbers of answered pairs and answered sources of each direction, the vocabularies'
        sizes and the reliability ``q``."""
        density = min(max(kind_answers / max(kind_sources * targets, 1), 1e-6), 0.5)
        back = min(max(back_answers / max(back_sources * kind_sources, 1), 1e-6), 0.5)
        wrong, wrong_back = (1 - q) * density, (1 - q) * back  # an answer naming a given unreal pair
        return cls(
            density / (1 - density),
            q / wrong,
            (1 - q) / (1 - wrong),
            q / wrong_back,
            (1 - q) / (1 - wrong_back),
            q / (1 - q),
            q,
        )

    def behaviour(self, log_lift: np.ndarray) -> np.ndarray:
        """Behaviour's likelihood ratio of pairs whose posterior lift is ``exp(log_lift)`` (elementwise)."""
        return np.exp(np.clip(self.slope * (log_lift - self.midpoint), -_MAX_LOG_RATIO, _MAX_LOG_RATIO))


_MAX_LOG_RATIO = 20.0  # keeps exp() finite; far beyond any ratio the statements carry


def reliability(stated: Statements, back: dict[tuple[str, str], float], asked: set[str]) -> float:
    """The LLM's estimated chance q that an answer's pair is right, from how often its two directions agree:
    an answered pair whose target was asked about in the other direction is real with chance q and then
    named again with chance q, so the share named both ways is q²; clipped to [0.5, 0.99] (0.99 when
    nothing can agree). ``back`` and ``asked`` must come from the converse's answers, not its checks (a
    check of the converse asks about the very pair, so it would agree by construction)."""
    comparable = [e for e in stated.answers() if e.dst in asked]
    if not comparable:
        return 0.99
    agree = sum(1 for e in comparable if (e.src, e.dst) in back) / len(comparable)
    return min(0.99, max(0.5, agree**0.5))


def behaviour_ratio(log_lift: np.ndarray, real: np.ndarray, unreal: np.ndarray, min_pairs: int) -> tuple[float, float]:
    """(slope, midpoint) of behaviour's log likelihood ratio, learnt from the pairs the statements settle:
    ``real`` (named by both directions' answers) and ``unreal`` (named by nothing), as two Gaussians of
    ``log_lift`` sharing the wider class's variance — so the log ratio is linear in log λ̂, monotone, and no
    steeper than the noisier class allows (most unnamed pairs are barely seen, their shrunk lifts cluster
    at 1, and a pooled variance would make the ratio overconfident). (0, 0), a ratio of 1, when either
    class has fewer than ``min_pairs`` pairs or real pairs do not show the higher lift."""
    x1, x0 = log_lift[real], log_lift[unreal]
    if x1.size < min_pairs or x0.size < min_pairs:
        return 0.0, 0.0
    m1, m0 = float(x1.mean()), float(x0.mean())
    var = max(float(x1.var()), float(x0.var()))
    if m1 <= m0 or var <= 0:
        return 0.0, 0.0
    return (m1 - m0) / var, (m1 + m0) / 2


def check_reliability(prior: np.ndarray, confirmed: np.ndarray, refused: np.ndarray, fallback: float) -> float:
    """The chance ``qc`` that a check's verdict is right, by maximum likelihood over the checked pairs: a pair
    real with chance ``prior`` (the statements' and behaviour's posterior before its checks) gets its
    ``confirmed`` and ``refused`` verdicts with likelihood prior·qc^c·(1 − qc)^r + (1 − prior)·(1 − qc)^c·qc^r;
    qc on a grid over [0.5, 0.99]. ``fallback`` (the answers' reliability) when fewer than 30 pairs were
    checked."""
    if prior.size < _MIN_CHECKS:
        return fallback
    grid = np.linspace(0.5, 0.99, 50)[:, None]  # [G, 1]
    real = grid**confirmed * (1 - grid) ** refused  # [G, N]
    unreal = (1 - grid) ** confirmed * grid**refused
    loglik = np.log(prior * real + (1 - prior) * unreal).sum(axis=1)
    return float(grid[int(np.argmax(loglik)), 0])


_MIN_CHECKS = 30


@dataclass(frozen=True)
class _Scored:
    """One kind's behaviour and statements, indexed for scoring."""

    k: np.ndarray
    expected: np.ndarray
    lift: np.ndarray
    mass: np.ndarray
    post: np.ndarray  # λ̂ = (k + a) / (E + a)
    back: dict[tuple[str, str], float]  # the converse's answers, as pairs of the kind, translated
    asked: set[str]  # targets of the kind the LLM answered about, the other way
    ev: _Evidence


def _score(beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig) -> _Scored:
    k, expected, lift, mass = beh.estimate(kind)
    post = (k + cfg.prior_strength) / (expected + cfg.prior_strength)
    src_index, dst_index = beh.index(kind)
    back = converse_weights(beh, kind, stated.converse_answers())
    asked = {e.src for e in stated.converse_answers()}
    answered = stated.answers()
    ev = _Evidence.of(
        len(answered),
        len({e.src for e in answered}),
        len({e.dst for e in stated.edges} | set(dst_index)),
        len(stated.converse_answers()),
        len(asked),
        reliability(stated, back, asked),
    )
    named, both = np.zeros(post.shape, dtype=bool), np.zeros(post.shape, dtype=bool)
    for e in answered:
        s, d = src_index.get(e.src), dst_index.get(e.dst)
        if s is not None and d is not None:
            named[s, d] = True
            both[s, d] = (e.src, e.dst) in back
    for src, dst in back:
        if src in src_index and dst in dst_index:
            named[src_index[src], dst_index[dst]] = True
    sources = np.zeros(post.shape[0], dtype=bool)
    sources[[src_index[e.src] for e in answered if e.src in src_index]] = True
    targets = np.zeros(post.shape[1], dtype=bool)
    targets[[dst_index[t] for t in asked if t in dst_index]] = True
    unreal = ~named & sources[:, None] & targets[None, :]
    slope, midpoint = behaviour_ratio(np.log(post), both, unreal, cfg.min_settled)
    ev = replace(ev, slope=slope, midpoint=midpoint)
    sc = _Scored(k, expected, lift, mass, post, back, asked, ev)
    qc = _checks_reliability(sc, stated, src_index, dst_index)
    return replace(sc, ev=replace(ev, confirmed=qc / (1 - qc)))


def _checks_reliability(sc: _Scored, stated: Statements, src_index: dict[str, int], dst_index: dict[str, int]) -> float:
    """`check_reliability` over the pairs of the kind checked in either direction (the answers'
    reliability when too few were)."""
    answered = {(e.src, e.dst) for e in stated.answers()}
    prior, confirmed, refused = [], [], []
    for src, dst in sorted(stated.checked_pairs()):
        s, d = src_index.get(src), dst_index.get(dst)
        if s is None or d is None:
            continue
        odds = _pair_odds(sc, src, dst, (s, d), (src, dst) in answered)
        c, r = stated.checks(src, dst)
        prior.append(odds / (1 + odds))
        confirmed.append(c)
        refused.append(r)
    q = sc.ev.said_q
    return check_reliability(np.array(prior), np.array(confirmed), np.array(refused), q)


@dataclass(frozen=True)
class Weighed:
    """One kind's calibration: the statistics of its LLM edges, the candidate pairs to check and the checked
    pairs to check again."""

    edges: list[EdgeStats]
    candidates: list[CandidatePair]
    rechecks: list[tuple[str, str]]


def weigh(beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig) -> Weighed:
    """`score_edges`, `candidates` and `rechecks` of one kind, its evidence scored once."""
    sc = _score(beh, kind, stated, cfg)
    return Weighed(
        _edge_stats(beh, kind, stated, cfg, sc),
        _candidates(beh, kind, stated, cfg, sc),
        _rechecks(beh, kind, stated, cfg, sc),
    )


def rechecks(beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig) -> list[tuple[str, str]]:
    """The pairs of ``kind`` a check of this kind decided, not re-checked yet, whose posterior probability
    of being real (statements, checks and behaviour) still lies between ``recheck_above`` and
    ``recheck_below``: one more check, in the other direction's wording, is worth its call (in key order)."""
    return _rechecks(beh, kind, stated, cfg, _score(beh, kind, stated, cfg))


def _rechecks(
    beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig, sc: _Scored
) -> list[tuple[str, str]]:
    src_index, dst_index = beh.index(kind)
    answered = {(e.src, e.dst) for e in stated.answers()}
    out = []
    for src, dst in sorted((stated.checked | stated.refused) - set(stated.rechecks)):
        s, d = src_index.get(src), dst_index.get(dst)
        if s is None or d is None:
            continue
        confirmed, refused = stated.checks(src, dst)
        odds = _pair_odds(sc, src, dst, (s, d), (src, dst) in answered) * sc.ev.confirmed ** (confirmed - refused)
        if cfg.recheck_above <= odds / (1 + odds) <= cfg.recheck_below:
            out.append((src, dst))
    return out


def score_edges(beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig) -> list[EdgeStats]:
    """Support, lift, calibrated weight and the contradicted flag of each LLM edge of ``kind`` (in the order
    of ``stated.edges``)."""
    return _edge_stats(beh, kind, stated, cfg, _score(beh, kind, stated, cfg))


def _edge_stats(
    beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig, sc: _Scored
) -> list[EdgeStats]:
    counts = beh.counts(kind)
    src_index, dst_index = beh.index(kind)
    degree = Counter(e.src for e in stated.edges)
    tilted: list[tuple[bool, float, float]] = []
    total: defaultdict[str, float] = defaultdict(float)
    for e in stated.edges:
        s, d = src_index.get(e.src), dst_index.get(e.dst)
        seen = s is not None and d is not None
        post = float(sc.post[s, d]) if s is not None and d is not None else 1.0
        odds, weight = _odds(e, stated, sc)
        odds *= float(sc.ev.behaviour(np.log(post)))
        said = weight * degree[e.src]  # the lift the LLM's weight implies, relative to an equal share
        a = cfg.prior_strength
        strength = (
            (float(sc.k[s, d]) + a * said) / (float(sc.expected[s, d]) + a) if s is not None and d is not None else said
        )
        tilted.append((seen, post, odds * strength))
        total[e.src] += odds * strength
    out = []
    for e, (seen, post, w) in zip(stated.edges, tilted, strict=True):
        calibrated = round(w / total[e.src], 6) if total[e.src] > 0 else round(e.weight, 6)
        if not seen:  # a tag no consumed item carries: behaviour has nothing to say
            out.append(EdgeStats(e.src, e.dst, 0, 0.0, calibrated, False))
            continue
        s, d = src_index[e.src], dst_index[e.dst]
        contradicted = float(sc.mass[s]) >= cfg.min_mass and post < cfg.contradict_lift
        lift = round(float(sc.lift[s, d]), 6)
        out.append(EdgeStats(e.src, e.dst, int(counts[s, d]), lift, calibrated, contradicted))
    return out


def _odds(e: WeightedEdge, stated: Statements, sc: _Scored) -> tuple[float, float]:
    """(the statements' posterior odds that the LLM's pair ``e`` is real, its weight if real): the prior odds
    times each statement's likelihood ratio, and the mean of the weights the LLM stated (a confirmed pair's
    equal share where nothing else states one)."""
    answered = (e.src, e.dst) not in stated.from_checks
    odds = _statement_odds(sc, e.src, e.dst, answered)
    weights = [e.weight] if answered else []
    said_back = sc.back.get((e.src, e.dst)) if e.dst in sc.asked else None
    if said_back is not None:
        weights.append(said_back)
    confirmed, refused = stated.checks(e.src, e.dst)
    odds *= sc.ev.confirmed ** (confirmed - refused)
    return odds, sum(weights) / len(weights) if weights else e.weight


def _pair_odds(sc: _Scored, src: str, dst: str, at: tuple[int, int], answered: bool) -> float:
    """`_statement_odds` of a pair behaviour has seen (at index ``at``) times behaviour's likelihood ratio:
    the posterior odds before any check."""
    return _statement_odds(sc, src, dst, answered) * float(sc.ev.behaviour(np.log(sc.post[at])))


def _statement_odds(sc: _Scored, src: str, dst: str, answered: bool) -> float:
    """The prior odds of the pair ``src`` → ``dst`` times the likelihood ratios of the answers: the source's
    (``answered``: it names the pair) and, where the target was asked about the other way, the converse's."""
    ev = sc.ev
    odds = ev.prior_odds * (ev.said if answered else ev.unsaid)
    if dst in sc.asked:
        odds *= ev.said_back if (src, dst) in sc.back else ev.unsaid_back
    return odds


def _unproposed_odds(
    sc: _Scored, stated: Statements, said_back: np.ndarray, src_index: dict[str, int], dst_index: dict[str, int]
) -> np.ndarray:
    """[sources, targets] posterior odds that a pair the kind's answers do not name is real: the statements'
    (not named by the source's answer, the converse's answer, and the checks of either kind) and
    behaviour's."""
    ev = sc.ev
    asked = np.zeros(said_back.shape[1], dtype=bool)
    asked[[dst_index[t] for t in sc.asked if t in dst_index]] = True
    back = np.where(said_back, ev.said_back, np.where(asked[None, :], ev.unsaid_back, 1.0))
    odds = ev.prior_odds * ev.unsaid * back
    for src, dst in stated.checked_pairs():
        if src in src_index and dst in dst_index:
            confirmed, refused = stated.checks(src, dst)
            odds[src_index[src], dst_index[dst]] *= ev.confirmed ** (confirmed - refused)
    return odds * ev.behaviour(np.log(sc.post))


def _finite(x: float) -> float:
    """``x`` to 6 significant digits (a stable journal payload), an infinite odds as the largest float."""
    return float(f"{min(float(x), sys.float_info.max):.6g}")


def within_budget(rows: Sequence[QueuedCandidate], budget: int) -> list[QueuedCandidate]:
    """The checks a day makes of ``rows`` (`graph.calibration.Calibration.to_check`) when it may make
    ``budget``: those it already made (so a rerun after a crash plans the same chunks) and the likeliest
    real of those still queued (posterior odds, then lift, then key) up to ``budget`` in all, in key order.
    The rest stay queued for the next day."""
    made = [c for c in rows if c.status != "queued"]
    queued = sorted((c for c in rows if c.status == "queued"), key=lambda c: (-c.odds, -c.lift, c.src, c.dst))
    return sorted(made + queued[: max(budget - len(made), 0)], key=lambda c: (c.src, c.dst))


def candidates(beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig) -> list[CandidatePair]:
    """The pairs of ``kind`` the LLM has no edge for and no check has refused that its converse answers state
    or behaviour supports (see the module docstring), by source and then by lift."""
    return _candidates(beh, kind, stated, cfg, _score(beh, kind, stated, cfg))


def _candidates(
    beh: Behaviour, kind: LogicKind, stated: Statements, cfg: CalibrationConfig, sc: _Scored
) -> list[CandidatePair]:
    if cfg.candidates_per_source == 0:
        return []
    counts = beh.counts(kind)
    src_index, dst_index = beh.index(kind)
    src_keys, dst_keys = sorted(src_index, key=src_index.__getitem__), sorted(dst_index, key=dst_index.__getitem__)
    said_back = np.zeros(sc.lift.shape, dtype=bool)
    for src, dst in sc.back:
        if src in src_index and dst in dst_index:
            said_back[src_index[src], dst_index[dst]] = True
    # behaviour supports a pair where its learnt ratio favours real, or (none learnt) by the lift threshold
    supported = np.log(sc.post) > sc.ev.midpoint if sc.ev.slope > 0 else sc.lift >= cfg.candidate_lift
    eligible = supported & (counts >= cfg.candidate_support) | said_back
    for src, dst in [(e.src, e.dst) for e in stated.edges] + list(stated.refused):
        if src in src_index and dst in dst_index:
            eligible[src_index[src], dst_index[dst]] = False
    odds = _unproposed_odds(sc, stated, said_back, src_index, dst_index)
    degree = Counter(e.src for e in stated.edges)
    out = []
    for s in np.flatnonzero(eligible.any(axis=1)):
        cols = np.flatnonzero(eligible[s])
        order = np.lexsort((cols, -sc.lift[s, cols], -odds[s, cols]))  # the likeliest real first
        out += [
            CandidatePair(
                src_keys[s],
                dst_keys[d],
                int(counts[s, d]),
                round(float(sc.lift[s, d]), 6),
                round(1 / (degree[src_keys[s]] + 1), 6),
                odds=_finite(odds[s, d]),
            )
            for d in cols[order][: cfg.candidates_per_source]
        ]
    return sorted(out, key=lambda c: (c.src, -c.lift, c.dst))
