// Cover sets (Algorithm 1): one (:CoverSet {kind}) per vocabulary, membership with history on IN_COVER
// {since, until} (until null = current), and one (:CoverSnapshot {kind, day}) per day.

// name: ensure_cover_set
// Creates the cover set node of a kind if missing.
// params: kind
MERGE (s:CoverSet {kind: $kind})
RETURN s.kind AS kind;

// name: cover_latest_day
// The latest day a cover set changed (the largest since or until of its memberships), or null.
// params: kind
MATCH (:Tag)-[m:IN_COVER]->(:CoverSet {kind: $kind})
RETURN max(m.since) AS since, max(m.until) AS until;

// name: close_cover_membership
// Ends (until = day) the current memberships of tags that are not in `keys`. Idempotent.
// params: kind, keys, day
MATCH (t:Tag)-[m:IN_COVER]->(s:CoverSet {kind: $kind})
WHERE m.until IS NULL AND NOT t.key IN $keys
SET m.until = $day
RETURN count(m) AS n;

// name: open_cover_membership
// Starts a membership (since = day) for each tag of `keys` that is not a current member. Idempotent.
// params: kind, keys, day
MATCH (s:CoverSet {kind: $kind})
UNWIND $keys AS key
MATCH (t:Tag {key: key})
OPTIONAL MATCH (t)-[m:IN_COVER]->(s)
WHERE m.until IS NULL
WITH s, t, count(m) AS current
WHERE current = 0
MERGE (t)-[n:IN_COVER {since: $day}]->(s)
SET n.until = null
RETURN count(n) AS n;

// name: current_cover
// Keys of the current members of a cover set, in key order.
// params: kind
MATCH (t:Tag)-[m:IN_COVER]->(:CoverSet {kind: $kind})
WHERE m.until IS NULL
RETURN t.key AS key
ORDER BY key;

// name: cover_history
// Every membership interval of a cover set.
// params: kind
MATCH (t:Tag)-[m:IN_COVER]->(:CoverSet {kind: $kind})
RETURN t.key AS key, m.since AS since, m.until AS until
ORDER BY key, since;

// name: upsert_cover_snapshot
// The day's snapshot of a cover set; all fields SET.
// params: kind, day, size, recall, added, removed
MERGE (c:CoverSnapshot {kind: $kind, day: $day})
SET c.size = $size, c.recall = $recall, c.added = $added, c.removed = $removed
RETURN c.day AS day;

// name: cover_snapshots
// Every snapshot of every cover set (one per kind and day: a small table).
// params: -
MATCH (c:CoverSnapshot)
RETURN c.kind AS kind, c.day AS day, properties(c) AS props
ORDER BY kind, day;

// name: cover_sets
// The cover set nodes.
// params: -
MATCH (s:CoverSet)
RETURN s.kind AS kind
ORDER BY kind;
