// Analysts' library: cover sets (Algorithm 1) over time.

// name: analyst_cover_churn
// Cover-set churn by day: tags that joined and left the cover set of one kind, with the day's snapshot.
// params: kind
// param kind: string — user (roles) or item (topics)
// example: rolegraph cypher run analyst_cover_churn --param kind=user
MATCH (t:Tag)-[m:IN_COVER]->(:CoverSet {kind: $kind})
UNWIND [[m.since, 'added'], [m.until, 'removed']] AS event
WITH t.key AS key, event[0] AS day, event[1] AS change
WHERE day IS NOT NULL
WITH day, change, key
ORDER BY day, key
WITH day, collect(CASE WHEN change = 'added' THEN key END) AS added,
     collect(CASE WHEN change = 'removed' THEN key END) AS removed
OPTIONAL MATCH (s:CoverSnapshot {kind: $kind, day: day})
RETURN day, size(added) AS joined, size(removed) AS left, added, removed, s.size AS size, s.recall AS recall
ORDER BY day;

// name: analyst_cover_misses
// Items the cover set misses: items that carry tags of that kind, none of them in the current cover set.
// params: kind, limit
// param kind: string — user (the item's roles against the role cover set) or item (its topics)
// param limit: int = 100 — at most this many items
// example: rolegraph cypher run analyst_cover_misses --param kind=item
MATCH (i:Item)-[r]->(t:Tag)
WHERE type(r) = CASE $kind WHEN 'user' THEN 'HAS_USER_TAG' ELSE 'HAS_ITEM_TAG' END
OPTIONAL MATCH (t)-[m:IN_COVER]->(:CoverSet {kind: $kind})
WITH i, t, sum(CASE WHEN m IS NOT NULL AND m.until IS NULL THEN 1 ELSE 0 END) AS current
WITH i, count(t) AS tags, sum(CASE WHEN current > 0 THEN 1 ELSE 0 END) AS covered
WHERE covered = 0
RETURN i.id AS id, i.title AS title, tags
ORDER BY id
LIMIT $limit;
