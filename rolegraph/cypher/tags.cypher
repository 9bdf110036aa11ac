// Tags (roles and topics), item→tag edges and aliases. Tags are keyed by (:Tag {key}); the labels
// :UserTag and :ItemTag say which vocabulary a tag belongs to (a tag may be both).

// name: upsert_user_tags
// Upserts role tags: MERGE on key, add :UserTag, SET name; first_seen kept, last_seen moves forward only.
// params: rows
// rows: [{key, name, day, embedding}]; returns: n
UNWIND $rows AS row
MERGE (t:Tag {key: row.key})
ON CREATE SET t.first_seen = row.day
SET t:UserTag, t.name = row.name,
    t.last_seen = CASE WHEN t.last_seen IS NULL OR t.last_seen < row.day THEN row.day ELSE t.last_seen END,
    t.embedding = coalesce(row.embedding, t.embedding)
RETURN count(t) AS n;

// name: upsert_item_tags
// Upserts topic tags, as upsert_user_tags with :ItemTag.
// params: rows
UNWIND $rows AS row
MERGE (t:Tag {key: row.key})
ON CREATE SET t.first_seen = row.day
SET t:ItemTag, t.name = row.name,
    t.last_seen = CASE WHEN t.last_seen IS NULL OR t.last_seen < row.day THEN row.day ELSE t.last_seen END,
    t.embedding = coalesce(row.embedding, t.embedding)
RETURN count(t) AS n;

// name: upsert_has_user_tag
// Item → role edges keyed by (item, tag, source); p, rank and run are SET. Item and tag must exist.
// params: rows
// rows: [{item, tag, p, rank, source, run}]; returns: n
UNWIND $rows AS row
MATCH (i:Item {id: row.item})
MATCH (t:Tag {key: row.tag})
MERGE (i)-[r:HAS_USER_TAG {source: row.source}]->(t)
SET r.p = row.p, r.rank = row.rank, r.run = row.run
RETURN count(r) AS n;

// name: upsert_has_item_tag
// Item → topic edges, as upsert_has_user_tag.
// params: rows
UNWIND $rows AS row
MATCH (i:Item {id: row.item})
MATCH (t:Tag {key: row.tag})
MERGE (i)-[r:HAS_ITEM_TAG {source: row.source}]->(t)
SET r.p = row.p, r.rank = row.rank, r.run = row.run
RETURN count(r) AS n;

// name: refresh_tag_item_counts
// Recomputes item_count (items carrying the tag, any source) for the given tag keys.
// params: keys
UNWIND $keys AS key
MATCH (t:Tag {key: key})
OPTIONAL MATCH (i:Item)-[r]->(t)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG']
WITH t, count(DISTINCT i) AS items
SET t.item_count = items
RETURN count(t) AS n;

// name: tag_by_key
// One tag: name, vocabularies, dates and item count.
// params: key
MATCH (t:Tag {key: $key})
RETURN t.key AS key, t.name AS name, t:UserTag AS is_user_tag, t:ItemTag AS is_item_tag,
       t.first_seen AS first_seen, t.last_seen AS last_seen, t.item_count AS item_count;

// name: page_tags
// A page of tags in key order after `after`, with their vocabularies and properties.
// params: after, limit
MATCH (t:Tag)
WHERE toString(t.key) > $after
RETURN t.key AS key, t:UserTag AS is_user_tag, t:ItemTag AS is_item_tag, properties(t) AS props
ORDER BY key
LIMIT $limit;

// name: item_out_edges
// Every outgoing edge (HAS_USER_TAG, HAS_ITEM_TAG) of the given items, with its properties.
// params: ids
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r]->(t:Tag)
RETURN i.id AS src, type(r) AS type, t.key AS dst, properties(r) AS props
ORDER BY src, type, dst;

// name: tag_out_edges
// Every outgoing edge (U2I, I2U, ALIAS_OF, IN_COVER) of the given tags, with its properties. The target
// is a tag key, or a cover set kind for IN_COVER.
// params: keys
UNWIND $keys AS key
MATCH (t:Tag {key: key})-[r]->(x)
RETURN t.key AS src, type(r) AS type, coalesce(x.key, x.kind) AS dst, properties(r) AS props
ORDER BY src, type, dst;

// name: upsert_aliases
// ALIAS_OF edges alias → canonical in one vocabulary (`kind`: 'user' for roles, 'item' for topics),
// keyed by the pair and the kind — a tag that is both a role and a topic is merged in each vocabulary on
// its own; score (cosine), method, reason and run are SET.
// params: kind, rows
// rows: [{alias, canonical, score, method, reason, run}]; returns: n
UNWIND $rows AS row
MATCH (a:Tag {key: row.alias})
MATCH (c:Tag {key: row.canonical})
MERGE (a)-[r:ALIAS_OF {kind: $kind}]->(c)
SET r.score = row.score, r.method = row.method, r.reason = row.reason, r.run = row.run
RETURN count(r) AS n;

// name: delete_alias
// Removes the ALIAS_OF edge from `alias` (undo of a merge); returns how many were removed.
// params: alias
MATCH (a:Tag {key: $alias})-[r:ALIAS_OF]->(:Tag)
DELETE r
RETURN count(*) AS n;

// name: merge_counts
// Canonicalization at a glance: merges in the graph (ALIAS_OF edges), merges the words blocked (summed
// over the runs' merges_blocked counts) and merges undone (tags pinned by `tags unmerge`).
// params: -
OPTIONAL MATCH (run:Run)
WITH sum(coalesce(run.merges_blocked, 0)) AS blocked
OPTIONAL MATCH ()-[a:ALIAS_OF]->()
WITH blocked, count(a) AS made
OPTIONAL MATCH (t:Tag)
WHERE t.pinned = true
RETURN made, blocked, count(t) AS undone;
