// Per-category handbooks (reasoning/handbook.py): for each item category, the role and topic dimensions
// worth asking about, built once by the LLM from a sample of the category's items and versioned by the
// prompt that built them.

// name: upsert_handbooks
// Writes handbooks; rows {category, roles, topics, prompt_version, model, day}.
// params: rows
UNWIND $rows AS row
MERGE (h:Handbook {category: row.category})
SET h.roles = row.roles, h.topics = row.topics, h.prompt_version = row.prompt_version, h.model = row.model,
    h.day = row.day
RETURN count(h) AS n;

// name: handbooks
// Every handbook, by category.
// params: -
MATCH (h:Handbook)
RETURN h.category AS category, h.roles AS roles, h.topics AS topics, h.prompt_version AS prompt_version
ORDER BY category;
