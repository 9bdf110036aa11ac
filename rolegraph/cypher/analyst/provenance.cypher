// Analysts' library: provenance — which run, model and prompt made which edges, and why.

// name: analyst_edges_by_provenance
// Logic edges counted by run, model, prompt version, source and type, with their mean weight.
// params: -
// example: rolegraph cypher run analyst_edges_by_provenance --format csv
MATCH (:Tag)-[r]->(:Tag)
WHERE type(r) IN ['U2I', 'I2U']
RETURN r.run AS run, r.model AS model, r.prompt_version AS prompt_version, r.source AS source,
       type(r) AS type, count(*) AS edges, avg(r.weight) AS mean_weight
ORDER BY run, model, prompt_version, source, type;

// name: analyst_edges_of_run
// The logic edges one run wrote (any source), heaviest first, with the run's day and status.
// params: run, limit
// param run: string — a run id (see `rolegraph cypher run analyst_edges_by_provenance`)
// param limit: int = 100 — at most this many edges
// example: rolegraph cypher run analyst_edges_of_run --param run=grow-2026-01-01
MATCH (s:Tag)-[r]->(d:Tag)
WHERE type(r) IN ['U2I', 'I2U'] AND r.run = $run
OPTIONAL MATCH (run:Run {id: $run})
RETURN type(r) AS type, s.key AS src, d.key AS dst, r.source AS source, r.weight AS weight,
       r.model AS model, r.prompt_version AS prompt_version, run.day AS day, run.status AS status
ORDER BY weight DESC, type, src, dst
LIMIT $limit;

// name: analyst_edge_rationale
// The LLM's rationale for a logic edge src -> dst (U2I or I2U), with its weight, provenance and run.
// params: src, dst, source
// param src: string — the source tag key (a role for U2I, a topic for I2U)
// param dst: string — the target tag key
// param source: string = llm — llm (the rationale is the LLM's) or distilled
// example: rolegraph cypher run analyst_edge_rationale --param src=student --param dst=crime
MATCH (s:Tag {key: $src})-[r]->(d:Tag {key: $dst})
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = $source
OPTIONAL MATCH (run:Run {id: r.run})
RETURN type(r) AS type, r.weight AS weight, r.rationale AS rationale, r.run AS run, r.model AS model,
       r.prompt_version AS prompt_version, run.day AS day;

// name: analyst_aliases_of_run
// Aliases merged in a run: alias tag -> canonical tag with the vocabulary of the merge (user: roles, item:
// topics) and the similarity score, by canonical tag.
// params: run
// param run: string — a run id
// example: rolegraph cypher run analyst_aliases_of_run --param run=grow-2026-01-01
MATCH (a:Tag)-[r:ALIAS_OF {run: $run}]->(c:Tag)
RETURN a.key AS alias, a.name AS alias_name, c.key AS canonical, c.name AS canonical_name, r.kind AS kind,
       r.score AS score
ORDER BY canonical, alias, kind;
