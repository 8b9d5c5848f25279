"""An in-process HTTP server speaking the Gemini REST wire protocol (generativelanguage v1beta).

Tests and the demo point the real `google-genai` SDK at it with
`HttpOptions(base_url=server.base_url)`. It answers
`POST /{version}/models/{model}:generateContent`, `:embedContent` and
`:batchEmbedContents` for any model name, checks the API key
(`x-goog-api-key` header or `?key=`), records every request in `.requests`, and answers
what a test scripted, in order, per kind:

    server.script("generate", {"intent": "greeting"}, Fault.status(429, retry_after=1))
    server.script("embed", [[0.1, 0.2], [0.3, 0.4]])

A scripted answer is text (sent as the model's text part), any JSON-able value (sent as its
JSON text), `None` (the default answer), a `Raw` body, a `Fault`, or a callable taking the
`GeminiRequest` and returning one of these. With nothing scripted, generate answers
`default_text` and embed answers deterministic hashed vectors (similar words, similar rows).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import inspect
import json
import logging
import re
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from aiohttp import web

from doubles.ai.base import LocalServer

logger = logging.getLogger(__name__)

DEFAULT_API_KEY = "test-gemini-key"
DEFAULT_TEXT = "Listo."
DEFAULT_EMBEDDING_DIM = 768
Kind = Literal["generate", "embed"]
KINDS: dict[str, Kind] = {
    "generateContent": "generate",
    "embedContent": "embed",
    "batchEmbedContents": "embed",
}
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_WORD = re.compile(r"\w+")


def _field(data: Any, camel: str, snake: str, default: Any = None) -> Any:
    """A proto-JSON field, which the API accepts in camelCase or snake_case."""
    if not isinstance(data, dict):
        return default
    return data.get(camel, data.get(snake, default))


def _parts(content: Any) -> list[dict[str, Any]]:
    parts = _field(content, "parts", "parts", [])
    return [part for part in parts if isinstance(part, dict)] if isinstance(parts, list) else []


def _decode_base64(data: str) -> bytes:
    """Standard or URL-safe base64 (the SDK sends URL-safe), padding optional."""
    cleaned = data.replace("-", "+").replace("_", "/")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)


@dataclass(frozen=True)
class GeminiRequest:
    """One request as the server saw it."""

    method: str  # HTTP method
    path: str
    version: str  # "v1beta", "v1", ...
    model: str  # from the path, without "models/"
    action: str  # "generateContent" | "embedContent" | "batchEmbedContents" | other
    body: Any  # parsed JSON, or None when the body was not JSON
    api_key: str | None  # from x-goog-api-key, else ?key=
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> Kind | None:
        """The kind of script that answers it ("generate" or "embed"); None if unknown."""
        return KINDS.get(self.action)

    @property
    def contents(self) -> list[dict[str, Any]]:
        """The Content objects sent: `contents` (generate) or each request's `content` (embed)."""
        if self.action == "batchEmbedContents":
            requests = _field(self.body, "requests", "requests", [])
            return [_field(r, "content", "content", {}) for r in requests if isinstance(r, dict)]
        if self.action == "embedContent":
            return [_field(self.body, "content", "content", {})]
        contents = _field(self.body, "contents", "contents", [])
        return [c for c in contents if isinstance(c, dict)] if isinstance(contents, list) else []

    @property
    def texts(self) -> list[str]:
        """Every text part of `contents`, in order."""
        return [
            p["text"] for c in self.contents for p in _parts(c) if isinstance(p.get("text"), str)
        ]

    @property
    def user_text(self) -> str:
        """The text parts of the user turns, joined by newlines."""
        return "\n".join(
            part["text"]
            for content in self.contents
            if _field(content, "role", "role", "user") == "user"
            for part in _parts(content)
            if isinstance(part.get("text"), str)
        )

    @property
    def system(self) -> str:
        """The system instruction's text ("" when there is none)."""
        instruction = _field(self.body, "systemInstruction", "system_instruction")
        return "\n".join(p["text"] for p in _parts(instruction) if isinstance(p.get("text"), str))

    @property
    def generation_config(self) -> dict[str, Any]:
        config = _field(self.body, "generationConfig", "generation_config", {})
        return config if isinstance(config, dict) else {}

    @property
    def inline_data(self) -> list[tuple[str, bytes]]:
        """(mime type, decoded bytes) of every inline data part."""
        found = []
        for content in self.contents:
            for part in _parts(content):
                blob = _field(part, "inlineData", "inline_data")
                if isinstance(blob, dict):
                    mime = _field(blob, "mimeType", "mime_type", "")
                    found.append((mime, _decode_base64(_field(blob, "data", "data", ""))))
        return found


