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

// name: delete_other_t1_roles
// Removes the T1 HAS_ROLE edges of the given users that another run wrote (run <> `run`): batch
// exploration replaces a user's T(1) and leaves T0, its seeds, as they are.
// params: users, run
UNWIND $users AS uid
MATCH (:User {id: uid})-[r:HAS_ROLE {set: 'T1'}]->(:Tag)
WHERE r.run <> $run
DELETE r
RETURN count(*) AS n;

// name: count_roles
// The number of HAS_ROLE edges per set.
// params: -
MATCH (:User)-[r:HAS_ROLE]->(:Tag)
RETURN r.set AS set, count(r) AS n
ORDER BY set;
