"""XLSForms as survey teams write them: optional versions, any languages, pyxform's rules."""

from __future__ import annotations

from tests.questionnaire.test_xlsform import errors, read, survey, warnings

NO_VERSION = (("form_id", "form_title"), ("uji", "Uji"))


def test_a_form_without_version_loads_with_a_version_derived_from_its_content() -> None:
    result = read(survey(("integer", "a", "Umur", "Age")), settings=NO_VERSION)
    assert errors(result) == []
    version = result.unwrap().version
    assert version.startswith("auto-") and len(version) == len("auto-") + 12
    assert (
        f"[row 2] settings: settings has no version; using '{version}', derived from the "
        "form's content (the same content always gets the same version)"
    ) in warnings(result)


def test_a_derived_version_is_the_same_for_the_same_content_and_differs_otherwise() -> None:
    first = read(survey(("integer", "a", "Umur", "Age")), settings=NO_VERSION).unwrap()
    again = read(survey(("integer", "a", "Umur", "Age")), settings=NO_VERSION).unwrap()
    other = read(survey(("integer", "a", "Usia", "Age")), settings=NO_VERSION).unwrap()
    assert first.version == again.version
    assert first.version != other.version


def test_a_written_version_is_kept_as_written() -> None:
    settings = (("form_id", "version", "form_title"), ("uji", "2026.10", "Uji"))
    result = read(survey(("integer", "a", "Umur", "Age")), settings=settings)
    assert result.unwrap().version == "2026.10"
    assert not any("version" in w for w in warnings(result))
