// Paged reads for the recommender export (recsys/export): the pages of nodes come from keyset-paged
// statements (`after`, `limit`), their edges from one statement per page of keys, in a fixed order so
// that the same graph always exports to the same bytes.

// name: export_page_items
// A page of items in id order after `after`: id and title only.
// params: after, limit
MATCH (i:Item)
WHERE toString(i.id) > $after
RETURN i.id AS id, i.title AS title
ORDER BY id
LIMIT $limit;

// name: export_page_tags
// A page of tags in key order after `after`: key, name and vocabularies (no embedding).
// params: after, limit
MATCH (t:Tag)
WHERE toString(t.key) > $after
RETURN t.key AS key, t.name AS name, t:UserTag AS is_user_tag, t:ItemTag AS is_item_tag
ORDER BY key
LIMIT $limit;

// name: export_has_user_tag
// The item → role edges of one graph view (source) out of the given items.
// params: ids, source
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r:HAS_USER_TAG {source: $source}]->(t:UserTag)
RETURN i.id AS src, t.key AS dst, r.p AS p, r.rank AS rank, r.run AS run
ORDER BY src, dst;

// name: export_has_item_tag
// The item → topic edges of one graph view (source) out of the given items.
// params: ids, source
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r:HAS_ITEM_TAG {source: $source}]->(t:ItemTag)
RETURN i.id AS src, t.key AS dst, r.p AS p, r.rank AS rank, r.run AS run
ORDER BY src, dst;

// name: export_u2i
// The U2I edges (role → topic, P(c|t)) of one graph view out of the given tags, with the calibrated
// weight where calibration scored the edge (null elsewhere).
// params: keys, source
UNWIND $keys AS key
MATCH (t:UserTag {key: key})-[r:U2I {source: $source}]->(c:ItemTag)
RETURN t.key AS src, c.key AS dst, r.weight AS weight, r.calibrated AS calibrated, r.run AS run
ORDER BY src, dst;

// name: export_i2u
// The I2U edges (topic → role, P(t|c)) of one graph view out of the given tags, with the calibrated weight.
// params: keys, source
UNWIND $keys AS key
MATCH (c:ItemTag {key: key})-[r:I2U {source: $source}]->(t:UserTag)
RETURN c.key AS src, t.key AS dst, r.weight AS weight, r.calibrated AS calibrated, r.run AS run
ORDER BY src, dst;
