"""What counts as a code attempt, and the catalog's single confidentiality statement."""

from __future__ import annotations

import re

import pytest

from bot.handlers.participant import is_help_request
from bot.i18n import CATALOG
from bot.invites import looks_like_code_attempt, new_invite_code


@pytest.mark.parametrize(
    "text",
    [
        "Selamat pagi",
        "Terima kasih",
        "Mohon bantuannya",
        "Halo",
        "Selamat siang, Pak",
        "Assalamualaikum",
        "Terimakasih",  # 11 letters
        "Selamat ya",  # 10 characters, but L is never in a code
        "WRONGCODE0",  # O and 0 are never in a code
        "12345",
        "",
    ],
)
def test_texts_that_cannot_be_codes_are_not_attempts(text: str) -> None:
    assert not looks_like_code_attempt(text)


def test_a_code_is_an_attempt_however_it_is_spaced_or_cased() -> None:
    code = new_invite_code()
    for typed in (code, code.lower(), f"{code[:5]}-{code[5:]}", f" {code[:5]} {code[5:]} "):
        assert looks_like_code_attempt(typed), typed
    assert looks_like_code_attempt("ZZZZZ-ZZZZ2"), "a wrong code of the right shape counts"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bantuan", True),
        ("Bantuan?", True),
        ("help", True),
        ("tolong", True),
        ("?", True),
        ("Mohon bantuannya", True),
        ("7", False),
        ("tidak tahu", False),
        ("Pemerintah", False),
    ],
)
def test_help_words(text: str, expected: bool) -> None:
    assert is_help_request(text) is expected


def test_only_the_consent_says_who_sees_the_answers_and_nothing_promises_secrecy() -> None:
    promises = re.compile(r"rahasia|confidential|anonim|anonymous|tanpa nama|without names", re.I)
    promising = sorted(
        key for key, pair in CATALOG.items() if any(promises.search(text) for text in pair)
    )
    assert promising == ["welcome_consent"]
    indonesian, english = CATALOG["welcome_consent"]
    assert "sukarela" in indonesian and "15–20 menit" in indonesian
    assert "voluntary" in english and "15–20 minutes" in english
