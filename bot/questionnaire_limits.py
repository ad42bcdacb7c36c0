"""What Telegram lets the bot send, checked on a questionnaire before anyone must answer it.

Pure: it mirrors how the bot renders a question (bot/views/question.py) and builds
its button payloads (bot/views/callback_data.py) without importing Telegram, so that
`questionnaire validate` can refuse a form the bot could not show. The tests compare these
figures with the real renderer, so a change there that breaks a limit here fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import t
from bot.questionnaire.model import Question, Questionnaire, QuestionType
from bot.questionnaire.vocabulary import LANGUAGES

# Telegram's limits (https://core.telegram.org/bots/api#sendmessage, #inlinekeyboardbutton),
# counted in UTF-16 code units after the HTML markup is parsed away.
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024  # questions are sent as text messages; kept for media captions
CALLBACK_DATA_LIMIT = 64  # bytes
KEYBOARD_BUTTON_LIMIT = 100
# The bot cuts a choice label to this many characters (question_view.MAX_BUTTON_LABEL).
BUTTON_LABEL_LIMIT = 60

# The widest header the bot writes: "Bagian 12/12 · <title> · 999/999".
_POSITION_WIDTH = len(" · 999/999")
_NUMBER_WIDTH = 24  # a number as the participant may see it in "Current answer: ..."


@dataclass(frozen=True, slots=True)
class LimitProblem:
    """A question (or one of its choices) the bot could not send as written."""

    question_id: str
    message: str
    choice_value: str | None = None


def utf16_length(text: str) -> int:
    """Telegram's length of a text: UTF-16 code units (an emoji counts as two)."""
    return len(text.encode("utf-16-le")) // 2


def check_limits(questionnaire: Questionnaire) -> list[LimitProblem]:
    """Every question the bot could not show as written, in form order."""
    problems: list[LimitProblem] = []
    for index, question in enumerate(questionnaire.questions):
        for lang in LANGUAGES:
            problems += _message_problems(questionnaire, question, lang)
        problems += _keyboard_problems(question, index)
    return _unique(problems)


def message_length(questionnaire: Questionnaire, question: Question, lang: str) -> int:
    """The longest question message the bot may send for the question in the language.

    Worst case: the widest header, the instruction, and the longest current answer (a
    text question shown again with its longest answer).
    """
    title = next(s for s in questionnaire.sections if s.id == question.section_id).title.get(lang)
    header = t(
        "header_section",
        lang,
        section=len(questionnaire.sections),
        sections=len(questionnaire.sections),
        title=title,
    )
    lines = [header + " " * _POSITION_WIDTH, "", question.text.get(lang)]
    if question.hint is not None:
        lines.append(question.hint.get(lang))
    if question.type is not QuestionType.NOTE:
        lines += ["", _instruction_bound(question, lang)]
        lines.append(t("current_answer", lang, answer=_longest_answer(question, lang)))
    else:
        lines += ["", t("note_instruction", lang)]
    return utf16_length("\n".join(lines))


def _message_problems(
    questionnaire: Questionnaire, question: Question, lang: str
) -> list[LimitProblem]:
    length = message_length(questionnaire, question, lang)
    if length <= MESSAGE_LIMIT:
        return []
    language = "Indonesian" if lang == "id" else "English"
    own = utf16_length(question.text.get(lang)) + (
        utf16_length(question.hint.get(lang)) if question.hint else 0
    )
    extra = length - MESSAGE_LIMIT
    answer = (
        f" and the longest answer (max_length {question.max_length}) shown with it"
        if question.type is QuestionType.TEXT
        else ""
    )
    return [
        LimitProblem(
            question.id,
            f"the {language} text and hint ({own} characters) with the bot's header, "
            f"instructions{answer} make a {length}-character message; Telegram allows "
            f"{MESSAGE_LIMIT}: shorten it by at least {extra}.",
        )
    ]


def _instruction_bound(question: Question, lang: str) -> str:
    """The instruction line with its optional marker, as long as the bot may write it."""
    match question.type:
        case QuestionType.SCALE:
            low = question.scale_min_label.get(lang) if question.scale_min_label else None
            high = question.scale_max_label.get(lang) if question.scale_max_label else None
            text = t(
                "scale_instruction",
                lang,
                low=question.scale_min,
                high=question.scale_max,
                low_label=low or t("scale_low", lang),
                high_label=high or t("scale_high", lang),
            )
        case QuestionType.SINGLE_CHOICE:
            text = t("single_instruction", lang)
        case QuestionType.MULTIPLE_CHOICE:
            text = t("multiple_instruction", lang)
        case QuestionType.INTEGER | QuestionType.DECIMAL:
            bounds = t("bounds_between", lang, low="9" * _NUMBER_WIDTH, high="9" * _NUMBER_WIDTH)
            key = (
                "integer_instruction"
                if question.type is QuestionType.INTEGER
                else "decimal_instruction"
            )
            text = t(key, lang, bounds=bounds)
        case QuestionType.TEXT:
            text = t("text_instruction", lang, max=question.max_length)
        case _:
            text = ""
    if not question.required:
        text += " " + t("optional_marker", lang)
    return text


