"""Photos and voice notes turned into text the sale flow can read — when a provider can."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from domain.ai import Hearer, ProviderError, Seer

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # what we send a vision model; Telegram photos are smaller
MAX_VOICE_BYTES = 20 * 1024 * 1024  # the Bot API download limit
MAX_VOICE_SECONDS = 5 * 60


@dataclass(frozen=True)
class MediaReader:
    """None for a capability means offline: the bot asks for words instead."""

    seer: Seer | None = None
    hearer: Hearer | None = None

    @property
    def sees(self) -> bool:
        return self.seer is not None

    @property
    def hears(self) -> bool:
        return self.hearer is not None

    async def describe(self, image: bytes, mime_type: str) -> str | None:
        """What product the photo shows, in a few words; None when the model cannot say."""
        if self.seer is None:
            return None
        try:
            description = (await self.seer.describe(image, mime_type)).strip()
        except ProviderError as error:
            log.info("photo not described (%s)", error)
            return None
        return description or None

    async def transcribe(self, audio: bytes, filename: str, mime_type: str) -> str | None:
        """The words of a voice note; None when they cannot be heard now."""
        if self.hearer is None:
            return None
        try:
            words = (await self.hearer.transcribe(audio, filename, mime_type)).strip()
        except ProviderError as error:
            log.info("voice note not transcribed (%s)", error)
            return None
        return words or None
