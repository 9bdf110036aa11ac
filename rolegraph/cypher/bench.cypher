// Sample parameter values for bench/analyst_queries.py, which runs every analyst query on a real graph
// (e.g. the demo graph) through `rolegraph cypher run`. Each picks an example an analyst would pick: the
// busiest role, topic, item pair, user, run or edge. One row, or none on an empty graph.

// name: bench_sample_role
// The role that starts the most LLM logic chains (role -U2I-> topic -I2U-> another role).
// params: -
MATCH (t:UserTag)-[:U2I {source: 'llm'}]->(:ItemTag)-[:I2U {source: 'llm'}]->(t2:UserTag)
WHERE t2.key <> t.key
RETURN t.key AS role, count(*) AS chains
ORDER BY chains DESC, role
LIMIT 1;

// name: bench_sample_topic
// The topic touched by the most LLM logic edges (U2I in and I2U out).
// params: -
MATCH (c:ItemTag)-[r]-(:UserTag)
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = 'llm'
RETURN c.key AS topic, count(r) AS edges
ORDER BY edges DESC, topic
LIMIT 1;

// name: bench_sample_items
// The two items that share the most LLM-tagged roles.
// params: -
MATCH (a:Item)-[:HAS_USER_TAG {source: 'llm'}]->(t:Tag)<-[:HAS_USER_TAG {source: 'llm'}]-(b:Item)
WHERE a.id < b.id
RETURN a.id AS item_a, b.id AS item_b, count(t) AS shared
ORDER BY shared DESC, item_a, item_b
LIMIT 1;

// name: bench_sample_user
// The user holding the most probable exploration (T1) role.
// params: -
MATCH (u:User)-[h:HAS_ROLE {set: 'T1'}]->(:Tag)
RETURN u.id AS user, h.p AS p
ORDER BY p DESC, user
LIMIT 1;

// name: bench_sample_run
// The latest growth run and its day.
// params: -
MATCH (r:Run {kind: 'grow'})
RETURN r.id AS run, r.day AS day
ORDER BY day DESC, run DESC
LIMIT 1;

// name: bench_sample_edge
// The heaviest LLM U2I edge.
// params: -
MATCH (s:Tag)-[r:U2I {source: 'llm'}]->(d:Tag)
RETURN s.key AS src, d.key AS dst, r.weight AS weight
ORDER BY weight DESC, src, dst
LIMIT 1;

// name: bench_sample_logic_items
// The two items linked by the most LLM logic paths: a topic of A draws a role (I2U) that wants a topic
// of B (U2I).
// params: -
MATCH (a:Item)-[:HAS_ITEM_TAG]->(:ItemTag)-[:I2U {source: 'llm'}]->(:UserTag)-[:U2I {source: 'llm'}]->(:ItemTag)<-[:HAS_ITEM_TAG]-(b:Item)
WHERE a.id <> b.id
RETURN a.id AS item_a, b.id AS item_b, count(*) AS links
ORDER BY links DESC, item_a, item_b
LIMIT 1;
