// Users and their interactions.

// name: upsert_users
// Upserts users by id; attributes are SET from the row's attrs map.
// params: rows
// rows: [{id, attrs}]; returns: n
UNWIND $rows AS row
MERGE (u:User {id: row.id})
SET u += row.attrs
RETURN count(u) AS n;

// name: page_users
// A page of users in id order after `after`.
// params: after, limit
MATCH (u:User)
WHERE toString(u.id) > $after
RETURN u.id AS id, properties(u) AS props
ORDER BY id
LIMIT $limit;

// name: upsert_interactions
// Upserts INTERACTED edges keyed by (user, item, ts); the user is created if new, the item must exist
// (the loader checks that first). rating is SET.
// params: rows
// rows: [{user, item, ts, rating}]; returns: n
UNWIND $rows AS row
MATCH (i:Item {id: row.item})
MERGE (u:User {id: row.user})
MERGE (u)-[r:INTERACTED {ts: row.ts}]->(i)
SET r.rating = row.rating
RETURN count(r) AS n;

// name: user_out_edges
// Every outgoing edge (INTERACTED, HAS_ROLE) of the given users, with its properties, for streaming reads.
// params: ids
UNWIND $ids AS id
MATCH (u:User {id: id})-[r]->(x)
RETURN u.id AS src, type(r) AS type, coalesce(x.id, x.key) AS dst, properties(r) AS props
ORDER BY src, type, dst;

// name: interactions_of_users
// The interactions of the given users, in (user, ts, item) order.
// params: ids
UNWIND $ids AS id
MATCH (u:User {id: id})-[r:INTERACTED]->(i:Item)
RETURN u.id AS user, i.id AS item, r.ts AS ts, r.rating AS rating
ORDER BY user, ts, item;
