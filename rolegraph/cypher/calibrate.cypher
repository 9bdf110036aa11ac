// Behaviour-calibrated logic (reasoning/calibrate.py): support, lift and a calibrated weight SET on each
// LLM logic edge beside its weight (provenance and rationale untouched), contradicted edges flagged, and
// (:Tag)-[:CANDIDATE {kind}]->(:Tag) pairs behaviour supports but the LLM never proposed, queued for the
// next day's check (status queued → confirmed | refused).

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
// support, lift, weight}. A pair already checked keeps its verdict; a queued one gets the newer numbers.
// params: rows, kind, day
UNWIND $rows AS row
MATCH (s:Tag {key: row.src})
MATCH (d:Tag {key: row.dst})
MERGE (s)-[c:CANDIDATE {kind: $kind}]->(d)
ON CREATE SET c.status = 'queued', c.day = $day
WITH c, row
WHERE c.status = 'queued'
SET c.support = row.support, c.lift = row.lift, c.weight = row.weight
RETURN count(c) AS n;

// name: candidates_to_check
// The candidate pairs of one kind a run on `day` checks: queued on an earlier day, or checked on `day`
// itself (so a rerun after a crash cuts its chunks the same way), in (src, dst) order.
// params: kind, day
MATCH (s:Tag)-[c:CANDIDATE {kind: $kind}]->(d:Tag)
WHERE (c.status = 'queued' AND c.day < $day) OR c.checked = $day
RETURN s.key AS src, s.name AS src_name, d.key AS dst, d.name AS dst_name, c.status AS status,
       c.support AS support, c.lift AS lift, c.weight AS weight
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
// refused, with the verdict.
// params: kind
MATCH (s:Tag)-[c:CANDIDATE {kind: $kind}]->(d:Tag)
WHERE c.status IN ['confirmed', 'refused']
RETURN s.key AS src, d.key AS dst, c.status AS status
ORDER BY src, dst;

// name: count_candidates
// Candidate pairs by kind and status.
// params: -
MATCH (:Tag)-[c:CANDIDATE]->(:Tag)
RETURN c.kind AS kind, c.status AS status, count(c) AS n
ORDER BY kind, status;
