"""Local servers that speak the OpenAI and Gemini REST protocols, scripted per test or demo."""
