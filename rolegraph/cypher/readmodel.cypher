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
// A page of roles (UserTag, in key order after `after`) with their U2I edges of both graph views:
// rows {key, out: [[source, topic, weight], ...]}.
// params: after, limit
MATCH (t:UserTag)
WHERE toString(t.key) > $after
WITH t
ORDER BY t.key
LIMIT $limit
OPTIONAL MATCH (t)-[r:U2I]->(c)
RETURN t.key AS key, collect([r.source, c.key, r.weight]) AS out
ORDER BY key;

// name: read_model_i2u
// A page of topics (ItemTag, in key order after `after`) with their I2U edges of both graph views:
// rows {key, out: [[source, role, weight], ...]}.
// params: after, limit
MATCH (c:ItemTag)
WHERE toString(c.key) > $after
WITH c
ORDER BY c.key
LIMIT $limit
OPTIONAL MATCH (c)-[r:I2U]->(t)
RETURN c.key AS key, collect([r.source, t.key, r.weight]) AS out
ORDER BY key;

// name: read_model_items
// A page of items (id order after `after`) with title and their roles: rows
// {id, title, roles: [[role, source, p], ...]} (HAS_USER_TAG edges to UserTags).
// params: after, limit
MATCH (i:Item)
WHERE toString(i.id) > $after
WITH i
ORDER BY i.id
LIMIT $limit
OPTIONAL MATCH (i)-[r:HAS_USER_TAG]->(t:UserTag)
RETURN i.id AS id, i.title AS title, collect([t.key, r.source, r.p]) AS roles
ORDER BY id;

// name: read_model_user_ids
// A page of user ids (id order after `after`): rows {id}; the read model loads `users_context` a page
// of users at a time.
// params: after, limit
MATCH (u:User)
WHERE toString(u.id) > $after
WITH u
ORDER BY u.id
LIMIT $limit
RETURN u.id AS id
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
