"""Tests keeping the catalog's voice: Bapak/Ibu, the bot as "kami", curly quotes."""

from __future__ import annotations

import re
import string

import pytest

from bot.i18n import CATALOG, COMMAND_DESCRIPTIONS, t

INDONESIAN = {key: pair[0] for key, pair in CATALOG.items()} | {
    f"command:{name}": pair[0] for name, pair in COMMAND_DESCRIPTIONS.items()
}
ENGLISH = {key: pair[1] for key, pair in CATALOG.items()}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_indonesian_catalog_never_says_anda() -> None:
    offenders = [key for key, text in INDONESIAN.items() if re.search(r"\banda\b", text, re.I)]
    assert offenders == []


def test_indonesian_catalog_addresses_the_reader_as_bapak_ibu() -> None:
    addressed = [key for key, text in INDONESIAN.items() if "Bapak/Ibu" in text]
    assert {"welcome_consent", "help", "submitted", "nudge_not_started"} <= set(addressed)


def test_the_bot_speaks_as_kami_never_saya() -> None:
    offenders = [key for key, text in INDONESIAN.items() if re.search(r"\bsaya\b", text, re.I)]
    assert offenders == []
    assert "kami" in CATALOG["consent_recorded"][0]


def test_no_string_uses_guillemets_or_exclamation_marks() -> None:
    texts = list(INDONESIAN.items()) + list(ENGLISH.items())
    assert [key for key, text in texts if re.search("[«»!]", text)] == []


def test_both_languages_of_a_key_take_the_same_placeholders() -> None:
    mismatched = [
        key
        for key, (id_text, en_text) in CATALOG.items()
        if _placeholders(id_text) != _placeholders(en_text)
    ]
    assert mismatched == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_reask_names_the_forms_and_the_dont_know_word(lang: str) -> None:
    also = t("reask_also_dont_know", lang)
    text = t("reask_scale", lang, low=1, high=10, also=also)
    assert "1" in text and "10" in text
    assert ("“tidak tahu”" if lang == "id" else "“don't know”") in text