@dataclass(frozen=True)
class Raw:
    """Answer with this JSON body and status, as-is."""

    body: Any
    status: int = 200


@dataclass(frozen=True)
class Fault:
    """A scripted failure: an HTTP error, a slow answer, or a 200 whose text is not JSON."""

    kind: Literal["status", "delay", "malformed"]
    code: int = 200
    retry_after: float | None = None
    message: str = ""
    seconds: float = 0.0
    then: Any = None

    @classmethod
    def status(cls, code: int, *, retry_after: float | None = None, message: str = "") -> Fault:
        """A Google-style error body; 429 carries RetryInfo when `retry_after` is given."""
        return cls("status", code=code, retry_after=retry_after, message=message)

    @classmethod
    def delay(cls, seconds: float, then: Any = None) -> Fault:
        """Wait `seconds`, then answer `then` (None: the default answer)."""
        return cls("delay", seconds=seconds, then=then)

    @classmethod
    def malformed(cls, text: str = '{"intent": "greeting", "products": [') -> Fault:
        """A 200 whose text part is not valid JSON."""
        return cls("malformed", message=text)


def google_error(code: int, message: str = "", retry_after: float | None = None) -> dict[str, Any]:
    """The error body Google APIs send: {"error": {"code", "message", "status", "details"?}}."""
    status = STATUS_NAMES.get(code, "UNKNOWN")
    error: dict[str, Any] = {
        "code": code,
        "message": message or f"Injected failure {code} ({status}).",
        "status": status,
    }
    if retry_after is not None:
        error["details"] = [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_after}s"}
        ]
    return {"error": error}


def hashed_embedding(text: str, dim: int) -> list[float]:
    """A deterministic vector: the sum of one pseudo-random vector per lower-cased word.

    Not normalised, like gemini-embedding-001 below 3072 dimensions.
    """
    vector = np.zeros(dim)
    for word in _WORD.findall(text.lower()) or [""]:
        vector += np.random.default_rng(zlib.crc32(word.encode("utf-8"))).standard_normal(dim)
    return [round(float(x), 6) for x in vector * 3.0]


