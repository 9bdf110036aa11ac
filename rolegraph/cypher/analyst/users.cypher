// Analysts' library: users and their inferred roles.

// name: analyst_roles_across_occupations
// Most-shared roles across occupations: inferred roles (HAS_ROLE of one set) ranked by how many distinct
// occupations their users have (MovieLens users carry an `occupation` attribute; evaluation only).
// params: set, limit
// param set: string = T0 — T0 (utility roles) or T1 (exploration roles)
// param limit: int = 25 — at most this many roles
// example: rolegraph cypher run analyst_roles_across_occupations --param set=T1
MATCH (u:User)-[h:HAS_ROLE {set: $set}]->(t:Tag)
WHERE u.occupation IS NOT NULL
WITH t, u.occupation AS occupation, count(u) AS users
ORDER BY occupation
WITH t, count(occupation) AS occupations, toInteger(sum(users)) AS users, collect(occupation) AS which
RETURN t.key AS role, t.name AS name, occupations, users, which
ORDER BY occupations DESC, users DESC, role
LIMIT $limit;

// name: analyst_user_roles
// A user's profile: known attributes and inferred roles of both sets, T0 first, by rank.
// params: user
// param user: string — a user id
// example: rolegraph cypher run analyst_user_roles --param user=42
MATCH (u:User {id: $user})-[h:HAS_ROLE]->(t:Tag)
RETURN u.occupation AS occupation, h.set AS role_set, h.rank AS rank, t.key AS role, t.name AS name, h.p AS p,
       h.run AS run
ORDER BY role_set, rank, role;
