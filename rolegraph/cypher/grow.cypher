// The daily growth run (reasoning/grow): its plan, per-item and per-tag status, and its journal.
// A run marks the items and tags it will work on with the day (the plan), records each chunk's
// computed writes as a RunStep before applying them (the journal), and sets a status on every item and
// tag it finishes. A rerun after a crash reads the plan and the journal back and ends in the same graph.

// name: grow_plan_items
// Marks up to `limit` items that are not tagged yet for `day`, in id order; returns their ids. Not tagged:
// no status, a transient failure, or an unusable answer not yet retried — such an item is asked once more
// with another prompt (`tag_retry` = the day; its status cleared until then). One statement, so the plan is
// written whole or not at all.
// params: day, limit
MATCH (i:Item)
WHERE i.tag_status IS NULL OR i.tag_status = 'failed' OR (i.tag_status = 'quarantined' AND i.tag_retry IS NULL)
WITH i
ORDER BY i.id
LIMIT $limit
SET i.grow_day = $day,
    i.tag_retry = CASE WHEN i.tag_status = 'quarantined' THEN $day ELSE i.tag_retry END,
    i.tag_status = CASE WHEN i.tag_status = 'quarantined' THEN null ELSE i.tag_status END
RETURN i.id AS id
ORDER BY id;

// name: grow_plan_items_popular
// As grow_plan_items, the most-interacted items first (ties by id): the backfill's order.
// params: day, limit
MATCH (i:Item)
WHERE i.tag_status IS NULL OR i.tag_status = 'failed' OR (i.tag_status = 'quarantined' AND i.tag_retry IS NULL)
OPTIONAL MATCH (:User)-[r:INTERACTED]->(i)
WITH i, count(r) AS events
ORDER BY events DESC, i.id
LIMIT $limit
SET i.grow_day = $day,
    i.tag_retry = CASE WHEN i.tag_status = 'quarantined' THEN $day ELSE i.tag_retry END,
    i.tag_status = CASE WHEN i.tag_status = 'quarantined' THEN null ELSE i.tag_status END
RETURN i.id AS id
ORDER BY id;

// name: grow_count_plannable
// How many items a day could still plan (as grow_plan_items selects them): 0 when every item is tagged or
// set aside after its retry.
// params: -
MATCH (i:Item)
WHERE i.tag_status IS NULL OR i.tag_status = 'failed' OR (i.tag_status = 'quarantined' AND i.tag_retry IS NULL)
RETURN count(i) AS n;

// name: grow_planned_items
// The items planned for `day` with their text, tagging status and whether this is their retry, in id order.
// params: day
MATCH (i:Item)
WHERE i.grow_day = $day
RETURN i.id AS id, i.title AS title, i.text AS text, i.tag_status AS status, i.tag_retry IS NOT NULL AS retry
ORDER BY id;

// name: grow_item_texts
// The given items' titles and texts, in id order (what the LLM reads about them).
// params: ids
UNWIND $ids AS id
MATCH (i:Item {id: id})
RETURN i.id AS id, i.title AS title, i.text AS text
ORDER BY id;

// name: grow_set_item_status
// Sets the tagging status of items: done, quarantined (bad answers, with the reason) or failed (the
// LLM was unreachable; retried by a later run). Flags list suspicious input (e.g. prompt-injection).
// params: rows
// rows: [{id, status, reason, run, flags}]; returns: n
UNWIND $rows AS row
MATCH (i:Item {id: row.id})
SET i.tag_status = row.status, i.tag_reason = row.reason, i.tag_run = row.run, i.flags = row.flags
RETURN count(i) AS n;