def _longest_answer(question: Question, lang: str) -> str:
    """The longest 'current answer' the bot may show under the question."""
    candidates = [t("value_dont_know", lang), t("value_skipped", lang), "9" * _NUMBER_WIDTH]
    labels = [choice.label.get(lang) for choice in question.choices]
    if question.type is QuestionType.TEXT:
        candidates.append("x" * question.max_length)
    elif question.type is QuestionType.MULTIPLE_CHOICE and labels:
        candidates.append(", ".join(labels))
    elif labels:
        candidates.append(max(labels, key=utf16_length))
    return max(candidates, key=utf16_length)


def _keyboard_problems(question: Question, index: int) -> list[LimitProblem]:
    problems = _label_problems(question)
    buttons = button_count(question, index)
    if buttons > KEYBOARD_BUTTON_LIMIT:
        problems.append(
            LimitProblem(
                question.id,
                f"its keyboard would have {buttons} buttons; Telegram allows "
                f"{KEYBOARD_BUTTON_LIMIT}: use fewer choices (or a narrower scale).",
            )
        )
    payload = longest_callback_data(question, index)
    size = len(payload.encode())
    if size > CALLBACK_DATA_LIMIT:
        problems.append(
            LimitProblem(
                question.id,
                f"its buttons would carry {size} bytes of data ({payload[:20]}...); Telegram "
                f"allows {CALLBACK_DATA_LIMIT}: use fewer choices or a narrower scale.",
            )
        )
    return problems


def _label_problems(question: Question) -> list[LimitProblem]:
    problems: list[LimitProblem] = []
    if question.type not in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return problems
    for lang in LANGUAGES:
        language = "Indonesian" if lang == "id" else "English"
        shown: dict[str, str] = {}
        for choice in question.choices:
            label = choice.label.get(lang)
            if not label.strip():
                problems.append(
                    LimitProblem(
                        question.id,
                        f"choice '{choice.value}' has an empty {language} label; "
                        "Telegram refuses a button without text.",
                        choice.value,
                    )
                )
                continue
            cut = _button_label(label)
            if cut in shown:
                problems.append(
                    LimitProblem(
                        question.id,
                        f"choices '{shown[cut]}' and '{choice.value}' would look the same on "
                        f"their buttons in {language} ('{cut}'): a button shows at most "
                        f"{BUTTON_LABEL_LIMIT} characters, so make them differ earlier.",
                        choice.value,
                    )
                )
            shown.setdefault(cut, choice.value)
    return problems


def _button_label(text: str) -> str:
    """The label as the bot cuts it (question_view._label; ticks ignored, they fit)."""
    return text if len(text) <= BUTTON_LABEL_LIMIT else text[: BUTTON_LABEL_LIMIT - 1] + "…"


def button_count(question: Question, index: int) -> int:
    """How many buttons the bot puts under the question (the most it ever shows)."""
    match question.type:
        case QuestionType.SCALE:
            answers = max(0, question.scale_max - question.scale_min + 1)
        case QuestionType.SINGLE_CHOICE:
            answers = len(question.choices)
        case QuestionType.MULTIPLE_CHOICE:
            answers = len(question.choices) + 1  # and «Done»
        case QuestionType.NOTE:
            answers = 1  # «Next»
        case _:
            answers = 0
    dont_know = 1 if question.allow_dont_know and question.type is not QuestionType.NOTE else 0
    back = 1 if index > 0 else 0
    skip = 1 if not question.required and question.type is not QuestionType.NOTE else 0
    return answers + dont_know + back + skip


def longest_callback_data(question: Question, index: int) -> str:
    """The longest payload among the question's buttons, as callback_data.encode builds it.

    The format is 'action:question index:argument'; a multiple-choice toggle carries the
    whole selection as a hex bit mask, which grows with the number of choices.
    """
    payloads = [f"b:{index}", f"s:{index}", f"d:{index}", f"n:{index}"]
    match question.type:
        case QuestionType.SCALE:
            payloads += [f"a:{index}:{question.scale_min}", f"a:{index}:{question.scale_max}"]
        case QuestionType.SINGLE_CHOICE if question.choices:
            payloads.append(f"a:{index}:{len(question.choices) - 1}")
        case QuestionType.MULTIPLE_CHOICE if question.choices:
            everything = format((1 << len(question.choices)) - 1, "x")
            payloads += [f"m:{index}:{everything}", f"M:{index}:{everything}"]
        case _:
            pass
    return max(payloads, key=lambda payload: len(payload.encode()))


def _unique(problems: list[LimitProblem]) -> list[LimitProblem]:
    """Drops repeats (the same fault in a language that falls back to the other)."""
    seen: set[tuple[str, str, str | None]] = set()
    kept = []
    for problem in problems:
        key = (problem.question_id, problem.message, problem.choice_value)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept
