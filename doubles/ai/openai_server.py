"""An in-process HTTP server speaking OpenAI's REST wire protocol, scripted per test or demo.

It answers the three endpoints the bot uses — chat completions, embeddings and audio
transcriptions — so the real `openai` SDK can be exercised with no network:

    async with LocalOpenAI() as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)
        server.script("chat", {"intent": "greeting"}, Fault.status(429, retry_after=1))
        ...
        assert server.requests[0].json["model"] == "gpt-4o-mini"

A scripted response is, per endpoint:
- chat: a `str` (the assistant message content) or any other JSON-able value (sent as its
  JSON text in the content, as a model in JSON mode would);
- embeddings: a list of vectors (one per input) — anything else is sent as the raw body;
- transcriptions: a `str` (the transcript) — anything else is sent as the raw body;
- any endpoint: `Raw(body, status, headers)` sent as-is, a `Fault`, or a callable taking the
  `RecordedRequest` and returning (or awaiting to) any of the above.
With nothing scripted, each endpoint answers a sensible default (see the constructor).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import inspect
import itertools
import json
import logging
import math
import re
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from doubles.ai.base import LocalServer

logger = logging.getLogger(__name__)

DEFAULT_API_KEY = "sk-local-test"
CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"
TRANSCRIPTIONS_PATH = "/v1/audio/transcriptions"
KINDS = {
    "chat": CHAT_PATH,
    "embeddings": EMBEDDINGS_PATH,
    "transcriptions": TRANSCRIPTIONS_PATH,
    "audio": TRANSCRIPTIONS_PATH,
}
STATUS_ERRORS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}
MALFORMED_BODY = '{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"ind'
MALFORMED_CONTENT = 'Claro, aquí tienes: {"intent": "product", "products": [ (incompleto'
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any = None  # the parsed JSON body, if any
    form: dict[str, str] = field(default_factory=dict)  # multipart text fields
    files: dict[str, Upload] = field(default_factory=dict)  # multipart file parts
    status: int = 0  # the status answered (0 while being handled)

    @property
    def model(self) -> str | None:
        """The model asked for, from the JSON body or the form."""
        if isinstance(self.json, dict):
            return self.json.get("model")
        return self.form.get("model")

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Chat messages of a chat completion request (empty for other requests)."""
        if isinstance(self.json, dict) and isinstance(self.json.get("messages"), list):
            return list(self.json["messages"])
        return []


@dataclass(frozen=True)
class Raw:
    """A response body sent exactly as given."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """A failure to inject: an error status, a slow answer, or a broken body."""

    kind: str  # "status", "delay" or "malformed"
    status_code: int = 200
    retry_after: float | None = None
    message: str | None = None
    error_code: str | None = None
    seconds: float = 0.0
    then: Any = None  # what a delay answers afterwards (None: the default answer)
    broken_body: bool = True

    @classmethod
    def status(
        cls,
        status_code: int,
        *,
        retry_after: float | None = None,
        message: str | None = None,
        error_code: str | None = None,
    ) -> Fault:
        """Answer with an OpenAI-style error body (and a `retry-after` header if given)."""
        return cls(
            "status",
            status_code=status_code,
            retry_after=retry_after,
            message=message,
            error_code=error_code,
        )

    @classmethod
    def delay(cls, seconds: float, then: Any = None) -> Fault:
        """Wait `seconds` before answering `then` (or the default): triggers client timeouts."""
        return cls("delay", seconds=seconds, then=then)

    @classmethod
    def malformed(cls, *, body: bool = True) -> Fault:
        """200 with a truncated JSON body; `body=False`: valid envelope, unusable content."""
        return cls("malformed", broken_body=body)


Responder = Callable[[RecordedRequest], Any]


class LocalOpenAI(LocalServer):
    """Fake OpenAI API over HTTP for the SDK, with a Python API to script it and look inside."""

    label = "Local OpenAI API"
    max_body = 64 * 1024 * 1024
    shutdown_timeout = 0.5

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        embedding_dim: int = 64,
        default_json: Any = None,
        default_text: str = "ok",
        default_transcript: str = "hola",
        embed: Callable[[str, int], list[float]] | None = None,
    ) -> None:
        """`default_json` answers JSON-mode chats (None: `{}`); `default_text` other chats;
        `embed(text, dim)` makes unscripted embeddings (default: `hashed_vector`)."""
        self.api_key = api_key
        self.embedding_dim = embedding_dim
        self.embed = embed or hashed_vector
        self.default_json: Any = {} if default_json is None else default_json
        self.default_text = default_text
        self.default_transcript = default_transcript
        self.requests: list[RecordedRequest] = []
        self._scripts: dict[str, deque[Any]] = {path: deque() for path in KINDS.values()}
        self._ids = itertools.count(1)
        super().__init__()

    @property
    def base_url(self) -> str:
        """``http://host:port/v1`` once started (the SDK's `base_url`)."""
        return f"{self._base_url}/v1" if self._base_url else ""

    def _route(self, app: web.Application) -> None:
        app.router.add_route("*", "/{path:.*}", self._handle)

    def script(self, path_or_kind: str, *responses: Any) -> None:
        """Queue answers for the next requests to an endpoint ("chat", "embeddings",
        "transcriptions" or a path such as "/v1/chat/completions"), one per request."""
        self._scripts[_endpoint(path_or_kind)].extend(responses)

    def pending(self, path_or_kind: str) -> int:
        """How many scripted answers an endpoint has not used yet."""
        return len(self._scripts[_endpoint(path_or_kind)])

    def requests_to(self, path_or_kind: str) -> list[RecordedRequest]:
        """Recorded requests to one endpoint, oldest first."""
        path = _endpoint(path_or_kind)
        return [request for request in self.requests if request.path == path]

    def reset(self) -> None:
        """Forget recorded requests and scripted answers."""
        self.requests.clear()
        for queue in self._scripts.values():
            queue.clear()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        recorded = await _record(request)
        self.requests.append(recorded)
        response = await self._answer(request, recorded)
        recorded.status = response.status
        return response

    async def _answer(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.")
        if recorded.path not in self._scripts or request.method != "POST":
            return _error(404, f"Unknown request URL: {request.method} {recorded.path}.")
        if isinstance(recorded.json, dict) and recorded.json.get("stream"):
            return _error(400, "Streaming is not supported by LocalOpenAI.")
        queue = self._scripts[recorded.path]
        scripted = queue.popleft() if queue else None
        return await self._respond(recorded, scripted)

    async def _respond(self, recorded: RecordedRequest, scripted: Any) -> web.Response:
        if callable(scripted):
            scripted = scripted(recorded)
            if inspect.isawaitable(scripted):
                scripted = await scripted
        if isinstance(scripted, Fault):
            return await self._fault(recorded, scripted)
        if not isinstance(scripted, Raw):
            scripted = self._body(recorded, scripted)
        if isinstance(scripted, Raw):
            return _raw_response(scripted)
        return web.json_response(scripted)

    async def _fault(self, recorded: RecordedRequest, fault: Fault) -> web.Response:
        if fault.kind == "status":
            headers = {}
            if fault.retry_after is not None:
                headers["retry-after"] = f"{fault.retry_after:g}"
            message = fault.message or f"Injected error {fault.status_code}."
            return _error(fault.status_code, message, fault.error_code, headers)
        if fault.kind == "delay":
            try:
                await asyncio.wait_for(self._closing.wait(), timeout=fault.seconds)
            except TimeoutError:
                pass
            return await self._respond(recorded, fault.then)
        if fault.broken_body:
            return web.Response(text=MALFORMED_BODY, content_type="application/json")
        if recorded.path == CHAT_PATH:
            return web.json_response(self._chat(recorded, MALFORMED_CONTENT))
        return web.json_response({"object": "unexpected", "data": "not what you asked for"})

    def _body(self, recorded: RecordedRequest, scripted: Any) -> Any:
        if recorded.path == CHAT_PATH:
            return self._chat(recorded, scripted)
        if recorded.path == EMBEDDINGS_PATH:
            return self._embeddings(recorded, scripted)
        return self._transcription(recorded, scripted)

    def _chat(self, recorded: RecordedRequest, scripted: Any) -> dict[str, Any]:
        if scripted is None:
            json_mode = _wants_json(recorded.json)
            scripted = self.default_json if json_mode else self.default_text
        content = scripted if isinstance(scripted, str) else json.dumps(scripted)
        prompt_tokens = _count_tokens(json.dumps(recorded.messages, ensure_ascii=False))
        completion_tokens = _count_tokens(content)
        return {
            "id": f"chatcmpl-local{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": recorded.model or "local",
            "system_fingerprint": "fp_local",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": content,
                        "refusal": None,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _embeddings(self, recorded: RecordedRequest, scripted: Any) -> Any:
        body = recorded.json if isinstance(recorded.json, dict) else {}
        texts = _inputs(body.get("input"))
        if scripted is not None and not isinstance(scripted, list):
            return scripted
        dim = body.get("dimensions") or self.embedding_dim
        vectors = scripted if scripted is not None else [self.embed(t, dim) for t in texts]
        as_base64 = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": index,
                "embedding": _encode_base64(vector) if as_base64 else vector,
            }
            for index, vector in enumerate(vectors)
        ]
        tokens = sum(_count_tokens(text) for text in texts)
        return {
            "object": "list",
            "data": data,
            "model": recorded.model or "local",
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def _transcription(self, recorded: RecordedRequest, scripted: Any) -> Any:
        if scripted is None:
            scripted = self.default_transcript
        if not isinstance(scripted, str):
            return scripted
        response_format = recorded.form.get("response_format", "json")
        if response_format in {"text", "srt", "vtt"}:
            return Raw(scripted)
        if response_format == "verbose_json":
            language = recorded.form.get("language", "es")
            return {"task": "transcribe", "language": language, "text": scripted, "segments": []}
        return {"text": scripted, "usage": {"type": "duration", "seconds": 1}}


def hashed_vector(text: str, dim: int) -> list[float]:
    """A deterministic, L2-normalised bag-of-words vector: shared words, nearby vectors."""
    vector = [0.0] * dim
    words = _WORD.findall(text.lower()) or [text]
    for word in words:
        digest = hashlib.sha256(word.encode("utf-8")).digest()
        slot = int.from_bytes(digest[:4], "little") % dim
        vector[slot] += 1.0 if digest[4] % 2 == 0 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def _endpoint(path_or_kind: str) -> str:
    path = KINDS.get(path_or_kind, path_or_kind)
    if path not in KINDS.values():
        raise ValueError(f"unknown endpoint {path_or_kind!r}; use one of {sorted(KINDS)}")
    return path


async def _record(request: web.Request) -> RecordedRequest:
    recorded = RecordedRequest(request.method, request.path, dict(request.headers))
    if not request.body_exists:
        return recorded
    if request.content_type == "multipart/form-data":
        await _read_multipart(request, recorded)
        return recorded
    raw = await request.read()
    try:
        recorded.json = json.loads(raw)
    except ValueError:
        recorded.json = raw.decode("utf-8", errors="replace")
    return recorded


async def _read_multipart(request: web.Request, recorded: RecordedRequest) -> None:
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read()
        if part.filename is not None:
            content_type = part.headers.get("Content-Type")
            recorded.files[part.name] = Upload(part.filename, content_type, bytes(data))
        else:
            recorded.form[part.name] = bytes(data).decode("utf-8", errors="replace")


def _wants_json(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("response_format"), dict):
        return False
    return body["response_format"].get("type") in {"json_object", "json_schema"}


def _inputs(value: Any) -> list[str]:
    """Embedding inputs as texts (token arrays become their JSON text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(item, int) for item in value):
        return [json.dumps(value)]
    if isinstance(value, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    return []


def _encode_base64(vector: list[float]) -> str:
    """Little-endian float32 bytes, base64-encoded, as the API sends them."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def _count_tokens(text: str) -> int:
    return len(_WORD.findall(text))


def _raw_response(raw: Raw) -> web.Response:
    """Text and bytes go as text/plain, anything else as JSON."""
    if isinstance(raw.body, bytes):
        return web.Response(body=raw.body, status=raw.status, headers=raw.headers)
    if isinstance(raw.body, str):
        return web.Response(text=raw.body, status=raw.status, headers=raw.headers)
    return web.json_response(raw.body, status=raw.status, headers=raw.headers)


def _error(
    status: int,
    message: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    kind, default_code = STATUS_ERRORS.get(status, ("server_error", None))
    error = {"message": message, "type": kind, "param": None, "code": code or default_code}
    return web.json_response({"error": error}, status=status, headers=headers)
