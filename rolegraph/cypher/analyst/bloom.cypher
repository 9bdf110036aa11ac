// Analysts' library: the search phrases of the Neo4j Bloom perspective (cypher/bloom/). They return
// paths for Bloom to draw; their only parameters are the phrase's own. The perspective file holds the
// same text (a test keeps the two equal).

// name: bloom_logic_chains
// Logic chains from a role, as paths role -U2I-> topic -I2U-> role (both edges from the same graph
// view), strongest first. Bloom: "logic chains from $role".
// params: role
// param role: string — the role's tag key
// example: rolegraph cypher run bloom_logic_chains --param role=student --format json
MATCH p = (t:UserTag {key: $role})-[a:U2I]->(c:ItemTag)-[b:I2U]->(t2:UserTag)
WHERE a.source = b.source AND t2.key <> t.key
WITH p, a.weight * b.weight AS strength
ORDER BY strength DESC
LIMIT 100
RETURN p;

// name: bloom_why_item_for_user
// Why an item for a user, as paths of the three explanation shapes (docs/design.md): role the item serves;
// role -> topic the item is about; role -> topic -> new role the item serves. Bloom: "why $item for $user".
// params: item, user
// param item: string — the item id
// param user: string — the user id
// example: rolegraph cypher run bloom_why_item_for_user --param item=1 --param user=42 --format json
MATCH p = (u:User {id: $user})-[:HAS_ROLE]->(:Tag)<-[:HAS_USER_TAG]-(i:Item {id: $item})
RETURN p
UNION
MATCH p = (u:User {id: $user})-[:HAS_ROLE]->(:Tag)-[:U2I]->(:Tag)<-[:HAS_ITEM_TAG]-(i:Item {id: $item})
RETURN p
UNION
MATCH p = (u:User {id: $user})-[:HAS_ROLE]->(:Tag)-[a:U2I]->(:Tag)-[b:I2U]->(:Tag)<-[:HAS_USER_TAG]-(i:Item {id: $item})
WHERE a.source = b.source
RETURN p;

// name: bloom_roles_behind_topic
// Roles behind a topic, as paths: roles that want it (U2I) and roles it draws in (I2U).
// Bloom: "roles behind $topic".
// params: topic
// param topic: string — the topic's tag key
// example: rolegraph cypher run bloom_roles_behind_topic --param topic=crime --format json
MATCH p = (c:ItemTag {key: $topic})-[r:U2I|I2U]-(t:UserTag)
RETURN p;
