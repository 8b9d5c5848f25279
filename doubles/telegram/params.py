"""Reading Bot API call parameters from any of the encodings the real API accepts."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from doubles.telegram.errors import BotAPIError

ATTACH_PREFIX = "attach://"
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "menu_button",
        "media",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "max_connections",
        "duration",
    }
)
TRUE_VALUES = {"true", "1", "yes", "on"}


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str
    content_type: str | None
    data: bytes


async def read_request(request: web.Request) -> dict[str, Any]:
    """Merge query string and body parameters of an HTTP request."""
    params: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as error:
            raise BotAPIError.bad_request("can't parse JSON request body") from error
        if not isinstance(body, dict):
            raise BotAPIError.bad_request("request body must be a JSON object")
        params.update(body)
    elif content_type == "application/x-www-form-urlencoded":
        params.update(await request.post())
    elif content_type.startswith("multipart/"):
        params.update(await read_multipart(await request.multipart()))
    return params


async def read_multipart(reader: MultipartReader) -> dict[str, Any]:
    """Read multipart/form-data; file parts become :class:`Upload` values."""
    fields: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue  # a nested multipart is not something the Bot API sends
        if part.filename is not None:
            data = await part.read(decode=True)
            content_type = part.headers.get("Content-Type")
            uploads[part.name] = Upload(part.filename, content_type, bytes(data))
        else:
            fields[part.name] = await part.text()
    return resolve_attachments(fields, uploads)


def resolve_attachments(fields: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    """Replace ``attach://name`` values with the uploaded part of that name."""
    resolved = dict(uploads)
    resolved.update(fields)
    for key, value in fields.items():
        if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
            upload = uploads.get(value.removeprefix(ATTACH_PREFIX))
            if upload is None:
                raise BotAPIError.bad_request(f"file {value!r} not found in the request")
            resolved[key] = upload
    return resolved


def normalize(params: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-serialized fields and numeric ids so calls are easy to assert on."""
    normalized = dict(params)
    for key, value in params.items():
        if not isinstance(value, str):
            continue
        if key in JSON_FIELDS:
            with contextlib.suppress(ValueError):
                normalized[key] = json.loads(value)
        elif key in INT_FIELDS and value.lstrip("-").isdigit():
            normalized[key] = int(value)
    return normalized


def get_str(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    """A string parameter, or a 400 when ``required`` and missing."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise BotAPIError.bad_request(f"{name} is empty")
        return None
    return value if isinstance(value, str) else str(value)


def get_int(params: dict[str, Any], name: str, required: bool = False) -> int | None:
    """An integer parameter (sent as text in forms)."""
    value = get_str(params, name, required)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise BotAPIError.bad_request(f"invalid {name} specified") from error


def get_bool(params: dict[str, Any], name: str) -> bool:
    """A boolean parameter; forms send ``true``/``false``."""
    value = params.get(name)
    if isinstance(value, bool):
        return value
    return str(value).lower() in TRUE_VALUES if value is not None else False


def get_json(params: dict[str, Any], name: str) -> Any:
    """A JSON-serialized parameter (objects arrive as strings in forms)."""
    value = params.get(name)
    if not isinstance(value, str):
        return value
    if value == "":
        return None
    try:
        return json.loads(value)
    except ValueError as error:
        raise BotAPIError.bad_request(f"can't parse {name} JSON object") from error


def get_chat_id(params: dict[str, Any], name: str = "chat_id") -> int:
    """A chat id parameter (``chat_id`` by default) as an integer; usernames are not supported."""
    value = get_str(params, name, required=True)
    try:
        return int(value or "")
    except ValueError as error:
        raise BotAPIError.bad_request("chat not found") from error