// name: grow_plan_u2i
// Marks up to `limit` frontier roles (no LLM U2I edge out, not an alias, not done or quarantined, not set
// aside by the quality gate) for
// `day`, in key order; returns their keys.
// params: day, limit
MATCH (t:UserTag)
WHERE (t.u2i_status IS NULL OR t.u2i_status = 'failed') AND t.quarantine IS NULL
OPTIONAL MATCH (t)-[r:U2I {source: 'llm'}]->(:Tag)
OPTIONAL MATCH (t)-[a:ALIAS_OF]->(c:Tag)
WHERE coalesce(a.kind, CASE WHEN c:UserTag THEN 'user' END) = 'user'
WITH t, count(r) AS out, count(a) AS aliased
WHERE out = 0 AND aliased = 0
WITH t
ORDER BY t.key
LIMIT $limit
SET t.u2i_day = $day
RETURN t.key AS key
ORDER BY key;

// name: grow_plan_i2u
// As grow_plan_u2i for frontier topics (no LLM I2U edge out).
// params: day, limit
MATCH (c:ItemTag)
WHERE (c.i2u_status IS NULL OR c.i2u_status = 'failed') AND c.quarantine IS NULL
OPTIONAL MATCH (c)-[r:I2U {source: 'llm'}]->(:Tag)
OPTIONAL MATCH (c)-[a:ALIAS_OF]->(k:Tag)
WHERE coalesce(a.kind, CASE WHEN k:ItemTag THEN 'item' END) = 'item'
WITH c, count(r) AS out, count(a) AS aliased
WHERE out = 0 AND aliased = 0
WITH c
ORDER BY c.key
LIMIT $limit
SET c.i2u_day = $day
RETURN c.key AS key
ORDER BY key;

// name: grow_planned_u2i
// Roles planned for U2I on `day`, with their status.
// params: day
MATCH (t:UserTag)
WHERE t.u2i_day = $day
RETURN t.key AS key, t.name AS name, t.u2i_status AS status
ORDER BY key;

// name: grow_planned_i2u
// Topics planned for I2U on `day`, with their status.
// params: day
MATCH (c:ItemTag)
WHERE c.i2u_day = $day
RETURN c.key AS key, c.name AS name, c.i2u_status AS status
ORDER BY key;

// name: grow_set_u2i_status
// Sets the U2I status of roles (done, quarantined with the reason, failed).
// params: rows
// rows: [{key, status, reason, run}]; returns: n
UNWIND $rows AS row
MATCH (t:Tag {key: row.key})
SET t.u2i_status = row.status, t.u2i_reason = row.reason, t.u2i_run = row.run
RETURN count(t) AS n;

// name: grow_set_i2u_status
// Sets the I2U status of topics.
// params: rows
UNWIND $rows AS row
MATCH (t:Tag {key: row.key})
SET t.i2u_status = row.status, t.i2u_reason = row.reason, t.i2u_run = row.run
RETURN count(t) AS n;

// name: vocabulary_page
// A page of tags of one vocabulary ('user' or 'item') with embedding and alias target in that vocabulary
// (with the merge's score, method and reason), in key order. An alias edge written before merges carried
// their vocabulary (no `kind`) counts in each vocabulary its canonical tag belongs to.
// params: kind, after, limit
MATCH (t:Tag)
WHERE toString(t.key) > $after AND (($kind = 'user' AND t:UserTag) OR ($kind = 'item' AND t:ItemTag))
OPTIONAL MATCH (t)-[a:ALIAS_OF]->(c:Tag)
WHERE coalesce(a.kind, CASE WHEN c:UserTag AND $kind = 'user' THEN 'user'
                            WHEN c:ItemTag AND $kind = 'item' THEN 'item' END) = $kind
RETURN t.key AS key, t.embedding AS embedding, c.key AS canonical, a.score AS score, a.method AS method,
       a.reason AS reason, t.pinned AS pinned
ORDER BY key
LIMIT $limit;

// name: grow_tags_last_seen
// The last day each of the given tags was seen (for the cover sets' D-day window); keys that name no
// tag are left out.
// params: keys
UNWIND $keys AS key
MATCH (t:Tag {key: key})
RETURN t.key AS key, t.last_seen AS last_seen;

// name: run_step
// One journal entry of a run.
// params: id
MATCH (s:RunStep {id: $id})
RETURN s.payload AS payload, s.status AS status;

