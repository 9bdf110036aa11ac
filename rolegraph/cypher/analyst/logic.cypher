// Analysts' library: the logic graph. Run with `rolegraph cypher run NAME --param k=v`, or paste into
// Neo4j Browser after `:param`. Every query here is read-only (docs/analysts.md).

// name: analyst_logic_chains
// Logic chains from a role: role -U2I-> topic -I2U-> new role in one graph view, strongest first.
// strength = P(c|t) · P(t'|c), the chain's share of exploration weight (paper App. B.6).
// params: role, source, limit
// param role: string — the role's tag key, e.g. student
// param source: string = llm — llm (the full graph G) or distilled (the cover-set graph G*)
// param limit: int = 25 — at most this many chains
// example: rolegraph cypher run analyst_logic_chains --param role=student
MATCH (t:UserTag {key: $role})-[a:U2I {source: $source}]->(c:ItemTag)-[b:I2U {source: $source}]->(t2:UserTag)
WHERE t2.key <> t.key
RETURN c.key AS topic, a.weight AS p_topic_given_role, t2.key AS new_role, t2.name AS new_role_name,
       b.weight AS p_role_given_topic, a.weight * b.weight AS strength
ORDER BY strength DESC, topic, new_role
LIMIT $limit;

// name: analyst_roles_behind_topic
// Roles behind a topic: the roles that want it (U2I, P(c|t)) and the roles it draws in (I2U, P(t|c)),
// the roles it draws in first.
// params: topic, source
// param topic: string — the topic's tag key, e.g. crime
// param source: string = llm — llm (G) or distilled (G*)
// example: rolegraph cypher run analyst_roles_behind_topic --param topic=crime --format table
MATCH (c:ItemTag {key: $topic})-[r]-(t:UserTag)
WHERE type(r) IN ['U2I', 'I2U'] AND r.source = $source
WITH t, max(CASE WHEN type(r) = 'I2U' THEN r.weight END) AS p_role_given_topic,
     max(CASE WHEN type(r) = 'U2I' THEN r.weight END) AS p_topic_given_role
RETURN t.key AS role, t.name AS name, p_role_given_topic, p_topic_given_role
ORDER BY coalesce(p_role_given_topic, 0.0) DESC, coalesce(p_topic_given_role, 0.0) DESC, role;

// name: analyst_why_items_together
// Roles that explain why two items go together: roles both items serve (HAS_USER_TAG), strongest first
// (strength = p_a · p_b).
// params: item_a, item_b, source
// param item_a: string — an item id
// param item_b: string — another item id
// param source: string = llm — which item→role edges: llm or distilled
// example: rolegraph cypher run analyst_why_items_together --param item_a=1 --param item_b=50
MATCH (a:Item {id: $item_a})-[x:HAS_USER_TAG {source: $source}]->(t:Tag)<-[y:HAS_USER_TAG {source: $source}]-(b:Item {id: $item_b})
RETURN t.key AS role, t.name AS name, x.p AS p_a, y.p AS p_b, x.p * y.p AS strength
ORDER BY strength DESC, role;

// name: analyst_why_items_together_via_logic
// Roles that link two items through the logic graph: item A is about topic c1, c1 draws role t (I2U),
// and t wants topic c2 (U2I) that item B is about. strength = p(a, c1) · P(t|c1) · P(c2|t) · p(b, c2).
// params: item_a, item_b, source, limit
// param item_a: string — an item id
// param item_b: string — another item id
// param source: string = llm — llm (G) or distilled (G*) for the logic edges
// param limit: int = 25 — at most this many links
// example: rolegraph cypher run analyst_why_items_together_via_logic --param item_a=1 --param item_b=50
MATCH (a:Item {id: $item_a})-[x:HAS_ITEM_TAG]->(c1:Tag)-[l1:I2U {source: $source}]->(t:Tag)-[l2:U2I {source: $source}]->(c2:Tag)<-[y:HAS_ITEM_TAG]-(b:Item {id: $item_b})
RETURN c1.key AS topic_a, t.key AS role, c2.key AS topic_b,
       x.p * l1.weight * l2.weight * y.p AS strength
ORDER BY strength DESC, role, topic_a, topic_b
LIMIT $limit;

// name: analyst_cocoon_breaking
// Cocoon-breaking paths of a user: each T(1) role (exploration) reached from one of the user's T(0) roles
// through a topic, with its contribution P(t|u) · P(c|t) · P(t'|c). T(1) roles that are also in T(0) are left out.
// params: user, source, limit
// param user: string — a user id
// param source: string = distilled — distilled (G*, what exploration uses) or llm (G)
// param limit: int = 50 — at most this many paths
// example: rolegraph cypher run analyst_cocoon_breaking --param user=42 --param source=llm
MATCH (u:User {id: $user})-[h0:HAS_ROLE {set: 'T0'}]->(t0:Tag)-[a:U2I {source: $source}]->(c:Tag)-[b:I2U {source: $source}]->(t1:Tag)<-[h1:HAS_ROLE {set: 'T1'}]-(u)
WHERE NOT (u)-[:HAS_ROLE {set: 'T0'}]->(t1)
RETURN t0.key AS from_role, c.key AS via_topic, t1.key AS new_role, h1.p AS new_role_p,
       h0.p * a.weight * b.weight AS contribution
ORDER BY contribution DESC, from_role, via_topic, new_role
LIMIT $limit;
