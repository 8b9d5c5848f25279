"""Text entities: UTF-16 offsets, bot commands and parse_mode parsing like the Bot API."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from doubles.telegram.errors import BotAPIError

COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")

HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities for every /command in a user's text."""
    return [
        {
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
            "type": "bot_command",
        }
        for match in COMMAND_RE.finditer(text)
    ]


def parse_entities(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Render ``text`` according to ``parse_mode`` into plain text plus entities."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return _HTMLEntityParser(text).result()
    if mode == "markdownv2":
        return _parse_markdown(text, strict=True)
    if mode == "markdown":
        return _parse_markdown(text, strict=False)
    raise BotAPIError.bad_request(f"unsupported parse_mode {parse_mode!r}")


def _cant_parse(reason: str) -> BotAPIError:
    return BotAPIError.bad_request(f"can't parse entities: {reason}")


def _sorted_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = [entity for entity in entities if entity["length"] > 0]
    return sorted(kept, key=lambda entity: (entity["offset"], -entity["length"]))


class _HTMLEntityParser(HTMLParser):
    """Strict subset of Telegram's HTML parse mode."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._parts: list[str] = []
        self._stack: list[tuple[str, dict[str, Any]]] = []
        self._entities: list[dict[str, Any]] = []

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        """Parse the whole source or raise a Bot API 400 error."""
        self.feed(self._source)
        self.close()
        if self._stack:
            tag = self._stack[-1][0]
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{tag}"')
        return "".join(self._parts), _sorted_entities(self._entities)

    def _offset(self) -> int:
        return utf16_len("".join(self._parts))

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self._source.split("\n")
        prefix = "\n".join(lines[: line - 1]) + ("\n" if line > 1 else "")
        return len((prefix + lines[line - 1][:column]).encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = HTML_TAGS.get(tag)
        attributes = dict(attrs)
        if kind is None or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise _cant_parse(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        entity: dict[str, Any] = {"type": kind, "offset": self._offset()}
        if tag == "a":
            entity["url"] = attributes.get("href") or ""
        if tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        language = (attributes.get("class") or "").removeprefix("language-")
        if tag == "code" and self._stack and self._stack[-1][0] == "pre" and language:
            self._stack[-1][1]["language"] = language
        self._stack.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or self._stack[-1][0] != tag:
            expected = f'"</{self._stack[-1][0]}>"' if self._stack else "no end tag"
            raise _cant_parse(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
        _, entity = self._stack.pop()
        entity["length"] = self._offset() - entity["offset"]
        if tag == "code" and self._stack and self._stack[-1][0] == "pre":
            return
        self._entities.append(entity)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)


def _parse_markdown(text: str, strict: bool) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 (``strict``) or legacy Markdown into text and entities."""
    markers = {"*": "bold", "_": "italic", "~": "strikethrough", "__": "underline", "||": "spoiler"}
    if not strict:
        markers = {"*": "bold", "_": "italic"}
    parts: list[str] = []
    open_entities: dict[str, dict[str, Any]] = {}
    entities: list[dict[str, Any]] = []
    index = 0

    def offset() -> int:
        return utf16_len("".join(parts))

    while index < len(text):
        char = text[index]
        double = text[index : index + 2]
        if char == "\\" and index + 1 < len(text) and (strict or text[index + 1] in "_*`["):
            parts.append(text[index + 1])
            index += 2
            continue
        if char == "`":
            index = _markdown_code(text, index, parts, entities, offset())
            continue
        marker = double if strict and double in ("__", "||") else char
        if marker in markers:
            if marker in open_entities:
                entity = open_entities.pop(marker)
                entity["length"] = offset() - entity["offset"]
                entities.append(entity)
            else:
                open_entities[marker] = {"type": markers[marker], "offset": offset()}
            index += len(marker)
            continue
        if char == "[":
            index = _markdown_link(text, index, parts, entities, offset(), strict)
            continue
        if strict and char in MARKDOWN_V2_RESERVED:
            raise _cant_parse(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        parts.append(char)
        index += 1
    if open_entities:
        start = min(entity["offset"] for entity in open_entities.values())
        raise _cant_parse(f"Can't find end of the entity starting at byte offset {start}")
    return "".join(parts), _sorted_entities(entities)


def _markdown_code(
    text: str, index: int, parts: list[str], entities: list[dict[str, Any]], start: int
) -> int:
    """Consume an inline code span or ``` block; return the next index."""
    fence = "```" if text.startswith("```", index) else "`"
    end = text.find(fence, index + len(fence))
    if end < 0:
        raise _cant_parse(f"Can't find end of the entity starting at byte offset {start}")
    body = text[index + len(fence) : end]
    entity: dict[str, Any] = {"type": "code", "offset": start}
    if fence == "```":
        entity["type"] = "pre"
        first_line, newline, rest = body.partition("\n")
        if newline and first_line.strip() and " " not in first_line.strip():
            entity["language"] = first_line.strip()
            body = rest
    body = re.sub(r"\\([`\\])", r"\1", body)
    parts.append(body)
    entity["length"] = utf16_len(body)
    entities.append(entity)
    return end + len(fence)


def _markdown_link(
    text: str,
    index: int,
    parts: list[str],
    entities: list[dict[str, Any]],
    start: int,
    strict: bool,
) -> int:
    """Consume ``[label](url)``; return the next index."""
    match = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(((?:\\.|[^)\\])*)\)").match(text, index)
    if match is None:
        if strict:
            raise _cant_parse(
                "Character '[' is reserved and must be escaped with the preceding '\\'"
            )
        parts.append("[")
        return index + 1
    label = re.sub(r"\\(.)", r"\1", match.group(1))
    url = re.sub(r"\\(.)", r"\1", match.group(2))
    parts.append(label)
    entities.append({"type": "text_link", "offset": start, "length": utf16_len(label), "url": url})
    return match.end()
