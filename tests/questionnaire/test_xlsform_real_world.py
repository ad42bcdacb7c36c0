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
    assert not any("no version" in w for w in warnings(result))


# --- Languages --------------------------------------------------------------------------


def test_a_plain_english_label_beside_an_indonesian_column_keeps_both_languages() -> None:
    result = read(
        (
            ("type", "name", "label", "label::Indonesian (id)"),
            ("integer", "age", "How old are you?", "Berapa umur Anda?"),
        ),
        settings=NO_VERSION,
    )
    assert errors(result) == []
    text = result.unwrap().question("age").text
    assert (text.get("id"), text.get("en")) == ("Berapa umur Anda?", "How old are you?")
    assert [w for w in warnings(result) if "survey row 2); English" in w] == [
        "2 rows have text with no English (en) version (settings row 2; survey row 2); English "
        "participants see the form's default language (columns without a language) or "
        "Indonesian (id)"
    ]


def test_an_english_only_form_loads_with_one_warning_for_the_missing_indonesian() -> None:
    result = read(
        (
            ("type", "name", "label::English (en)", "hint::English (en)"),
            ("integer", "a", "Age", "In years"),
            ("text", "b", "Name", None),
        ),
        settings=NO_VERSION,
    )
    assert errors(result) == []
    questionnaire = result.unwrap()
    assert questionnaire.default_language == "en"
    assert questionnaire.question("a").text.get("id") == "Age"
    assert [w for w in warnings(result) if "Indonesian participants" in w] == [
        "2 rows have text with no Indonesian (id) version (survey rows 2, 3);"
        " Indonesian participants see English (en)"
    ]


def test_a_form_in_another_language_is_served_in_it_to_everyone() -> None:
    settings = (("form_id", "form_title", "default_language"), ("f", "Umfrage", "German (de)"))
    result = read(
        (("type", "name", "label::German (de)"), ("integer", "a", "Alter")), settings=settings
    )
    assert errors(result) == []
    text = result.unwrap().question("a").text
    assert (text.get("id"), text.get("en")) == ("Alter", "Alter")
    summary = [w for w in warnings(result) if "participants see" in w]
    assert summary == [
        "1 row has text with no Indonesian (id) version (survey row 2); Indonesian participants "
        "see German (de)",
        "2 rows have text with no English (en) version (settings row 2; survey row 2); English "
        "participants see German (de) or Indonesian (id)",
    ]
