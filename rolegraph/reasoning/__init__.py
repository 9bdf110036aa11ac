"""LLM reasoning: tags, logic edges, canonicalization, cover sets and distillation (docs/growing.md).

`llm` reaches the LLM, `prompts` holds the versioned templates; `canonical`, `cover` and `distill` are the
steps' own logic, and `grow` is the daily growth run that ties them together.
"""
