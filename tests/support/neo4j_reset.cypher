// Test support: removes what `rolegraph init` creates on Neo4j (cypher/schema/neo4j.cypher), so a test can
// see a database as it is before `init`. One DROP per schema statement, by the same name
// (tests/graph/test_schema.py checks that they stay in step).

// name: item_id_unique
DROP CONSTRAINT item_id_unique IF EXISTS;

// name: user_id_unique
DROP CONSTRAINT user_id_unique IF EXISTS;

// name: tag_key_unique
DROP CONSTRAINT tag_key_unique IF EXISTS;

// name: cover_set_kind_unique
DROP CONSTRAINT cover_set_kind_unique IF EXISTS;

// name: cover_snapshot_unique
DROP CONSTRAINT cover_snapshot_unique IF EXISTS;

// name: handbook_category_unique
DROP CONSTRAINT handbook_category_unique IF EXISTS;

// name: run_id_unique
DROP CONSTRAINT run_id_unique IF EXISTS;

// name: run_step_id_unique
DROP CONSTRAINT run_step_id_unique IF EXISTS;

// name: user_tag_key_index
DROP INDEX user_tag_key_index IF EXISTS;

// name: item_tag_key_index
DROP INDEX item_tag_key_index IF EXISTS;
