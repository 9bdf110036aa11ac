// What /explore reads (graph/explore_reads.py): the per-user statements that the database path and the
// in-memory read model share, the graph's cheap version (checked often by api/read_model_cache.py) and the
// keyset-paged loads of the read model, run when the version changes. All read-only.

// name: read_model_node_counts
// How many items, users, roles and topics there are, as rows {what, n} (answered from the engine's
// label counters, not by a scan).
// params: -
MATCH (n:Item) RETURN 'Item' AS what, count(n) AS n
UNION ALL
MATCH (n:User) RETURN 'User' AS what, count(n) AS n
UNION ALL
MATCH (n:UserTag) RETURN 'UserTag' AS what, count(n) AS n
UNION ALL
MATCH (n:ItemTag) RETURN 'ItemTag' AS what, count(n) AS n;

// name: read_model_runs
// A summary of the runs (growth and training): how many, how many finished, the latest start and finish.
// A run that starts or finishes changes it.
// params: -
MATCH (r:Run)
RETURN count(r) AS runs, count(CASE WHEN r.status = 'done' THEN 1 END) AS done,
       max(r.started_at) AS started, max(r.finished_at) AS finished;

// name: read_model_u2i
// A page of roles (UserTag, in key order after `after`) with their names and their U2I edges of both
// graph views, with behaviour's statistics (null until calibration scores the edge) and provenance: rows
// {key, name, out: [[source, topic, weight, calibrated, support, lift, run, model, prompt_version,
// rationale], ...]}.
// params: after, limit
MATCH (t:UserTag)
WHERE toString(t.key) > $after
WITH t
ORDER BY t.key
LIMIT $limit
RETURN t.key AS key, t.name AS name,
       [(t)-[r:U2I]->(c:Tag) | [r.source, c.key, r.weight, r.calibrated, r.support, r.lift, r.run, r.model,
                               r.prompt_version, r.rationale]] AS out
ORDER BY key;

// name: read_model_i2u
// A page of topics (ItemTag, in key order after `after`) with their names and their I2U edges of both
// graph views, with behaviour's statistics and provenance, as read_model_u2i: rows {key, name,
// out: [[source, role, weight, calibrated, support, lift, run, model, prompt_version, rationale], ...]}.
// params: after, limit
MATCH (c:ItemTag)
WHERE toString(c.key) > $after
WITH c
ORDER BY c.key
LIMIT $limit
RETURN c.key AS key, c.name AS name,
       [(c)-[r:I2U]->(t:Tag) | [r.source, t.key, r.weight, r.calibrated, r.support, r.lift, r.run, r.model,
                               r.prompt_version, r.rationale]] AS out
ORDER BY key;

// name: read_model_items
// A page of items (id order after `after`) with title, roles (HAS_USER_TAG edges to UserTags) and topics
// (HAS_ITEM_TAG edges to ItemTags): rows {id, title, roles: [[role, source, p, run], ...],
// topics: [[topic, source, p, run], ...]}. Each pattern comprehension names its own variables: FalkorDB
// 4.x mixes up two comprehensions of one RETURN that share a variable name.
// params: after, limit
MATCH (i:Item)
WHERE toString(i.id) > $after
WITH i
ORDER BY i.id
LIMIT $limit
RETURN i.id AS id, i.title AS title,
       [(i)-[hr:HAS_USER_TAG]->(t:UserTag) | [t.key, hr.source, hr.p, hr.run]] AS roles,
       [(i)-[ht:HAS_ITEM_TAG]->(c:ItemTag) | [c.key, ht.source, ht.p, ht.run]] AS topics
ORDER BY id;

// name: read_model_users
// A page of users (id order after `after`) with every role they hold and the items they interacted with:
// rows {id, roles: [[role, set, p], ...], seen: [item id, ...]} (an item more than once when the user
// interacted with it more than once).
// params: after, limit
MATCH (u:User)
WHERE toString(u.id) > $after
WITH u
ORDER BY u.id
LIMIT $limit
RETURN u.id AS id, [(u)-[r:HAS_ROLE]->(t:Tag) | [t.key, r.set, r.p]] AS roles,
       [(u)-[:INTERACTED]->(i:Item) | i.id] AS seen
ORDER BY id;

// name: users_context
// What exploring from a user starts from, for the database path (one id) and the read model (a page of
// ids): rows {id, roles, seen}, the user's T0 roles with a positive p as [key, p] pairs (the seeds) and the
// ids of the items the user interacted with (left out of the candidates; an item more than once when the
// user did). One row per id that is a user, none for an unknown id.
// params: ids
UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u.id AS id, [(u)-[r:HAS_ROLE {set: 'T0'}]->(t:Tag) WHERE r.p > 0 | [t.key, r.p]] AS roles,
       [(u)-[:INTERACTED]->(i:Item) | i.id] AS seen;
