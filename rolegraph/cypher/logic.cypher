// Logic edges: U2I (role → topic, weight P(c|t)) and I2U (topic → role, weight P(t|c)), keyed by
// (source tag, target tag, source ∈ {llm, distilled}); weight and provenance are SET, never added.

// name: upsert_u2i
// Upserts U2I edges keyed by (role, topic, source); weight, provenance and rationale are SET. Rows are
// grouped by role — {src, dst: [topic keys], weight: [...], rationale: [...]} — so each role is looked up
// once; run, model and prompt_version are shared by the batch. Both tags must already be in their
// vocabularies (the role :UserTag, the topic :ItemTag); rows naming other keys write nothing. Each group
// is projected to scalars before the per-edge work: carrying the group's lists through every edge row
// cost FalkorDB about a quarter more server time (bench/graph_store.py).
// params: rows, source, run, model, prompt_version
// returns: n (edges written)
UNWIND $rows AS g
MATCH (t:UserTag {key: g.src})
WITH t, g.dst AS dst, g.weight AS weight, g.rationale AS rationale
UNWIND range(0, size(dst) - 1) AS j
WITH t, dst[j] AS key, weight[j] AS w, rationale[j] AS why
MATCH (c:ItemTag {key: key})
MERGE (t)-[r:U2I {source: $source}]->(c)
SET r.weight = w, r.rationale = why, r.run = $run, r.model = $model, r.prompt_version = $prompt_version
RETURN count(r) AS n;

// name: upsert_i2u
// Upserts I2U edges (topic → role) exactly as upsert_u2i: rows grouped by topic, provenance per batch.
// params: rows, source, run, model, prompt_version
UNWIND $rows AS g
MATCH (c:ItemTag {key: g.src})
WITH c, g.dst AS dst, g.weight AS weight, g.rationale AS rationale
UNWIND range(0, size(dst) - 1) AS j
WITH c, dst[j] AS key, weight[j] AS w, rationale[j] AS why
MATCH (t:UserTag {key: key})
MERGE (c)-[r:I2U {source: $source}]->(t)
SET r.weight = w, r.rationale = why, r.run = $run, r.model = $model, r.prompt_version = $prompt_version
RETURN count(r) AS n;

// name: frontier_user_tags
// Role tags with key > `after` that are not yet the source of an LLM U2I edge, in key order.
// params: after, limit
MATCH (t:UserTag)
WHERE toString(t.key) > $after
OPTIONAL MATCH (t)-[r:U2I {source: 'llm'}]->(:Tag)
WITH t, count(r) AS out
WHERE out = 0
RETURN t.key AS key, t.name AS name
ORDER BY key
LIMIT $limit;

// name: frontier_item_tags
// Topic tags with key > `after` that are not yet the source of an LLM I2U edge, in key order.
// params: after, limit
MATCH (c:ItemTag)
WHERE toString(c.key) > $after
OPTIONAL MATCH (c)-[r:I2U {source: 'llm'}]->(:Tag)
WITH c, count(r) AS out
WHERE out = 0
RETURN c.key AS key, c.name AS name
ORDER BY key
LIMIT $limit;

// name: tag_out_logic
// A tag's outgoing logic edges (U2I and I2U) with provenance, heaviest first.
// params: key, source
MATCH (t:Tag {key: $key})-[r]->(x:Tag)
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = $source
RETURN type(r) AS type, x.key AS target, x.name AS name, r.weight AS weight, r.run AS run,
       r.model AS model, r.prompt_version AS prompt_version, r.rationale AS rationale
ORDER BY weight DESC, target;

// name: tag_in_logic
// A tag's incoming logic edges (U2I and I2U) with provenance, heaviest first.
// params: key, source
MATCH (x:Tag)-[r]->(t:Tag {key: $key})
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = $source
RETURN type(r) AS type, x.key AS source_key, x.name AS name, r.weight AS weight, r.run AS run,
       r.model AS model, r.prompt_version AS prompt_version, r.rationale AS rationale
ORDER BY weight DESC, source_key;

// name: explore_u2i
// Hop 1 of exploration: the U2I edges out of the given (distinct) roles in one graph view (source llm =
// G, distilled = G*), one row per role: src, dst (its targets), weight (in the same order). The
// arithmetic (δ, top-b, renormalization) is the caller's (graph/explore.py). Targets carry no label
// test: U2I only ever ends at a topic, and the test costs FalkorDB a label-matrix lookup per edge. One
// row per role, not per edge: Neo4j's Python driver spends far more on each record than on a value of a
// list (bench/graph_store.py).
// params: seeds, source
UNWIND $seeds AS seed
MATCH (t:UserTag {key: seed})-[r:U2I {source: $source}]->(c)
RETURN t.key AS src, collect(c.key) AS dst, collect(r.weight) AS weight;

// name: explore_i2u
// Hop 2 of exploration: the I2U edges out of the kept (distinct) topics C(1), one row per topic as in
// explore_u2i.
// params: seeds, source
UNWIND $seeds AS seed
MATCH (c:ItemTag {key: seed})-[r:I2U {source: $source}]->(t)
RETURN c.key AS src, collect(t.key) AS dst, collect(r.weight) AS weight;