// name: upsert_run_step
// Writes a journal entry (the computed writes of one chunk, as JSON) before they are applied.
// params: id, run, payload, status
MERGE (s:RunStep {id: $id})
SET s.run = $run, s.payload = $payload, s.status = $status
RETURN s.id AS id;

// name: set_run_step_status
// Marks a journal entry applied.
// params: id, status
MATCH (s:RunStep {id: $id})
SET s.status = $status
RETURN s.id AS id;

// name: delete_run_steps
// Removes a finished run's journal, a batch at a time; returns how many were removed.
// params: run, limit
MATCH (s:RunStep)
WHERE s.run = $run
WITH s
LIMIT $limit
DELETE s
RETURN count(*) AS n;

// name: mark_alias_edges
// Records on item→tag edges that they reached the canonical tag through an alias (for `tags unmerge`).
// params: rows
// rows: [{item, tag, via}]; returns: n
UNWIND $rows AS row
MATCH (:Item {id: row.item})-[r]->(:Tag {key: row.tag})
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG'] AND r.source = 'llm'
SET r.via = row.via
RETURN count(r) AS n;

// name: mark_alias_logic
// Records on LLM logic edges (U2I, I2U) that their target was reached through an alias (for `tags unmerge`).
// params: rows
// rows: [{src, dst, via}]; returns: n
UNWIND $rows AS row
MATCH (:Tag {key: row.src})-[r]->(:Tag {key: row.dst})
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = 'llm'
SET r.via = row.via
RETURN count(r) AS n;

// name: run_item_tag_edges
// The item→tag edges one run's LLM tagging wrote for the given items (today's mapping M of Algorithm 1).
// params: ids, run
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r]->(t:Tag)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG'] AND r.source = 'llm' AND r.run = $run
RETURN i.id AS item, type(r) AS type, t.key AS tag
ORDER BY item, type, tag;

// name: delete_stale_distilled_logic
// Removes distilled (G*) logic edges that the current run did not publish, a batch at a time.
// params: run, limit
MATCH (:Tag)-[r]->(:Tag)
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = 'distilled' AND r.run <> $run
WITH r
LIMIT $limit
DELETE r
RETURN count(*) AS n;

// name: delete_stale_distilled_item_tags
// Removes distilled item→tag edges that the current run did not publish, a batch at a time.
// params: run, limit
MATCH (:Item)-[r]->(:Tag)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG'] AND r.source = 'distilled' AND r.run <> $run
WITH r
LIMIT $limit
DELETE r
RETURN count(*) AS n;

// name: llm_item_tag_page
// A page of items tagged by the LLM with their tags of both kinds, in id order (training data of P_θ).
// params: after, limit
MATCH (i:Item)
WHERE toString(i.id) > $after AND i.tag_status = 'done'
OPTIONAL MATCH (i)-[r]->(t:Tag)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG'] AND r.source = 'llm'
RETURN i.id AS id, i.title AS title, i.text AS text,
       collect(CASE WHEN type(r) = 'HAS_USER_TAG' THEN t.key END) AS roles,
       collect(CASE WHEN type(r) = 'HAS_ITEM_TAG' THEN t.key END) AS topics
ORDER BY id
LIMIT $limit;

// name: untagged_item_page
// A page of items the LLM has not tagged (the distilled tagger predicts theirs), in id order.
// params: after, limit
MATCH (i:Item)
WHERE toString(i.id) > $after AND (i.tag_status IS NULL OR i.tag_status <> 'done')
RETURN i.id AS id, i.title AS title, i.text AS text
ORDER BY id
LIMIT $limit;

// name: llm_logic_page
// A page of tags that are sources of LLM logic edges, each with its edges (training data of P_φ).
// params: after, limit
MATCH (s:Tag)-[r]->(d:Tag)
WHERE toString(s.key) > $after AND type(r) IN ['U2I', 'I2U'] AND r.source = 'llm'
WITH s, collect({type: type(r), dst: d.key, weight: r.weight}) AS edges
RETURN s.key AS key, edges
ORDER BY key
LIMIT $limit;

