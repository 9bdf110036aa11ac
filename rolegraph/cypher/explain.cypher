// The three path shapes that explain item i for user u (docs/design.md, paper Eq. 8–9), each edge with
// its provenance. Scoring and ranking of the paths is done by the caller.

// name: explain_direct
// u -HAS_ROLE-> t <-HAS_USER_TAG- i: the item serves one of the user's roles.
// params: user, item
MATCH (u:User {id: $user})-[h:HAS_ROLE]->(t:Tag)<-[it:HAS_USER_TAG]-(i:Item {id: $item})
RETURN t.key AS role, t.name AS role_name, h.set AS role_set, h.p AS role_p, it.p AS item_p,
       it.source AS item_source, it.run AS item_run
ORDER BY role, role_set, item_source;

// name: explain_via_topic
// u -HAS_ROLE-> t -U2I-> c <-HAS_ITEM_TAG- i: the user's role wants a topic the item is about.
// params: user, item, source
MATCH (u:User {id: $user})-[h:HAS_ROLE]->(t:Tag)-[l:U2I {source: $source}]->(c:Tag)<-[it:HAS_ITEM_TAG]-(i:Item {id: $item})
RETURN t.key AS role, t.name AS role_name, h.set AS role_set, h.p AS role_p,
       c.key AS topic, c.name AS topic_name, l.weight AS u2i_weight, l.run AS u2i_run, l.model AS u2i_model,
       l.prompt_version AS u2i_prompt_version, l.rationale AS u2i_rationale,
       l.calibrated AS u2i_calibrated, l.support AS u2i_support, l.lift AS u2i_lift,
       it.p AS item_p, it.source AS item_source, it.run AS item_run
ORDER BY role, role_set, topic, item_source;

// name: explain_via_topic_role
// u -HAS_ROLE-> t -U2I-> c -I2U-> t' <-HAS_USER_TAG- i: a role of the user leads through a topic to a
// new role the item serves (cocoon-breaking).
// params: user, item, source
MATCH (u:User {id: $user})-[h:HAS_ROLE]->(t:Tag)-[l1:U2I {source: $source}]->(c:Tag)-[l2:I2U {source: $source}]->(t2:Tag)<-[it:HAS_USER_TAG]-(i:Item {id: $item})
RETURN t.key AS role, t.name AS role_name, h.set AS role_set, h.p AS role_p,
       c.key AS topic, c.name AS topic_name, l1.weight AS u2i_weight, l1.run AS u2i_run,
       l1.model AS u2i_model, l1.prompt_version AS u2i_prompt_version, l1.rationale AS u2i_rationale,
       l1.calibrated AS u2i_calibrated, l1.support AS u2i_support, l1.lift AS u2i_lift,
       t2.key AS new_role, t2.name AS new_role_name, l2.weight AS i2u_weight, l2.run AS i2u_run,
       l2.model AS i2u_model, l2.prompt_version AS i2u_prompt_version, l2.rationale AS i2u_rationale,
       l2.calibrated AS i2u_calibrated, l2.support AS i2u_support, l2.lift AS i2u_lift,
       it.p AS item_p, it.source AS item_source, it.run AS item_run
ORDER BY role, role_set, topic, new_role, item_source;
