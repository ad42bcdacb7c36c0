"""`questionnaire validate|load` refuse a form the bot could not send, naming its row."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from admin.cli import main
from bot.questionnaire.engine import State
from bot.questionnaire.loader import load_questionnaire_yaml
from bot.questionnaire.model import Answer, AnswerStatus, QuestionType
from bot.questionnaire_limits import (
    MESSAGE_LIMIT,
    button_count,
    check_limits,
    longest_callback_data,
    message_length,
    utf16_length,
)
from bot.views.callback_data import Action, encode, mask_of
from bot.views.question import render_question
from tests.questionnaire.forms import HEADER, NOW, form
from tests.questionnaire.test_xlsform import LABELS, SETTINGS, survey, workbook


def _yaml(questions: str) -> str:
    return (
        HEADER
        + "sections:\n  - id: s1\n    title: {id: Bagian, en: Part}\n    questions:\n"
        + questions
    )


def _choices(count: int) -> str:
    return "".join(
        f"          - {{value: c{n}, label: {{id: 'Pilihan {n}', en: 'Choice {n}'}}}}\n"
        for n in range(count)
    )


LONG_TEXT = "Seberapa baik " * 344  # 4,816 characters, like the one that got stuck


@pytest.fixture
def no_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIPBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    return tmp_path


def test_validate_refuses_a_question_too_long_for_one_message_naming_its_line(
    no_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = no_env / "long.yaml"
    path.write_text(
        _yaml(
            "      - {id: ok, type: scale, text: {id: Baik, en: Good}}\n"
            f"      - id: panjang\n        type: scale\n        text: {{id: '{LONG_TEXT}'}}\n"
        ),
        encoding="utf-8",
    )
    assert main(["questionnaire", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "[line 9] question 'panjang':" in err
    assert f"Telegram allows {MESSAGE_LIMIT}" in err
    assert "nothing was loaded" in err


def test_load_refuses_300_choices_and_stores_nothing(
    no_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    path = no_env / "many.yaml"
    path.write_text(
        _yaml(
            "      - id: kab\n        type: multiple_choice\n        text: {id: Kabupaten}\n"
            "        choices:\n" + _choices(300)
        ),
        encoding="utf-8",
    )
    assert main(["questionnaire", "load", str(path)]) == 2
    err = capsys.readouterr().err
    assert "[line 8] question 'kab': its keyboard would have 301 buttons" in err
    assert "carry 79 bytes of data" in err
    assert main(["questionnaire", "list"]) == 0
    assert capsys.readouterr().out == ""


def test_xlsform_choices_that_look_the_same_on_their_buttons_are_refused_on_their_row(
    no_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stem = "Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Jambi bidang "
    path = no_env / "form.xlsx"
    path.write_bytes(
        workbook(
            survey(
                ("integer", "umur", "Umur", "Age"),
                ("select_one dinas", "dinas", "Dinas", "Office"),
            ),
            (
                ("list_name", "name", *LABELS),
                ("dinas", "a", stem + "A", "A"),
                ("dinas", "b", stem + "B", "B"),
            ),
            SETTINGS,
        )
    )
    assert main(["questionnaire", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "[row 3] survey: question 'dinas': choices 'a' and 'b' would look the same" in err


def test_the_shipped_questionnaire_fits_every_limit() -> None:
    from bot.questionnaire.default import load_default_questionnaire

    assert check_limits(load_default_questionnaire()) == []


def test_message_bound_is_never_below_what_the_bot_renders() -> None:
    questionnaire = form(
        """\
        sections:
          - id: s1
            title: {id: Bagian panjang sekali, en: A long part}
            questions:
              - {id: umur, type: integer, text: {id: Umur, en: Age}, min: 17, max: 99}
              - id: cerita
                type: text
                required: false
                max_length: 900
                hint: {id: 'Ceritakan & jelaskan <singkat>', en: Tell}
                text: {id: 'Apa yang berubah? 🙂', en: 'What changed? 🙂'}
        """
    )
    question = questionnaire.question("cerita")
    answer = Answer("cerita", AnswerStatus.ANSWERED, "ж" * 900, NOW)
    age = Answer("umur", AnswerStatus.ANSWERED, 40, NOW)
    state = State(answers={"umur": age, "cerita": answer})
    for lang in ("id", "en"):
        shown = render_question(questionnaire, state, question, lang).text
        visible = unescape(re.sub(r"<[^>]+>", "", shown))
        assert utf16_length(visible) <= message_length(questionnaire, question, lang)


def test_button_and_payload_bounds_match_the_real_keyboard() -> None:
    questionnaire = load_questionnaire_yaml(
        _yaml(
            "      - {id: umur, type: integer, text: {id: Umur}}\n"
            "      - id: pilih\n        type: multiple_choice\n        required: false\n"
            "        dont_know: true\n        text: {id: Pilih}\n        choices:\n" + _choices(30)
        )
    ).unwrap()
    question = questionnaire.question("pilih")
    assert question.type is QuestionType.MULTIPLE_CHOICE
    keyboard = render_question(questionnaire, State(), question, "id").keyboard
    assert keyboard is not None
    buttons = [button for row in keyboard.inline_keyboard for button in row]
    assert button_count(question, 1) == len(buttons)
    everything = mask_of(set(range(30)))
    assert longest_callback_data(question, 1) == encode(Action.TOGGLE, 1, everything)