class LocalGemini(LocalServer):
    """Fake Gemini API: the real REST protocol for the SDK, a Python API for tests.

    Give `base_url` (``http://host:port``) to the SDK as HttpOptions.base_url.
    """

    label = "Local Gemini API"
    shutdown_timeout = 1.0

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        default_text: str = DEFAULT_TEXT,
        embedding_dim: int = DEFAULT_EMBEDDING_DIM,
    ) -> None:
        self.api_key = api_key
        self.default_text = default_text
        self.embedding_dim = embedding_dim
        self.requests: list[GeminiRequest] = []
        self._scripts: dict[Kind, deque[Any]] = {"generate": deque(), "embed": deque()}
        super().__init__()

    def _route(self, app: web.Application) -> None:
        app.router.add_route("*", "/{version}/models/{target}", self._handle)

    def script(self, kind: Kind, *responses: Any) -> None:
        """Queue answers for the next requests of `kind` ("generate" or "embed")."""
        if kind not in self._scripts:
            raise ValueError(f"unknown kind {kind!r}: use 'generate' or 'embed'")
        self._scripts[kind].extend(responses)

    def pending(self, kind: Kind) -> int:
        """Scripted answers not used yet."""
        return len(self._scripts[kind])

    def of_kind(self, kind: Kind) -> list[GeminiRequest]:
        """The recorded requests of one kind, oldest first."""
        return [request for request in self.requests if request.kind == kind]

    async def _handle(self, http: web.Request) -> web.Response:
        request = await self._record(http)
        if request.api_key is None:
            return _error(403, "Method doesn't allow unregistered callers. Send an API key.")
        if request.api_key != self.api_key:
            return _error(400, "API key not valid. Please pass a valid API key.")
        if http.method != "POST" or request.kind is None:
            return _error(404, f"Method {request.action!r} not found for {request.model!r}.")
        problem = _invalid(request)
        if problem:
            return _error(400, problem)
        scripted = self._scripts[request.kind]
        return await self._answer(request, scripted.popleft() if scripted else None)

    async def _record(self, http: web.Request) -> GeminiRequest:
        target = http.match_info["target"]
        model, _, action = target.partition(":")
        raw = await http.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        request = GeminiRequest(
            method=http.method,
            path=http.path,
            version=http.match_info["version"],
            model=model,
            action=action,
            body=body,
            api_key=http.headers.get("x-goog-api-key") or http.query.get("key"),
            headers=dict(http.headers),
        )
        self.requests.append(request)
        return request

    async def _answer(self, request: GeminiRequest, reply: Any) -> web.Response:
        while callable(reply) and not isinstance(reply, Fault | Raw):
            reply = reply(request)
            if inspect.isawaitable(reply):
                reply = await reply
        if isinstance(reply, Raw):
            return web.json_response(reply.body, status=reply.status)
        if isinstance(reply, Fault):
            return await self._fault(request, reply)
        if request.kind == "embed":
            return web.json_response(self._embeddings(request, reply))
        return web.json_response(self._generation(request, self._text(reply)))

    async def _fault(self, request: GeminiRequest, fault: Fault) -> web.Response:
        if fault.kind == "status":
            return _error(fault.code, fault.message, fault.retry_after)
        if fault.kind == "malformed":
            return web.json_response(self._generation(request, fault.message))
        try:
            await asyncio.wait_for(self._closing.wait(), timeout=fault.seconds)
        except TimeoutError:
            pass
        return await self._answer(request, fault.then)

    def _text(self, reply: Any) -> str:
        if reply is None:
            return self.default_text
        if isinstance(reply, str):
            return reply
        return json.dumps(reply, ensure_ascii=False)

    def _generation(self, request: GeminiRequest, text: str) -> dict[str, Any]:
        prompt_tokens = sum(len(t.split()) for t in request.texts) + len(request.system.split())
        answer_tokens = len(text.split())
        return {
            "candidates": [
                {
                    "content": {"parts": [{"text": text}], "role": "model"},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": prompt_tokens,
                "candidatesTokenCount": answer_tokens,
                "totalTokenCount": prompt_tokens + answer_tokens,
            },
            "modelVersion": request.model,
            "responseId": f"local-{len(self.requests)}",
        }

    def _embeddings(self, request: GeminiRequest, reply: Any) -> dict[str, Any]:
        if reply is None:
            rows = [
                hashed_embedding(_joined(c), self._dim(request, i))
                for i, c in enumerate(request.contents)
            ]
        elif reply and all(isinstance(x, int | float) for x in reply):
            rows = [list(reply)]
        else:
            rows = [list(row) for row in reply]
        if request.action == "embedContent":
            return {"embedding": {"values": rows[0] if rows else []}}
        return {"embeddings": [{"values": row} for row in rows]}

    def _dim(self, request: GeminiRequest, index: int) -> int:
        if request.action == "batchEmbedContents":
            entry = _field(request.body, "requests", "requests", [])[index]
        else:
            entry = request.body
        dim = _field(entry, "outputDimensionality", "output_dimensionality")
        return int(dim) if isinstance(dim, int) and dim > 0 else self.embedding_dim


def _joined(content: Any) -> str:
    return " ".join(p["text"] for p in _parts(content) if isinstance(p.get("text"), str))


def _invalid(request: GeminiRequest) -> str:
    """Why the API would refuse this body with 400, or "" when it is acceptable."""
    if not isinstance(request.body, dict):
        return "Invalid JSON payload received."
    if request.action == "batchEmbedContents":
        return _invalid_batch(request)
    contents = request.contents
    if not contents or not all(_parts(content) for content in contents):
        return "* GenerateContentRequest.contents: contents is not specified"
    if not _decodable(request):
        return "Invalid value at 'contents.parts.inline_data.data' (TYPE_BYTES)"
    config = request.generation_config
    if "responseSchema" in config and "responseJsonSchema" in config:
        return "responseSchema and responseJsonSchema cannot both be set."
    return ""


def _decodable(request: GeminiRequest) -> bool:
    """True when every inline data part is valid base64."""
    try:
        return all(isinstance(data, bytes) for _, data in request.inline_data)
    except (binascii.Error, ValueError, TypeError):
        return False


def _invalid_batch(request: GeminiRequest) -> str:
    requests = _field(request.body, "requests", "requests")
    if not isinstance(requests, list) or not requests:
        return "* BatchEmbedContentsRequest.requests: requests is not specified"
    for entry in requests:
        model = _field(entry, "model", "model", f"models/{request.model}")
        if model != f"models/{request.model}":
            return f"Model {model!r} in a request does not match the model in the URL."
        if not _parts(_field(entry, "content", "content")):
            return "* BatchEmbedContentsRequest.requests[].content: content is not specified"
    return ""


def _error(code: int, message: str = "", retry_after: float | None = None) -> web.Response:
    return web.json_response(google_error(code, message, retry_after), status=code)
