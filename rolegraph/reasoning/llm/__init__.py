"""LLM access over the OpenAI-compatible HTTP protocol (embedded llama.cpp server or vLLM)."""
