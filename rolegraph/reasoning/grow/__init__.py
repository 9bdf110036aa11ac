"""The daily growth run (`rolegraph grow`): LLM tags and logic, canonicalization, cover sets,
distillation, publication of G*. `reasoning.grow.run` holds the LangGraph graph; `open_run` wires it to
the settings (LLM endpoint, embedded server, response cache, embeddings)."""
