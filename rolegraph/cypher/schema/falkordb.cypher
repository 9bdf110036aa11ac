// FalkorDB schema: an exact-match index on every MERGE key (graph/model.py NODE_KEYS). FalkorDB's
// unique constraints are not Cypher: graph/schema.py creates them with GRAPH.CONSTRAINT CREATE on
// top of these indexes and checks them at start-up. Creating an index that exists is an error in
// FalkorDB, so graph/schema.py runs each statement only when `db.indexes()` lacks it.

// name: item_id_index
CREATE INDEX FOR (n:Item) ON (n.id);

// name: user_id_index
CREATE INDEX FOR (n:User) ON (n.id);

// name: tag_key_index
CREATE INDEX FOR (n:Tag) ON (n.key);

// name: cover_set_kind_index
CREATE INDEX FOR (n:CoverSet) ON (n.kind);

// name: cover_snapshot_index
CREATE INDEX FOR (n:CoverSnapshot) ON (n.kind, n.day);

// name: run_id_index
CREATE INDEX FOR (n:Run) ON (n.id);

// name: run_step_id_index
CREATE INDEX FOR (n:RunStep) ON (n.id);

// name: handbook_category_index
CREATE INDEX FOR (n:Handbook) ON (n.category);

// name: user_tag_key_index
CREATE INDEX FOR (n:UserTag) ON (n.key);

// name: item_tag_key_index
CREATE INDEX FOR (n:ItemTag) ON (n.key);

// name: list_indexes
// Indexed label/property pairs, for the start-up check.
CALL db.indexes() YIELD label, properties
RETURN label, properties;
