"""Behaviour's word on the LLM's logic, in the graph: the statistics SET on each LLM logic edge (support,
lift, calibrated weight, contradicted flag; `reasoning.calibrate` computes them) and the queue of candidate
pairs behaviour supports but the LLM never proposed, with the verdict of their check and, where that verdict
left the pair undecided, of a re-check in the other direction's wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from rolegraph.graph.model import LogicKind
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt

_SET = {LogicKind.U2I: Stmt.SET_U2I_CALIBRATION, LogicKind.I2U: Stmt.SET_I2U_CALIBRATION}


@dataclass(frozen=True)
class EdgeStats:
    """Behaviour's statistics of one logic edge ``src`` → ``dst``."""

    src: str
    dst: str
    support: int
    lift: float
    calibrated: float
    contradicted: bool


@dataclass(frozen=True)
class CandidatePair:
    """A pair behaviour supports that the LLM never proposed: users sharing both tags (``support``), the
    lift of the pair over the target's base rate, the weight it gets once confirmed (an equal share
    beside the source's proposed targets), and calibration's posterior odds that it is real (``odds``; 0
    for a pair queued before the odds were kept), which orders the checks under a day's budget."""

    src: str
    dst: str
    support: int
    lift: float
    weight: float
    odds: float = field(default=0.0, kw_only=True)


@dataclass(frozen=True)
class QueuedCandidate(CandidatePair):
    """A candidate to check, with the tags' display names and its status (queued, confirmed, refused); for a
    re-check in the other direction's wording, ``status`` is the re-check's and ``recheck`` the first
    check's verdict (None for a first check)."""

    src_name: str
    dst_name: str
    status: str
    recheck: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The check of a candidate: ``confirmed`` (with the LLM's rationale) or ``refused``."""

    src: str
    dst: str
    status: str
    rationale: str = ""


class Calibration(Repository):
    """Calibration statistics on logic edges and the candidate queue."""

    def set_edge_stats(self, kind: LogicKind, stats: Sequence[EdgeStats]) -> int:
        """SETs the statistics on the LLM edges of ``kind`` (others are left alone); returns how many."""
        return self._db.write_rows(_SET[kind], [asdict(s) for s in stats])

    def queue(self, kind: LogicKind, day: str, pairs: Sequence[CandidatePair]) -> int:
        """Queues candidate pairs found on ``day``; a pair already checked keeps its verdict."""
        return self._db.write_each(Stmt.QUEUE_CANDIDATES, "rows", [asdict(p) for p in pairs], kind=kind.value, day=day)

    def queue_rechecks(self, kind: LogicKind, day: str, pairs: Sequence[tuple[str, str]]) -> int:
        """Queues checked pairs for a re-check found on ``day``; a pair queued or re-checked before is left alone."""
        rows = [{"src": s, "dst": d} for s, d in pairs]
        return self._db.write_each(Stmt.QUEUE_RECHECKS, "rows", rows, kind=kind.value, day=day)

    def to_check(self, kind: LogicKind, day: str, recheck: bool = False) -> list[QueuedCandidate]:
        """The candidates a run on ``day`` may check (queued earlier, or checked on ``day``), in key order;
        with ``recheck``, the pairs it may check again instead (the day's budget picks among them:
        `reasoning.calibrate.within_budget`)."""
        stmt = Stmt.RECHECKS_TO_CHECK if recheck else Stmt.CANDIDATES_TO_CHECK
        return [
            QueuedCandidate(
                r["src"],
                r["dst"],
                int(r["support"] or 0),
                float(r["lift"] or 0.0),
                float(r["weight"] or 0.0),
                r["src_name"] or r["src"],
                r["dst_name"] or r["dst"],
                r["status"],
                r["first"] if recheck else None,
                odds=float(r["odds"] or 0.0),
            )
            for r in self._db.read(stmt, kind=kind.value, day=day)
        ]

    def record(self, kind: LogicKind, day: str, verdicts: Sequence[Verdict], recheck: bool = False) -> int:
        """Records the verdicts of checks (with ``recheck``, of re-checks) made on ``day``."""
        rows = [asdict(v) for v in verdicts]
        stmt = Stmt.SET_RECHECK_STATUS if recheck else Stmt.SET_CANDIDATE_STATUS
        return self._db.write_each(stmt, "rows", rows, kind=kind.value, day=day)

    def verdicts(self, kind: LogicKind) -> dict[str, frozenset[tuple[str, str]]]:
        """The (source, target) pairs of ``kind`` a check decided, by status (``confirmed``, ``refused``), and
        those a re-check decided (``reconfirmed``, ``rerefused``)."""
        out: dict[str, set[tuple[str, str]]] = {s: set() for s in ("confirmed", "refused", "reconfirmed", "rerefused")}
        for r in self._db.read(Stmt.CHECKED_CANDIDATES, kind=kind.value):
            out[r["status"]].add((r["src"], r["dst"]))
            if r["recheck"] is not None:
                out[f"re{r['recheck']}"].add((r["src"], r["dst"]))
        return {status: frozenset(pairs) for status, pairs in out.items()}

    def counts(self) -> dict[str, int]:
        """Candidate pairs by ``kind/status``."""
        return {f"{r['kind']}/{r['status']}": int(r["n"]) for r in self._db.read(Stmt.COUNT_CANDIDATES)}
