// Runs and user roles.

// name: upsert_run
// Upserts a run by id; every field is SET (counts as a map of numbers).
// params: id, kind, day, model, prompt_version, status, started_at, finished_at, counts
MERGE (r:Run {id: $id})
SET r += $counts, r.kind = $kind, r.day = $day, r.model = $model, r.prompt_version = $prompt_version,
    r.status = $status, r.started_at = $started_at, r.finished_at = $finished_at
RETURN r.id AS id;

// name: run_by_id
// One run's properties.
// params: id
MATCH (r:Run {id: $id})
RETURN properties(r) AS props;

// name: upsert_has_role
// A user's inferred roles, keyed by (user, tag, set); p, rank and run are SET. Both ends must exist.
// params: rows
// rows: [{user, tag, p, rank, set, run}]; returns: n
UNWIND $rows AS row
MATCH (u:User {id: row.user})
MATCH (t:Tag {key: row.tag})
MERGE (u)-[r:HAS_ROLE {set: row.set}]->(t)
SET r.p = row.p, r.rank = row.rank, r.run = row.run
RETURN count(r) AS n;

// name: user_roles
// A user's roles in one set (T0 or T1), by rank.
// params: user, set
MATCH (:User {id: $user})-[r:HAS_ROLE {set: $set}]->(t:Tag)
RETURN t.key AS key, t.name AS name, r.p AS p, r.rank AS rank, r.run AS run
ORDER BY rank, key;

// name: page_runs
// A page of runs in id order after `after`.
// params: after, limit
MATCH (r:Run)
WHERE toString(r.id) > $after
RETURN r.id AS id, properties(r) AS props
ORDER BY id
LIMIT $limit;
