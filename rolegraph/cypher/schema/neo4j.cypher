// Neo4j 5 schema: one uniqueness constraint per MERGE key (graph/model.py NODE_KEYS), each backed by
// an index. Run by `rolegraph init`; every statement is idempotent (IF NOT EXISTS).

// name: item_id_unique
CREATE CONSTRAINT item_id_unique IF NOT EXISTS FOR (n:Item) REQUIRE n.id IS UNIQUE;

// name: user_id_unique
CREATE CONSTRAINT user_id_unique IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE;

// name: tag_key_unique
CREATE CONSTRAINT tag_key_unique IF NOT EXISTS FOR (n:Tag) REQUIRE n.key IS UNIQUE;

// name: cover_set_kind_unique
CREATE CONSTRAINT cover_set_kind_unique IF NOT EXISTS FOR (n:CoverSet) REQUIRE n.kind IS UNIQUE;

// name: cover_snapshot_unique
CREATE CONSTRAINT cover_snapshot_unique IF NOT EXISTS FOR (n:CoverSnapshot) REQUIRE (n.kind, n.day) IS UNIQUE;

// name: handbook_category_unique
CREATE CONSTRAINT handbook_category_unique IF NOT EXISTS FOR (n:Handbook) REQUIRE n.category IS UNIQUE;

// name: run_id_unique
CREATE CONSTRAINT run_id_unique IF NOT EXISTS FOR (n:Run) REQUIRE n.id IS UNIQUE;

// name: run_step_id_unique
CREATE CONSTRAINT run_step_id_unique IF NOT EXISTS FOR (n:RunStep) REQUIRE n.id IS UNIQUE;

// name: user_tag_key_index
CREATE INDEX user_tag_key_index IF NOT EXISTS FOR (n:UserTag) ON (n.key);

// name: item_tag_key_index
CREATE INDEX item_tag_key_index IF NOT EXISTS FOR (n:ItemTag) ON (n.key);

// name: list_constraints
// Uniqueness constraints present, as label + properties, for the start-up check.
// (Neo4j 5 reports 'UNIQUENESS', later 5.x releases 'NODE_PROPERTY_UNIQUENESS'; a node key also holds.)
SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties
WHERE entityType = 'NODE' AND type IN ['UNIQUENESS', 'NODE_PROPERTY_UNIQUENESS', 'NODE_KEY']
RETURN labelsOrTypes[0] AS label, properties;
