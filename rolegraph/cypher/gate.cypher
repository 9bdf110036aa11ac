// The quality gate of LLM tags (reasoning/gate.py): an item → tag edge below the gate is moved to
// (:Item)-[:QUARANTINED {kind, reason, rank, run, via}]->(:Tag) (kind: the edge type it had), so no reader
// of HAS_USER_TAG / HAS_ITEM_TAG sees it and nothing is lost; a tag that fails on its name alone
// (generic, a person's name) gets `quarantine` = the reason and is never asked about.

// name: gate_item_tag_edges
// The LLM item → tag edges one run wrote for the given items (every run's when `run` is null), with the
// item's text and the tag's name, in (item, type, tag) order (the embeddings come from the run's
// vocabularies: reading them back per edge is slow).
// params: ids, run
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r]->(t:Tag)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG'] AND r.source = 'llm' AND ($run IS NULL OR r.run = $run)
RETURN i.id AS item, coalesce(i.text, i.title, i.id) AS text, type(r) AS type, t.key AS tag,
       coalesce(t.name, t.key) AS name
ORDER BY item, type, tag;

// name: gate_llm_tagged_items
// The items that keep an LLM item → tag edge, in id order (what `rolegraph gate` judges).
// params: -
MATCH (i:Item)-[r]->(:Tag)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG'] AND r.source = 'llm'
RETURN DISTINCT i.id AS id
ORDER BY id;

// name: quarantine_item_tags
// Moves item → tag edges to QUARANTINED with the reason; rows {item, type, tag, reason}. Edges already
// moved are not found again, so a replay writes nothing twice.
// params: rows
UNWIND $rows AS row
MATCH (i:Item {id: row.item})-[r]->(t:Tag {key: row.tag})
WHERE type(r) = row.type AND r.source = 'llm'
MERGE (i)-[q:QUARANTINED {kind: row.type}]->(t)
SET q.reason = row.reason, q.rank = r.rank, q.run = r.run, q.via = r.via
DELETE r
RETURN count(q) AS n;

// name: quarantine_tags
// Marks tags that fail the gate on their name alone; rows {key, reason}.
// params: rows
UNWIND $rows AS row
MATCH (t:Tag {key: row.key})
SET t.quarantine = row.reason
RETURN count(t) AS n;

// name: mark_reasked
// Records on items that a tagging answer of theirs was asked again without the worked example it echoed
// (reasoning/grow/reasking.py); rows {item, type, prompt_version, status}. `reasked` lists
// "<edge type> <prompt version> <status>" once each, so a replay adds nothing.
// params: rows
UNWIND $rows AS row
MATCH (i:Item {id: row.item})
WITH i, row.type + ' ' + row.prompt_version + ' ' + row.status AS mark
SET i.reasked = CASE WHEN mark IN coalesce(i.reasked, []) THEN i.reasked ELSE coalesce(i.reasked, []) + [mark] END
RETURN count(i) AS n;

// name: reasked_items_failed
// The items with a re-ask the LLM never answered (a mark "<edge type> <prompt version> failed"), with every
// mark, in id order: the next day's re-ask asks them again (reasoning/grow/reasking.py).
// params: -
MATCH (i:Item)
WHERE any(mark IN coalesce(i.reasked, []) WHERE mark ENDS WITH ' failed')
RETURN i.id AS id, i.reasked AS reasked
ORDER BY id;

// name: count_quarantined
// Quarantined item → tag edges by the edge type they had and by reason (the reason's first words).
// params: -
MATCH (:Item)-[q:QUARANTINED]->(:Tag)
RETURN q.kind AS kind, split(q.reason, ' (')[0] AS reason, count(q) AS n
ORDER BY kind, reason;
