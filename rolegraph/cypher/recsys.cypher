// Write-back of the recommender (recsys/writeback.py).

// name: delete_stale_roles
// Removes the HAS_ROLE edges of the given users that an earlier run wrote (run <> `run`), so a user's
// roles are exactly those of the latest training run.
// params: users, run
UNWIND $users AS uid
MATCH (:User {id: uid})-[r:HAS_ROLE]->(:Tag)
WHERE r.run <> $run
DELETE r
RETURN count(*) AS n;

// name: replace_t1_roles
// Batch exploration's write-back: each user's T(1) replaced in one statement. The user's T1 HAS_ROLE
// edges of other runs go, then one edge per role is MERGEd on (user, tag, set) with p, rank (the role's
// position in `tags`) and run SET; T0, the seeds, stays as it is. One row per user, not per edge: the
// user is looked up once. Users and tags must exist.
// params: rows, run
// rows: [{user, tags, ps}] (tags strongest first, ps aligned with them); returns: n
UNWIND $rows AS row
MATCH (u:User {id: row.user})
OPTIONAL MATCH (u)-[old:HAS_ROLE {set: 'T1'}]->(:Tag)
WHERE old.run <> $run
DELETE old
WITH DISTINCT u, row
UNWIND range(0, size(row.tags) - 1) AS i
MATCH (t:Tag {key: row.tags[i]})
MERGE (u)-[r:HAS_ROLE {set: 'T1'}]->(t)
SET r.p = row.ps[i], r.rank = i, r.run = $run
RETURN count(r) AS n;

// name: count_roles
// The number of HAS_ROLE edges per set.
// params: -
MATCH (:User)-[r:HAS_ROLE]->(:Tag)
RETURN r.set AS set, count(r) AS n
ORDER BY set;