// name: pin_tag
// Marks a tag canonical for good (after `tags unmerge`), so later runs never merge it again.
// params: key
MATCH (t:Tag {key: $key})
SET t.pinned = true
RETURN t.key AS key;

// name: unmerge_item_edges
// Moves item→tag edges that reached `canonical` through the alias `alias` back onto the alias tag.
// params: alias, canonical
MATCH (a:Tag {key: $alias})
MATCH (i:Item)-[r]->(c:Tag {key: $canonical})
WHERE r.via = $alias
WITH a, i, r, type(r) AS kind, properties(r) AS props
FOREACH (_ IN CASE WHEN kind = 'HAS_USER_TAG' THEN [1] ELSE [] END |
  MERGE (i)-[n:HAS_USER_TAG {source: props.source}]->(a)
  SET n.p = props.p, n.rank = props.rank, n.run = props.run)
FOREACH (_ IN CASE WHEN kind = 'HAS_ITEM_TAG' THEN [1] ELSE [] END |
  MERGE (i)-[n:HAS_ITEM_TAG {source: props.source}]->(a)
  SET n.p = props.p, n.rank = props.rank, n.run = props.run)
DELETE r
RETURN count(*) AS n;

// name: touch_tags
// Records that existing tags were seen again on `day` (last_seen only moves forward).
// params: keys, day
UNWIND $keys AS key
MATCH (t:Tag {key: key})
SET t.last_seen = CASE WHEN t.last_seen IS NULL OR t.last_seen < $day THEN $day ELSE t.last_seen END
RETURN count(t) AS n;

// name: pending_run_steps
// Journal entries of a run written but not yet applied (at most one per phase after a crash).
// params: run
MATCH (s:RunStep)
WHERE s.run = $run AND s.status = 'planned'
RETURN s.id AS id, s.payload AS payload
ORDER BY id;

// name: unmerge_logic_edges
// Moves logic edges (U2I and I2U, whatever their source tag) that reached `canonical` through the alias
// `alias` back onto the alias tag, with all their properties.
// params: alias, canonical
MATCH (a:Tag {key: $alias})
MATCH (s:Tag)-[r]->(c:Tag {key: $canonical})
WHERE type(r) IN ['U2I', 'I2U'] AND r.via = $alias
WITH a, s, r, type(r) AS kind, properties(r) AS props
FOREACH (_ IN CASE WHEN kind = 'U2I' THEN [1] ELSE [] END |
  MERGE (s)-[n:U2I {source: props.source}]->(a)
  SET n += props)
FOREACH (_ IN CASE WHEN kind = 'I2U' THEN [1] ELSE [] END |
  MERGE (s)-[n:I2U {source: props.source}]->(a)
  SET n += props)
DELETE r
RETURN count(*) AS n;

// name: unmerge_user_roles
// After the item edges went back to `alias`: each user role on `canonical` held by a user who interacted
// with an item that carries the alias is given to the alias too (same set, p, rank, run; `via` names the
// canonical tag it came from), and taken off the canonical tag when none of the user's items carries it.
// Returns the roles given to the alias and how many of them were taken off the canonical tag.
// params: alias, canonical
MATCH (a:Tag {key: $alias})
MATCH (c:Tag {key: $canonical})
MATCH (u:User)-[h:HAS_ROLE]->(c)
MATCH (u)-[:INTERACTED]->(:Item)-[:HAS_USER_TAG]->(a)
WITH DISTINCT a, c, u, h
OPTIONAL MATCH (u)-[:INTERACTED]->(j:Item)-[:HAS_USER_TAG]->(c)
WITH a, u, h, h.set AS set, h.p AS p, h.rank AS rank, h.run AS run, count(j) AS own
MERGE (u)-[n:HAS_ROLE {set: set}]->(a)
SET n.p = p, n.rank = rank, n.run = run, n.via = $canonical
WITH h, own
FOREACH (_ IN CASE WHEN own > 0 THEN [] ELSE [1] END | DELETE h)
RETURN count(*) AS n, sum(CASE WHEN own > 0 THEN 0 ELSE 1 END) AS moved;
