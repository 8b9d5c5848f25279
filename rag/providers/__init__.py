"""AI provider clients (Gemini, OpenAI-compatible) behind the interfaces of rag.ai."""
