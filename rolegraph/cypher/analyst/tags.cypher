// Analysts' library: the health of the tag vocabularies.

// name: analyst_stale_tags
// Stale tags: tags last seen before a day (YYYY-MM-DD), oldest first, with their item counts.
// params: before
// param before: string — a day, YYYY-MM-DD; tags whose last_seen is earlier are listed
// example: rolegraph cypher run analyst_stale_tags --param before=2026-01-01
MATCH (t:Tag)
WHERE t.last_seen < $before
RETURN t.key AS key, t.name AS name, t:UserTag AS is_role, t:ItemTag AS is_topic, t.last_seen AS last_seen,
       coalesce(t.item_count, 0) AS items
ORDER BY last_seen, key;

// name: analyst_orphan_tags
// Orphan tags: no item carries them, no logic edge touches them and no user has them as a role.
// alias_of names the canonical tag when the orphan was merged into one.
// params: -
// example: rolegraph cypher run analyst_orphan_tags
MATCH (t:Tag)
OPTIONAL MATCH (t)-[r]-()
WITH t, sum(CASE WHEN type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG', 'U2I', 'I2U', 'HAS_ROLE'] THEN 1 ELSE 0 END) AS uses
WHERE uses = 0
OPTIONAL MATCH (t)-[:ALIAS_OF]->(c:Tag)
WITH t, min(c.key) AS alias_of
RETURN t.key AS key, t.name AS name, t:UserTag AS is_role, t:ItemTag AS is_topic, alias_of
ORDER BY key;

// name: analyst_merges_of_day
// The tags one day's runs merged into another (ALIAS_OF edges written by a run of that day, or by
// grow-DAY), lowest cosine first — the merges to read first —, with the vocabulary (kind: user for roles,
// item for topics), the method and the reason that merged them and the items each alias brought to its
// canonical tag in that vocabulary. Undo one with `rolegraph tags unmerge ALIAS`.
// params: day, limit
// param day: string — the run's day, YYYY-MM-DD
// param limit: int = 100 — at most this many merges
// example: rolegraph cypher run analyst_merges_of_day --param day=2026-01-01
OPTIONAL MATCH (run:Run {day: $day})
WITH collect(run.id) AS runs
MATCH (a:Tag)-[m:ALIAS_OF]->(c:Tag)
WHERE m.run IN runs OR m.run = 'grow-' + $day
OPTIONAL MATCH (:Item)-[r]->(c)
WHERE r.via = a.key AND ((type(r) = 'HAS_USER_TAG' AND coalesce(m.kind, 'user') = 'user')
                         OR (type(r) = 'HAS_ITEM_TAG' AND coalesce(m.kind, 'item') = 'item'))
WITH a, m, c, count(r) AS items
RETURN a.key AS alias, a.name AS name, c.key AS canonical, m.kind AS kind, m.score AS score,
       m.method AS method, m.reason AS reason, items
ORDER BY score, alias, kind
LIMIT $limit;
