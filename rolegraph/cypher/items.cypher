// Items: upserts and reads. Items are keyed by (:Item {id}).

// name: upsert_items
// Upserts items by id. first_seen is kept from the first write; title, text, source and extra
// properties are SET (replaced), so a rerun changes nothing.
// params: rows
// rows: [{id, title, text, source, first_seen, attrs}]; returns: n (rows written)
UNWIND $rows AS row
MERGE (i:Item {id: row.id})
ON CREATE SET i.first_seen = row.first_seen
SET i += row.attrs, i.title = row.title, i.text = row.text, i.source = row.source
RETURN count(i) AS n;

// name: existing_item_ids
// Which of the given ids exist as items.
// params: ids
UNWIND $ids AS id
MATCH (i:Item {id: id})
RETURN i.id AS id;

// name: item_by_id
// One item's stored properties (scalar projection).
// params: id
MATCH (i:Item {id: $id})
RETURN i.id AS id, i.title AS title, i.text AS text, i.source AS source, i.first_seen AS first_seen;

// name: page_items
// A page of items in id order after the key `after` (keyset paging, for export and hashing).
// params: after, limit
MATCH (i:Item)
WHERE toString(i.id) > $after
RETURN i.id AS id, properties(i) AS props
ORDER BY id
LIMIT $limit;
