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
RETURN t.key AS key, t.name AS name, t:UserTag AS is_role, t:ItemTag AS is_topic, c.key AS alias_of
ORDER BY key;
