"""Telegram's HTML parse mode: turns marked-up text into plain text and message entities.

Follows the server's rules (as implemented in TDLib): only a fixed set of tags, tags must
nest properly, only &lt; &gt; &amp; &quot; and numeric character references are decoded,
and an ampersand that starts no known entity is kept literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import ApiError, bad_request

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_TAG_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z0-9_-]+")
_CHAR_REF = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,8})|#([0-9]{1,9})|([a-zA-Z]{2,4}));")


@dataclass(slots=True)
class _OpenTag:
    name: str
    start: int
    attributes: dict[str, str] = field(default_factory=dict)


def utf16_length(text: str) -> int:
    """Returns the length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _parse_error(source: str, index: int, reason: str) -> ApiError:
    # Byte offsets are computed only on failure so parsing stays linear.
    offset = len(source[:index].encode("utf-8"))
    return bad_request(f"can't parse entities: {reason.format(offset=offset)}")


def _decode_reference(source: str, index: int) -> tuple[str, int] | None:
    match = _CHAR_REF.match(source, index)
    if match is None:
        return None
    hex_digits, dec_digits, name = match.groups()
    if name is not None:
        decoded = _NAMED_ENTITIES.get(name.lower())
        if decoded is None:
            return None
        return decoded, match.end()
    code = int(hex_digits, 16) if hex_digits is not None else int(dec_digits)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _unescape_attribute(value: str) -> str:
    parts: list[str] = []
    index = 0
    while index < len(value):
        if value[index] == "&":
            decoded = _decode_reference(value, index)
            if decoded is not None:
                parts.append(decoded[0])
                index = decoded[1]
                continue
        parts.append(value[index])
        index += 1
    return "".join(parts)


def _read_attributes(source: str, index: int, tag_start: int) -> tuple[dict[str, str], int]:
    """Reads attributes up to '>' and returns them with the index after the tag."""
    attributes: dict[str, str] = {}
    length = len(source)
    while True:
        while index < length and source[index].isspace():
            index += 1
        if index >= length:
            raise _parse_error(source, tag_start, "Unclosed start tag at byte offset {offset}")
        if source[index] == ">":
            return attributes, index + 1
        if source[index] == "/" and source.startswith("/>", index):
            return attributes, index + 2
        name_match = _ATTR_NAME.match(source, index)
        if name_match is None:
            raise _parse_error(
                source, index, "Empty attribute name in the tag at byte offset {offset}"
            )
        name = name_match.group().lower()
        index = name_match.end()
        while index < length and source[index].isspace():
            index += 1
        if index >= length or source[index] != "=":
            attributes[name] = ""
            continue
        index += 1
        while index < length and source[index].isspace():
            index += 1
        if index < length and source[index] in "\"'":
            quote = source[index]
            end = source.find(quote, index + 1)
            if end < 0:
                raise _parse_error(source, tag_start, "Unclosed start tag at byte offset {offset}")
            value = source[index + 1 : end]
            index = end + 1
        else:
            end = index
            while end < length and not source[end].isspace() and source[end] not in ">":
                end += 1
            value = source[index:end]
            index = end
        attributes[name] = _unescape_attribute(value)


def _entity(tag: _OpenTag, end: int) -> dict[str, Any] | None:
    length = end - tag.start
    if length <= 0:
        return None
    entity: dict[str, Any] = {"type": ENTITY_TYPES[tag.name], "offset": tag.start, "length": length}
    if tag.name == "a":
        href = tag.attributes.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif tag.name == "code":
        language = tag.attributes.get("class", "")
        if language.startswith("language-"):
            entity["language"] = language.removeprefix("language-")
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    return entity


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Returns the rendered text and its entities, or raises Telegram's 400 parse error."""
    pieces: list[str] = []
    position = 0  # UTF-16 offset in the rendered text
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    index = 0
    length = len(source)
    while index < length:
        special = _SPECIAL.search(source, index)
        stop = special.start() if special else length
        if stop > index:
            chunk = source[index:stop]
            pieces.append(chunk)
            position += utf16_length(chunk)
            index = stop
            continue
        if source[index] == "&":
            decoded = _decode_reference(source, index)
            text, index = decoded if decoded is not None else ("&", index + 1)
            pieces.append(text)
            position += utf16_length(text)
            continue
        if source.startswith("</", index):
            end = source.find(">", index)
            if end < 0:
                raise _parse_error(source, index, "Unclosed end tag at byte offset {offset}")
            name = source[index + 2 : end].strip().lower()
            if not stack:
                raise _parse_error(source, index, "Unexpected end tag at byte offset {offset}")
            tag = stack.pop()
            if name and name != tag.name:
                raise _parse_error(
                    source,
                    index,
                    f'Unmatched end tag at byte offset {{offset}}, expected "</{tag.name}>", '
                    f'found "</{name}>"',
                )
            entity = _entity(tag, position)
            if entity is not None:
                entities.append(entity)
            index = end + 1
            continue
        name_match = _TAG_NAME.match(source, index + 1)
        name = name_match.group().lower() if name_match else ""
        if name not in ENTITY_TYPES:
            raise _parse_error(
                source, index, f'Unsupported start tag "{name}" at byte offset {{offset}}'
            )
        attributes, after = _read_attributes(source, index + 1 + len(name), index)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _parse_error(
                source, index, 'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        stack.append(_OpenTag(name=name, start=position, attributes=attributes))
        index = after
    if stack:
        unclosed = stack[-1].name
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{unclosed}\""
        )
    entities.sort(key=lambda item: (item["offset"], -item["length"]))
    return "".join(pieces), entities
