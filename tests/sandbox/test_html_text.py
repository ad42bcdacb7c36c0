"""Telegram's HTML parse mode as the sandbox applies it."""

from __future__ import annotations

import pytest

from sandbox.errors import ApiError
from sandbox.html_text import parse_html


def test_tags_become_entities_and_are_stripped_from_the_text() -> None:
    text, entities = parse_html('<b>Halo</b> <i>dan</i> <a href="https://x.id">tautan</a>')

    assert text == "Halo dan tautan"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 5, "length": 3},
        {"type": "text_link", "offset": 9, "length": 6, "url": "https://x.id"},
    ]


def test_supported_entities_are_unescaped_and_a_lone_ampersand_is_kept() -> None:
    text, _ = parse_html("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot; &#65;&#x42; R&D &nbsp;")

    assert text == '1 < 2 && 3 > 2 "ok" AB R&D &nbsp;'


def test_offsets_count_utf16_code_units() -> None:
    _, entities = parse_html("😀 <b>x</b>")

    assert entities == [{"type": "bold", "offset": 3, "length": 1}]


def test_nested_tags_give_nested_entities() -> None:
    text, entities = parse_html("<b>a<i>b</i></b><tg-spoiler>c</tg-spoiler>")

    assert text == "abc"
    assert {"type": "italic", "offset": 1, "length": 1} in entities
    assert {"type": "bold", "offset": 0, "length": 2} in entities
    assert {"type": "spoiler", "offset": 2, "length": 1} in entities


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>a<i>b</b></i>", 'Unmatched end tag at byte offset 8, expected "</i>", found "</b>"'),
        ("text</b>", "Unexpected end tag at byte offset 4"),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("price < 5", 'Unsupported start tag "" at byte offset 6'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">a</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_malformed_html_is_refused_with_telegrams_error(source: str, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)

    assert caught.value.code == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {reason}"


def test_byte_offsets_in_errors_count_utf8_bytes() -> None:
    with pytest.raises(ApiError) as caught:
        parse_html("é</b>")

    assert caught.value.description.endswith("Unexpected end tag at byte offset 2")
