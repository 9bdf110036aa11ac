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
// Items the cover set misses, most-interacted first: items with no tag of one kind in the current cover
// set, so the cover-set graph G* does not reach them through that kind. Views: catalogue (every item; an
// LLM or a distilled tag in the cover covers it), llm (every item; only an LLM tag in the cover does) and
// recall (only LLM-tagged items with no LLM tag in the cover: the misses behind a snapshot's recall).
// reason: untagged (no tag of that kind yet), llm tags outside cover, distilled tags outside cover (its
// predicted tags left the cover since), distilled tags only (view llm: reached by predictions alone).
// uncovered: the item's tags of that kind outside the current cover set. Other kinds or views: no rows.
// params: kind, view, limit
// param kind: string — user (the items' roles against the role cover set) or item (their topics)
// param view: string = catalogue — catalogue, llm or recall (see above)
// param limit: int = 100 — at most this many items
// example: rolegraph cypher run analyst_cover_misses --param kind=item --param view=llm
MATCH (i:Item)
WHERE $kind IN ['user', 'item'] AND $view IN ['catalogue', 'llm', 'recall']
OPTIONAL MATCH (i)-[r]->(t:Tag)
WHERE type(r) = CASE $kind WHEN 'user' THEN 'HAS_USER_TAG' ELSE 'HAS_ITEM_TAG' END
OPTIONAL MATCH (t)-[m:IN_COVER]->(:CoverSet {kind: $kind})
WHERE m.until IS NULL
WITH i, r, t, count(m) > 0 AS in_cover
ORDER BY t.key
WITH i, count(CASE WHEN r.source = 'llm' THEN 1 END) AS llm_tags,
     count(CASE WHEN r.source = 'distilled' THEN 1 END) AS distilled_tags,
     count(CASE WHEN r.source = 'llm' AND in_cover THEN 1 END) AS llm_covered,
     count(CASE WHEN r.source = 'distilled' AND in_cover THEN 1 END) AS distilled_covered,
     collect(DISTINCT CASE WHEN NOT in_cover THEN t.key END) AS uncovered
WHERE llm_covered = 0 AND ($view <> 'catalogue' OR distilled_covered = 0) AND ($view <> 'recall' OR llm_tags > 0)
OPTIONAL MATCH (:User)-[x:INTERACTED]->(i)
WITH i, llm_tags, distilled_tags, distilled_covered, uncovered, count(x) AS interactions
RETURN i.id AS id, i.title AS title, interactions,
       CASE WHEN llm_tags > 0 THEN 'llm tags outside cover'
            WHEN distilled_covered > 0 THEN 'distilled tags only'
            WHEN distilled_tags > 0 THEN 'distilled tags outside cover'
            ELSE 'untagged' END AS reason,
       llm_tags, distilled_tags, uncovered
ORDER BY interactions DESC, id
LIMIT $limit;
