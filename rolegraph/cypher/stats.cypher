// Counts for `rolegraph stats`.

// name: count_nodes_by_label
// Node count per label (a node with two labels counts under both).
// params: -
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS n
ORDER BY label;

// Relationship counts, one statement per type: FalkorDB answers each from its relationship counters at
// once, but scans every relationship when the types are grouped in one statement (1.4 s on the demo graph).

// name: count_has_user_tag
// How many HAS_USER_TAG relationships there are.
// params: -
MATCH ()-[r:HAS_USER_TAG]->()
RETURN count(r) AS n;

// name: count_has_item_tag
// How many HAS_ITEM_TAG relationships there are.
// params: -
MATCH ()-[r:HAS_ITEM_TAG]->()
RETURN count(r) AS n;

// name: count_u2i
// How many U2I relationships there are.
// params: -
MATCH ()-[r:U2I]->()
RETURN count(r) AS n;

// name: count_i2u
// How many I2U relationships there are.
// params: -
MATCH ()-[r:I2U]->()
RETURN count(r) AS n;

// name: count_in_cover
// How many IN_COVER relationships there are.
// params: -
MATCH ()-[r:IN_COVER]->()
RETURN count(r) AS n;

// name: count_alias_of
// How many ALIAS_OF relationships there are.
// params: -
MATCH ()-[r:ALIAS_OF]->()
RETURN count(r) AS n;

// name: count_interacted
// How many INTERACTED relationships there are.
// params: -
MATCH ()-[r:INTERACTED]->()
RETURN count(r) AS n;

// name: count_has_role
// How many HAS_ROLE relationships there are.
// params: -
MATCH ()-[r:HAS_ROLE]->()
RETURN count(r) AS n;

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
