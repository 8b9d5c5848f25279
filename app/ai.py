"""The AI providers the settings ask for, one per capability; offline when none is set."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from app.settings import Settings, SettingsError
from domain.conversation import AiTools
from domain.media import MediaReader
from providers.resilience import Policy
from rag.embedder import HashingEmbedder, TextEmbedder
from rag.vectors import LocalEmbedder

log = logging.getLogger(__name__)


@dataclass
class AiSetup:
    tools: AiTools = field(default_factory=AiTools)
    media: MediaReader = field(default_factory=MediaReader)
    embedder: TextEmbedder = field(default_factory=lambda: LocalEmbedder(HashingEmbedder()))
    clients: list[Any] = field(default_factory=list)

    @property
    def online(self) -> bool:
        return any(
            (self.tools.understander, self.tools.phraser, self.media.seer, self.media.hearer)
        )

    async def close(self) -> None:
        for client in self.clients:
            await client.close()


def build_ai(settings: Settings) -> AiSetup:
    """One client per capability, so a failing one (its circuit open) leaves the others."""
    setup = AiSetup()

    def client(kind: str) -> Any:
        if kind == "offline":
            return None
        made = _client(kind, settings)
        setup.clients.append(made)
        return made

    text = client(settings.ai_text_provider)
    # A customer waits at most a little longer than one call's timeout for each model step.
    budget = settings.ai_timeout_seconds + 5
    setup.tools = AiTools(
        understander=text, phraser=text, budget=budget, context_turns=settings.ai_context_turns
    )
    setup.media = MediaReader(
        seer=client(settings.ai_vision_provider), hearer=client(settings.ai_voice_provider)
    )
    embedder = client(settings.ai_embed_provider)
    if embedder is not None:
        setup.embedder = embedder
    if setup.online or embedder is not None:
        log.info(
            "AI providers: text=%s vision=%s voice=%s embeddings=%s",
            settings.ai_text_provider,
            settings.ai_vision_provider,
            settings.ai_voice_provider,
            settings.ai_embed_provider,
        )
    return setup


def _client(kind: str, settings: Settings) -> Any:
    # The SDKs are imported only when asked for: each costs tens of MB and a second or two.
    policy = Policy(timeout=settings.ai_timeout_seconds, attempts=settings.ai_attempts)
    if kind == "gemini":
        from providers.gemini import GeminiProvider

        key = settings.gemini_api_key.get_secret_value()
        if not key:
            raise SettingsError("GEMINI_API_KEY is required when a provider is set to gemini.")
        return GeminiProvider(
            key,
            base_url=settings.gemini_base_url or None,
            model=settings.gemini_model,
            embed_model=settings.gemini_embed_model,
            policy=policy,
        )
    if not settings.openai_base_url and not settings.openai_api_key.get_secret_value():
        raise SettingsError(
            "OPENAI_API_KEY is required for OpenAI (or set OPENAI_BASE_URL to a local server)."
        )
    from providers.openai import OpenAIProvider

    return OpenAIProvider(
        settings.openai_api_key.get_secret_value(),
        settings.openai_base_url or None,
        chat_model=settings.openai_model,
        vision_model=settings.openai_vision_model or None,
        embed_model=settings.openai_embed_model,
        embed_dimensions=settings.openai_embed_dimensions or None,
        transcribe_model=settings.openai_transcribe_model,
        policy=policy,
    )
