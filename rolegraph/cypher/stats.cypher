// Counts for `rolegraph stats`.

// name: count_nodes_by_label
// Node count per label (a node with two labels counts under both).
// params: -
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS n
ORDER BY label;

// name: count_rels_by_type
// Relationship count per type.
// params: -
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
ORDER BY type;

// name: ping
// Cheapest round trip to the database.
// params: -
RETURN 1 AS ok;

// name: clear_batch
// Deletes up to `limit` nodes with their relationships; repeat until it returns 0. Used by
// GraphStore.clear (tests on a shared Neo4j database, and `rolegraph reset`).
// params: limit
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS n;
