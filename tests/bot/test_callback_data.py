"""bot/views/callback_data.py: one registry of button payloads, and forgeries parse to nothing."""

from __future__ import annotations

import pytest

from bot.views.callback_data import (
    Action,
    StaffFeature,
    as_tap,
    decode,
    indices_of,
    number,
    staff_data,
    staff_parts,
)


@pytest.mark.parametrize("text", ["²", "٣", "1²", "", "+1", "0x1", " 1", "1.0", "９"])
def test_only_ascii_whole_numbers_are_numbers(text: str) -> None:
    assert number(text) is None


def test_whole_numbers_with_a_sign_are_read() -> None:
    assert (number("0"), number("42"), number("-15")) == (0, 42, -15)


@pytest.mark.parametrize("data", ["a:²:1", "a:٣:1", "a:-1:1", "a:1:²", "M:1:zz", "M:1:²"])
def test_forged_question_payloads_do_not_become_taps(data: str) -> None:
    payload = decode(data)
    assert payload is None or as_tap(payload) is None
    assert indices_of("²") is None and indices_of("-1") is None


def test_staff_prefixes_are_distinct_from_every_participant_action() -> None:
    assert not {f.value for f in StaffFeature} & {a.value for a in Action}
    for feature in StaffFeature:
        assert decode(staff_data(feature, "x", 1)) is None


def test_staff_payloads_round_trip_and_refuse_what_telegram_would() -> None:
    data = staff_data(StaffFeature.AGENDA, "y", 12, -15, 1764662400)
    assert data == "ag:y:12:-15:1764662400"
    assert staff_parts(data, StaffFeature.AGENDA) == ["y", "12", "-15", "1764662400"]
    assert staff_parts(data, StaffFeature.BROADCAST) is None
    with pytest.raises(ValueError, match="64 bytes"):
        staff_data(StaffFeature.REPORT, "x" * 61)
