"""AI vendor clients (Gemini, OpenAI-compatible) behind the domain's ports.

Each client implements `domain.ai`'s Understander, Phraser, Seer and Hearer and
`rag.embedder.TextEmbedder`; `bot/ai.py` picks one per capability from the settings. This
is the only package that imports a vendor SDK (google-genai, openai); it never imports the
bot, the handlers or the database.
"""
