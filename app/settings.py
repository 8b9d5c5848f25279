"""Settings from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from rag.search import FusionWeights

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
OFFICIAL_API_BASE = "https://api.telegram.org"
Provider = Literal["offline", "gemini", "openai"]
# The dense weight when a provider embeds (the offline hashing embedder is off by default:
# it adds ~0.003 nDCG@10 on the dev set for seconds of build and tens of MB at 100k).
PROVIDER_DENSE_WEIGHT = 0.3


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=(ROOT / ".env", ".env"), env_file_encoding="utf-8", extra="ignore"
    )

    telegram_bot_token: SecretStr = Field(default=SecretStr(""))
    telegram_api_base: str = OFFICIAL_API_BASE
    owner_ids: Annotated[tuple[int, ...], NoDecode] = ()
    database_url: str = f"sqlite+aiosqlite:///{DATA_DIR / 'agente.db'}"
    webhook_url: str = ""
    webhook_secret: SecretStr = Field(default=SecretStr(""))
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/webhook"
    # FSM state in Redis (several webhook workers or replicas): redis://host:6379/0
    redis_url: SecretStr = Field(default=SecretStr(""))
    # Keys in Redis start with this (several shops may share one Redis).
    redis_prefix: str = Field(default="agente", min_length=1)
    # How long a chat's lock in Redis outlives a worker that died holding it (renewed while
    # its worker lives).
    redis_lock_seconds: float = Field(default=15.0, ge=1)
    shop_profile: Path = DATA_DIR / "shop.toml"
    synonyms_file: Path = DATA_DIR / "synonyms.txt"
    sample_inventory: Path = DATA_DIR / "inventory.csv"
    shop_timezone: str = "America/Bogota"
    log_level: str = "INFO"
    log_json: bool = False
    # Owner tools and scheduled jobs (hours are the shop's local time).
    daily_summary_hour: int = Field(default=20, ge=-1, le=23)  # -1 turns it off
    cart_reminder_hours: float = Field(default=0, ge=0)  # 0 = no reminders (the default)
    low_stock_threshold: int = Field(default=3, ge=0)
    backup_dir: Path = DATA_DIR / "backups"
    backup_hour: int = Field(default=3, ge=-1, le=23)  # -1 turns it off
    backup_keep: int = Field(default=7, ge=1)
    # /health answers 503 when a promised message has waited this long in the outbox.
    outbox_stuck_seconds: int = Field(default=600, ge=10)
    # Payment links by Wompi (the shop profile's [[payment]] kind = "link"): the keys from
    # comercios.wompi.co > Desarrolladores; events are received on PAYMENTS_PATH (Wompi's
    # "URL de eventos": WEBHOOK_URL's host + this path; in polling mode the bot listens on
    # WEBHOOK_HOST:WEBHOOK_PORT for them).
    wompi_private_key: SecretStr = Field(default=SecretStr(""))
    wompi_events_secret: SecretStr = Field(default=SecretStr(""))
    wompi_api_base: str = "https://production.wompi.co/v1"  # sandbox: https://sandbox.wompi.co/v1
    wompi_checkout_base: str = "https://checkout.wompi.co"
    wompi_redirect_url: str = ""  # where the checkout sends the customer after paying
    payments_path: str = "/pagos/wompi"
    # Telegram Payments ([[payment]] kind = "telegram"): the provider token BotFather gives.
    telegram_payments_token: SecretStr = Field(default=SecretStr(""))
    # AI providers, one per capability: offline (default, no network), gemini or openai.
    ai_text_provider: Provider = "offline"  # understanding messages and phrasing replies
    ai_vision_provider: Provider = "offline"  # photos
    ai_voice_provider: Provider = "offline"  # voice notes
    ai_embed_provider: Provider = "offline"  # product and query vectors for search
    ai_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    ai_attempts: int = Field(default=3, ge=1, le=6)
    # Earlier messages of the chat the reading model sees with each message (as data).
    ai_context_turns: int = Field(default=6, ge=0, le=20)
    gemini_api_key: SecretStr = Field(default=SecretStr(""))
    gemini_base_url: str = ""  # empty: Google's endpoint
    gemini_model: str = "gemini-3.5-flash-lite"
    gemini_embed_model: str = "gemini-embedding-001"
    openai_api_key: SecretStr = Field(default=SecretStr(""))
    openai_base_url: str = ""  # empty: api.openai.com; e.g. http://localhost:11434/v1 (Ollama)
    openai_model: str = "gpt-4o-mini"
    openai_vision_model: str = ""  # empty: OPENAI_MODEL
    openai_embed_model: str = "text-embedding-3-small"
    openai_transcribe_model: str = "whisper-1"
    openai_embed_dimensions: int = Field(default=0, ge=0)  # 0: the model's own size
    # Product search: fusion weight overrides ("dense=0.3,grams=0.5"; names as in
    # rag.search.FusionWeights) and where the dense index is kept (default: next to a
    # SQLite database; "off" keeps it in memory only).
    search_weights: Annotated[dict[str, float], NoDecode] = Field(default_factory=dict)
    search_vectors_file: str = ""
    search_index_file: str = ""

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _parse_owner_ids(cls, value: object) -> tuple[int, ...]:
        if value in (None, ""):
            return ()
        if isinstance(value, int):
            return (value,)
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return tuple(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return tuple(value)  # type: ignore[arg-type]

    @field_validator("search_weights", mode="before")
    @classmethod
    def _parse_weights(cls, value: object) -> dict[str, float]:
        if isinstance(value, dict):
            pairs = list(value.items())
        elif isinstance(value, str):
            pairs = [p.partition("=")[::2] for p in value.replace(";", ",").split(",") if p.strip()]
        else:
            raise ValueError("must look like dense=0.3,grams=0.5")
        known = {f.name: f.type for f in fields(FusionWeights)}
        weights: dict[str, float] = {}
        for name, number in pairs:
            name = str(name).strip()
            if known.get(name) not in ("float", "int"):
                raise ValueError(f"unknown search weight {name!r}; see rag/search.py FusionWeights")
            try:
                weights[name] = float(number)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a number, not {number!r}") from None
        return weights

    def fusion_weights(self) -> FusionWeights:
        """FusionWeights with SEARCH_WEIGHTS applied; a provider's embeddings count for
        PROVIDER_DENSE_WEIGHT unless SEARCH_WEIGHTS says otherwise."""
        types = {f.name: f.type for f in fields(FusionWeights)}
        # Per field its own type (int or float): checked here against FusionWeights' fields.
        overrides: dict[str, Any] = {
            name: int(value) if types[name] == "int" else value
            for name, value in self.search_weights.items()
        }
        if self.ai_embed_provider != "offline":
            overrides.setdefault("dense", PROVIDER_DENSE_WEIGHT)
        return replace(FusionWeights(), **overrides)

    def vectors_file(self) -> Path | None:
        """Where the dense index is saved: SEARCH_VECTORS_FILE, or beside a SQLite file."""
        return self._beside_database(self.search_vectors_file, ".vectors.npz")

    def _beside_database(self, setting: str, suffix: str) -> Path | None:
        if setting.strip().lower() == "off":
            return None
        if setting.strip():
            return Path(setting.strip())
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database).with_suffix(suffix)

    def index_file(self) -> Path | None:
        """Where the search index is kept between starts: SEARCH_INDEX_FILE, or beside a
        SQLite file ("off": rebuilt at every start)."""
        return self._beside_database(self.search_index_file, ".search-index")

    @field_validator("telegram_api_base")
    @classmethod
    def _strip_base(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("shop_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as America/Bogota") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    def require_webhook(self) -> None:
        if not self.webhook_url:
            raise SettingsError(
                "WEBHOOK_URL is required for webhook mode (e.g. https://tienda.example.com)."
            )
        if not self.webhook_secret.get_secret_value():
            raise SettingsError(
                "WEBHOOK_SECRET is required for webhook mode (e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
            )

    def require_token(self) -> str:
        token = self.telegram_bot_token.get_secret_value().strip()
        if not token:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set (put it in .env or the environment)."
            )
        if ":" not in token:
            raise SettingsError("TELEGRAM_BOT_TOKEN looks malformed (expected '123456:ABC...').")
        return token


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one clear line."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper() or "settings"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
