"""LLM reasoning: tags, logic edges, canonicalization, cover sets and distillation (see DESIGN.md).

Not built yet; the daily growth run lands with its own issue.
"""
