// Logic edges: U2I (role → topic, weight P(c|t)) and I2U (topic → role, weight P(t|c)), keyed by
// (source tag, target tag, source ∈ {llm, distilled}); weight and provenance are SET, never added.

// name: upsert_u2i
// Upserts U2I edges; both tags must exist (the source gets :UserTag, the target :ItemTag).
// params: rows
// rows: [{src, dst, weight, source, run, model, prompt_version, rationale}]; returns: n
UNWIND $rows AS row
MATCH (t:Tag {key: row.src})
MATCH (c:Tag {key: row.dst})
SET t:UserTag, c:ItemTag
MERGE (t)-[r:U2I {source: row.source}]->(c)
SET r.weight = row.weight, r.run = row.run, r.model = row.model,
    r.prompt_version = row.prompt_version, r.rationale = row.rationale
RETURN count(r) AS n;

// name: upsert_i2u
// Upserts I2U edges; the source gets :ItemTag, the target :UserTag.
// params: rows
UNWIND $rows AS row
MATCH (c:Tag {key: row.src})
MATCH (t:Tag {key: row.dst})
SET c:ItemTag, t:UserTag
MERGE (c)-[r:I2U {source: row.source}]->(t)
SET r.weight = row.weight, r.run = row.run, r.model = row.model,
    r.prompt_version = row.prompt_version, r.rationale = row.rationale
RETURN count(r) AS n;

// name: frontier_user_tags
// Role tags with key > `after` that are not yet the source of an LLM U2I edge, in key order.
// params: after, limit
MATCH (t:UserTag)
WHERE t.key > $after
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
WHERE c.key > $after
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
// Hop 1 of exploration: U2I edges out of the seed roles in one graph view (source llm = G,
// distilled = G*). Weights only; the arithmetic (δ, top-b, renormalization) is done by the caller.
// params: seeds, source
UNWIND $seeds AS seed
MATCH (t:Tag {key: seed})-[r:U2I {source: $source}]->(c:Tag)
RETURN t.key AS src, c.key AS dst, r.weight AS weight;

// name: explore_i2u
// Hop 2 of exploration: I2U edges out of the kept topics.
// params: seeds, source
UNWIND $seeds AS seed
MATCH (c:Tag {key: seed})-[r:I2U {source: $source}]->(t:Tag)
RETURN c.key AS src, t.key AS dst, r.weight AS weight;
