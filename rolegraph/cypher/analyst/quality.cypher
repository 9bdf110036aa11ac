// Analysts' library: what the quality gate and behaviour calibration set aside.

// name: analyst_quarantined_tags
// Quarantined tags: item → tag edges the quality gate moved aside, per tag with the reason (its first words;
// `example` is one full reason, with the number it was judged on), the edge type they had and how many
// items named it (most first), `some_items` the first five of them by id; `quarantine` is set when the tag failed on
// its name.
// params: limit
// param limit: int = 50 — at most this many tags
// example: rolegraph cypher run analyst_quarantined_tags --param limit=20
MATCH (i:Item)-[q:QUARANTINED]->(t:Tag)
WITH i, q, t
ORDER BY i.id
WITH t, q.kind AS kind, split(q.reason, ' (')[0] AS reason, count(i) AS items, collect(i.id)[0..5] AS some_items,
     min(q.reason) AS example
RETURN t.key AS key, t.name AS name, kind, reason, example, t.quarantine AS quarantine, items, some_items
ORDER BY items DESC, key, kind, reason
LIMIT $limit;
