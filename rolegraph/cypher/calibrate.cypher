// Behaviour-calibrated logic (reasoning/calibrate.py): support, lift and a calibrated weight SET on each
// LLM logic edge beside its weight (provenance and rationale untouched), contradicted edges flagged, and
// (:Tag)-[:CANDIDATE {kind}]->(:Tag) pairs behaviour supports but the LLM never proposed, queued for the
// next day's check (status queued → confirmed | refused). A checked pair whose posterior the verdict left
// undecided is checked once more in the other direction's wording (recheck queued → confirmed | refused).

// name: set_u2i_calibration
// Sets the behaviour statistics of LLM U2I edges; rows {src, dst, support, lift, calibrated, contradicted}.
// params: rows
UNWIND $rows AS row
MATCH (:UserTag {key: row.src})-[r:U2I {source: 'llm'}]->(:ItemTag {key: row.dst})
SET r.support = row.support, r.lift = row.lift, r.calibrated = row.calibrated, r.contradicted = row.contradicted
RETURN count(r) AS n;

// name: set_i2u_calibration
// Sets the behaviour statistics of LLM I2U edges, as set_u2i_calibration.
// params: rows
UNWIND $rows AS row
MATCH (:ItemTag {key: row.src})-[r:I2U {source: 'llm'}]->(:UserTag {key: row.dst})
SET r.support = row.support, r.lift = row.lift, r.calibrated = row.calibrated, r.contradicted = row.contradicted
RETURN count(r) AS n;

// name: queue_candidates
// Queues candidate pairs of one kind (U2I: role → topic, I2U: topic → role) found on `day`; rows {src, dst,
// support, lift, weight, odds}. A pair already checked keeps its verdict; a queued one gets the newer numbers.
// params: rows, kind, day
UNWIND $rows AS row
MATCH (s:Tag {key: row.src})
MATCH (d:Tag {key: row.dst})
MERGE (s)-[c:CANDIDATE {kind: $kind}]->(d)
ON CREATE SET c.status = 'queued', c.day = $day
WITH c, row
WHERE c.status = 'queued'
SET c.support = row.support, c.lift = row.lift, c.weight = row.weight, c.odds = row.odds
RETURN count(c) AS n;

// name: candidates_to_check
// The candidate pairs of one kind a run on `day` checks: queued on an earlier day, or checked on `day`
// itself (so a rerun after a crash cuts its chunks the same way), in (src, dst) order.
// params: kind, day
MATCH (s:Tag)-[c:CANDIDATE {kind: $kind}]->(d:Tag)
WHERE (c.status = 'queued' AND c.day < $day) OR c.checked = $day
RETURN s.key AS src, s.name AS src_name, d.key AS dst, d.name AS dst_name, c.status AS status,
       c.support AS support, c.lift AS lift, c.weight AS weight, c.odds AS odds
ORDER BY src, dst;

// name: set_candidate_status
// Records the check of candidate pairs on `day`; rows {src, dst, status, rationale}.
// params: rows, kind, day
UNWIND $rows AS row
MATCH (:Tag {key: row.src})-[c:CANDIDATE {kind: $kind}]->(:Tag {key: row.dst})
SET c.status = row.status, c.rationale = row.rationale, c.checked = $day
RETURN count(c) AS n;

// name: checked_candidates
// The candidate pairs of one kind a check confirmed (their LLM edges came from the check, not an answer) or
// refused, with the verdict and the re-check's (null when none was made).
// params: kind
MATCH (s:Tag)-[c:CANDIDATE {kind: $kind}]->(d:Tag)
WHERE c.status IN ['confirmed', 'refused']
RETURN s.key AS src, d.key AS dst, c.status AS status,
       CASE WHEN c.recheck IN ['confirmed', 'refused'] THEN c.recheck ELSE null END AS recheck
ORDER BY src, dst;

// name: queue_rechecks
// Queues checked candidate pairs of one kind for a re-check in the other direction's wording, found on
// `day`; rows {src, dst}. A pair queued or re-checked before is left as it is.
// params: rows, kind, day
UNWIND $rows AS row
MATCH (:Tag {key: row.src})-[c:CANDIDATE {kind: $kind}]->(:Tag {key: row.dst})
WHERE c.status IN ['confirmed', 'refused'] AND c.recheck IS NULL
SET c.recheck = 'queued', c.recheck_day = $day
RETURN count(c) AS n;

// name: rechecks_to_check
// The re-checks of one kind a run on `day` makes: queued on an earlier day, or made on `day` itself (so a
// rerun after a crash cuts its chunks the same way), in (src, dst) order; `status` is the re-check's,
// `first` the first check's verdict.
// params: kind, day
MATCH (s:Tag)-[c:CANDIDATE {kind: $kind}]->(d:Tag)
WHERE (c.recheck = 'queued' AND c.recheck_day < $day) OR c.rechecked = $day
RETURN s.key AS src, s.name AS src_name, d.key AS dst, d.name AS dst_name, c.recheck AS status,
       c.status AS first, c.support AS support, c.lift AS lift, c.weight AS weight, c.odds AS odds
ORDER BY src, dst;

// name: set_recheck_status
// Records the re-check of candidate pairs on `day`; rows {src, dst, status, rationale}.
// params: rows, kind, day
UNWIND $rows AS row
MATCH (:Tag {key: row.src})-[c:CANDIDATE {kind: $kind}]->(:Tag {key: row.dst})
SET c.recheck = row.status, c.recheck_rationale = row.rationale, c.rechecked = $day
RETURN count(c) AS n;

// name: count_candidates
// Candidate pairs by kind and status, the re-checks counted as status 'recheck/<its status>'.
// params: -
MATCH (:Tag)-[c:CANDIDATE]->(:Tag)
WITH c.kind AS kind, [c.status] + CASE WHEN c.recheck IS NULL THEN [] ELSE ['recheck/' + c.recheck] END AS statuses
UNWIND statuses AS status
RETURN kind, status, count(*) AS n
ORDER BY kind, status;
