// Reads the HTTP API needs beyond the store's own. All read-only.

// name: user_by_id
// One user: id and number of interactions, or no row.
// params: id
MATCH (u:User {id: $id})
OPTIONAL MATCH (u)-[r:INTERACTED]->(:Item)
RETURN u.id AS id, count(r) AS interactions;

// name: known_roles
// Which of the given keys are roles (UserTag keys), for /explore's tag seeds: one row {key} per role
// (keys that are not roles give no row).
// params: keys
UNWIND $keys AS key
MATCH (t:UserTag {key: key})
RETURN t.key AS key;

// name: explore_role_items
// The items carrying the given roles (UserTag keys), for exploration's candidate items: rows
// {role, item, title, sources}, sources being [source, p] pairs of the item's HAS_USER_TAG edges to the
// role. graph/explore_reads.py picks P(role|item) of the graph view and ranks the items.
// params: roles
UNWIND $roles AS key
MATCH (t:UserTag {key: key})<-[r:HAS_USER_TAG]-(i:Item)
RETURN key AS role, i.id AS item, i.title AS title, collect([r.source, r.p]) AS sources;

// name: item_roles
// The roles an item serves (HAS_USER_TAG, every source), heaviest first.
// params: item
MATCH (i:Item {id: $item})-[r:HAS_USER_TAG]->(t:Tag)
RETURN t.key AS role, t.name AS role_name, r.p AS item_p, r.source AS item_source, r.run AS item_run
ORDER BY item_p DESC, role, item_source;

// name: item_topic_roles
// The roles that want a topic the item is about: i -HAS_ITEM_TAG-> c <-U2I- t in graph view `source`.
// params: item, source
MATCH (i:Item {id: $item})-[it:HAS_ITEM_TAG]->(c:Tag)<-[l:U2I {source: $source}]-(t:Tag)
RETURN t.key AS role, t.name AS role_name, c.key AS topic, c.name AS topic_name, l.weight AS u2i_weight,
       l.run AS u2i_run, l.model AS u2i_model, l.prompt_version AS u2i_prompt_version,
       l.rationale AS u2i_rationale, it.p AS item_p, it.source AS item_source, it.run AS item_run
ORDER BY role, topic, item_source;

// name: item_tags
// An item's tags of both kinds with their edges, by kind, source and rank.
// params: item
MATCH (i:Item {id: $item})-[r]->(t:Tag)
WHERE type(r) IN ['HAS_USER_TAG', 'HAS_ITEM_TAG']
RETURN type(r) AS type, t.key AS key, t.name AS name, r.p AS p, r.rank AS rank, r.source AS source, r.run AS run
ORDER BY type, source, rank, key;

// name: tag_cover_membership
// Every cover-set membership interval of one tag (until null = current).
// params: key
MATCH (t:Tag {key: $key})-[m:IN_COVER]->(s:CoverSet)
RETURN s.kind AS kind, m.since AS since, m.until AS until
ORDER BY kind, since;

// name: tag_aliases
// The aliases of one tag (keys merged into it) with the vocabulary of the merge, score and run.
// params: key
MATCH (a:Tag)-[r:ALIAS_OF]->(t:Tag {key: $key})
RETURN a.key AS alias, r.kind AS kind, r.score AS score, r.run AS run
ORDER BY alias, kind;

// name: tag_canonical
// The tags that one tag is an alias of (one per vocabulary at most), if any.
// params: key
MATCH (t:Tag {key: $key})-[r:ALIAS_OF]->(c:Tag)
RETURN c.key AS canonical, r.kind AS kind, r.score AS score, r.run AS run
ORDER BY canonical, kind;

// name: tag_names
// Display names of the given tag keys (missing keys give no row).
// params: keys
UNWIND $keys AS key
MATCH (t:Tag {key: key})
RETURN t.key AS key, t.name AS name;

// name: tag_count
// How many tags there are (the semantic search index is rebuilt when this changes).
// params: -
MATCH (t:Tag)
RETURN count(t) AS n;
