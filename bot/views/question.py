"""Renders a question (text and buttons) and answers in the participant's language."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.formatting import format_number
from bot.i18n import t
from bot.questionnaire.engine import (
    State,
    offered,
    relevant_questions,
)
from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
)
from bot.questionnaire.offers import default_answer, may_skip
from bot.questionnaire.piping import pipe
from bot.views.callback_data import SCALE_POSITION, Action, encode, mask_of

SCALE_ROW = 5
MAX_BUTTON_LABEL = 60


@dataclass(frozen=True)
class RenderedQuestion:
    """A question message ready to send."""

    text: str
    keyboard: InlineKeyboardMarkup | None


def answer_label(question: Question, answer: Answer | None, lang: str) -> str:
    """Describes an answer in words: '7', 'Tidak tahu', a choice label, ..."""
    if answer is None:
        return t("value_none", lang)
    if answer.status is AnswerStatus.DONT_KNOW:
        return t("value_dont_know", lang)
    if answer.status is AnswerStatus.SKIPPED:
        return t("value_skipped", lang)
    return value_label(question, answer.value, lang)


def value_label(question: Question, value: AnswerValue | None, lang: str) -> str:
    """Describes an answer value in words."""
    if value is None:
        return "✓"
    if isinstance(value, tuple):
        return ", ".join(_choice_label(question, v, lang) for v in value)
    if question.type is QuestionType.SINGLE_CHOICE and isinstance(value, str):
        return _choice_label(question, value, lang)
    if isinstance(value, int | float):
        return format_number(value, lang)
    return value


def _choice_label(question: Question, value: str, lang: str) -> str:
    choice = question.choice(value)
    return choice.label.get(lang) if choice else value


def header(questionnaire: Questionnaire, state: State, question: Question, lang: str) -> str:
    """'Bagian 2/5 · Birokrasi · 14/52': section, and place among relevant questions."""
    section_index = next(
        i for i, s in enumerate(questionnaire.sections) if s.id == question.section_id
    )
    section_part = t(
        "header_section",
        lang,
        section=section_index + 1,
        sections=len(questionnaire.sections),
        title=questionnaire.sections[section_index].title.get(lang),
    )
    if question.type is QuestionType.NOTE:
        return section_part
    counted = [
        q.id for q in relevant_questions(questionnaire, state) if q.type is not QuestionType.NOTE
    ]
    # An irrelevant question re-opened from an old button is shown without a number.
    if question.id not in counted:
        return section_part
    return f"{section_part} · {counted.index(question.id) + 1}/{len(counted)}"


def instruction(question: Question, lang: str) -> str:
    """The one-line 'how to answer' for the question type."""
    match question.type:
        case QuestionType.SCALE:
            low = question.scale_min_label.get(lang) if question.scale_min_label else None
            high = question.scale_max_label.get(lang) if question.scale_max_label else None
            return t(
                "scale_instruction",
                lang,
                low=question.scale_min,
                high=question.scale_max,
                low_label=low or t("scale_low", lang),
                high_label=high or t("scale_high", lang),
            )
        case QuestionType.SINGLE_CHOICE:
            return t("single_instruction", lang)
        case QuestionType.MULTIPLE_CHOICE:
            return t("multiple_instruction", lang)
        case QuestionType.INTEGER:
            return t("integer_instruction", lang, bounds=_bounds(question, lang))
        case QuestionType.DECIMAL:
            return t("decimal_instruction", lang, bounds=_bounds(question, lang))
        case QuestionType.TEXT:
            return t("text_instruction", lang, max=question.max_length)
        case QuestionType.NOTE:
            return t("note_instruction", lang)
        case QuestionType.DATE:
            return t("date_instruction", lang)
        case QuestionType.TIME:
            return t("time_instruction", lang)
        case QuestionType.DATETIME:
            return t("datetime_instruction", lang)
        case QuestionType.CALCULATE:  # pragma: no cover - calculations are never shown
            return ""


def _bounds(question: Question, lang: str) -> str:
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return t(
            "bounds_between", lang, low=format_number(low, lang), high=format_number(high, lang)
        )
    if low is not None:
        return t("bounds_at_least", lang, low=format_number(low, lang))
    if high is not None:
        return t("bounds_at_most", lang, high=format_number(high, lang))
    return ""


def _body(questionnaire: Questionnaire, state: State, question: Question, lang: str) -> list[str]:
    lines = [f"<i>{escape(header(questionnaire, state, question, lang))}</i>", ""]
    # `pipe` fills in ${name} with the person's answers and escapes the whole text.
    lines.append(f"<b>{pipe(question.text.get(lang), questionnaire, state.answers, lang)}</b>")
    if question.hint is not None:
        lines.append(pipe(question.hint.get(lang), questionnaire, state.answers, lang))
    return lines


def render_question(
    questionnaire: Questionnaire,
    state: State,
    question: Question,
    lang: str,
    *,
    selection: frozenset[int] | None = None,
) -> RenderedQuestion:
    """Builds the message for the question on screen, with its buttons."""
    lines = _body(questionnaire, state, question, lang)
    instruction_line = instruction(question, lang)
    # The skip button and the marker follow the engine: a conditional `required` is
    # decided by the answers so far.
    skippable = may_skip(questionnaire, state, question)
    if skippable:
        instruction_line += " " + t("optional_marker", lang)
    lines += ["", escape(instruction_line)]
    existing = state.answer(question.id)
    if existing is not None and question.type is not QuestionType.NOTE:
        lines.append(
            escape(t("current_answer", lang, answer=answer_label(question, existing, lang)))
        )
    index = questionnaire.index_of(question.id)
    # An unanswered question's default is offered as a one-tap answer.
    default = default_answer(questionnaire, state, question) if existing is None else None
    keys = _Keys(index, lang, skippable, default)
    if question.choice_filter is not None:
        # The buttons depend on earlier answers: only the choices the filter keeps.
        shown = frozenset(c.value for c in offered(questionnaire, state, question.id))
        keyboard = _keyboard(question, keys, existing, selection, shown)
    elif existing is None and selection is None and _same_for_everyone(question):
        keyboard = _fresh_keyboard(questionnaire, question, keys)
    else:
        keyboard = _keyboard(question, keys, existing, selection)
    return RenderedQuestion("\n".join(lines), keyboard)


# A question's keyboard before it is answered is the same for everyone in a language;
# built once (PTB's objects are immutable). By questionnaire identity, which the entry
# holds, so an id cannot be reused while it is kept.
_FRESH_KEYBOARDS: dict[tuple[int, int, str], tuple[Questionnaire, InlineKeyboardMarkup | None]] = {}
_FRESH_KEYBOARDS_LIMIT = 4096


@dataclass(frozen=True)
class _Keys:
    """What a question's buttons depend on besides its answer."""

    index: int
    lang: str
    skippable: bool
    default: AnswerValue | None = None


def _same_for_everyone(question: Question) -> bool:
    """Whether the unanswered question's buttons depend on nothing but the language."""
    return question.required_if is None and question.default is None


def _fresh_keyboard(
    questionnaire: Questionnaire, question: Question, keys: _Keys
) -> InlineKeyboardMarkup | None:
    key = (id(questionnaire), keys.index, keys.lang)
    entry = _FRESH_KEYBOARDS.get(key)
    if entry is not None and entry[0] is questionnaire:
        return entry[1]
    keyboard = _keyboard(question, keys, None, None)
    if len(_FRESH_KEYBOARDS) >= _FRESH_KEYBOARDS_LIMIT:
        _FRESH_KEYBOARDS.clear()
    _FRESH_KEYBOARDS[key] = (questionnaire, keyboard)
    return keyboard


def _keyboard(
    question: Question,
    keys: _Keys,
    existing: Answer | None,
    selection: frozenset[int] | None,
    shown: frozenset[str] | None = None,
) -> InlineKeyboardMarkup | None:
    index, lang = keys.index, keys.lang
    rows = _default_rows(question, keys) if selection is None else []
    if question.type is QuestionType.MULTIPLE_CHOICE and selection is None and existing is None:
        # A multiple choice's default is ticked already: one tap on Done keeps it.
        chosen = set(keys.default) if isinstance(keys.default, tuple) else set()
        selection = frozenset(i for i, c in enumerate(question.choices) if c.value in chosen)
    # A single choice's default is shown first (its payload keeps its position).
    first = keys.default if question.type is QuestionType.SINGLE_CHOICE else None
    rows += _answer_rows(question, index, existing, lang, selection, shown, first)
    navigation = []
    if index > 0:
        navigation.append(
            InlineKeyboardButton(t("btn_back", lang), callback_data=encode(Action.BACK, index))
        )
    if keys.skippable:
        navigation.append(
            InlineKeyboardButton(t("btn_skip", lang), callback_data=encode(Action.SKIP, index))
        )
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(rows) if rows else None


def _default_rows(question: Question, keys: _Keys) -> list[list[InlineKeyboardButton]]:
    """The one-tap default above the other buttons: "Pakai: 7" (choices show it first)."""
    default = keys.default
    if default is None or question.type.is_choice:
        return []
    if question.type is QuestionType.SCALE:
        values = question.scale_values()
        if default not in values:  # pragma: no cover - the engine checked it
            return []
        whole = all(isinstance(value, int) for value in values)
        argument: str | int = int(default) if whole else f"{SCALE_POSITION}{values.index(default)}"
    else:
        argument = f"{SCALE_POSITION}0"  # a typed question's only one-tap value
    label = _label(t("btn_default", keys.lang, value=value_label(question, default, keys.lang)))
    return [
        [InlineKeyboardButton(label, callback_data=encode(Action.ANSWER, keys.index, argument))]
    ]


def render_answered(
    questionnaire: Questionnaire, state: State, question: Question, answer: Answer | None, lang: str
) -> str:
    """The question message after it was answered: the text and the chosen answer, no buttons."""
    lines = _body(questionnaire, state, question, lang)
    if question.type is not QuestionType.NOTE:
        lines += [
            "",
            escape(t("answered_marker", lang, answer=answer_label(question, answer, lang))),
        ]
    return "\n".join(lines)


def _scale_label(value: float | int, lang: str) -> str:
    return format_number(value, lang)


def _answer_rows(
    question: Question,
    index: int,
    existing: Answer | None,
    lang: str,
    selection: frozenset[int] | None,
    shown: frozenset[str] | None = None,
    first: object = None,
) -> list[list[InlineKeyboardButton]]:
    current = existing.value if existing and existing.status is AnswerStatus.ANSWERED else None
    # Positions stay those of the full list, so a payload always names the same choice.
    choices = [
        (position, choice)
        for position, choice in enumerate(question.choices)
        if shown is None or choice.value in shown
    ]
    if first is not None:
        choices.sort(key=lambda item: item[1].value != first)
    match question.type:
        case QuestionType.SCALE:
            values = question.scale_values()
            whole = all(isinstance(value, int) for value in values)
            buttons = [
                InlineKeyboardButton(
                    f"✓{_scale_label(value, lang)}"
                    if current == value
                    else _scale_label(value, lang),
                    # A whole value is its own payload; a step like 0.5 sends its position.
                    callback_data=encode(
                        Action.ANSWER,
                        index,
                        int(value) if whole else f"{SCALE_POSITION}{position}",
                    ),
                )
                for position, value in enumerate(values)
            ]
            per_row = SCALE_ROW if len(buttons) > 6 else len(buttons)
            rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
            if question.allow_dont_know:
                rows.append([_dont_know_button(index, existing, lang)])
            return rows
        case QuestionType.SINGLE_CHOICE:
            rows = [
                [
                    InlineKeyboardButton(
                        _label(("✓ " if current == choice.value else "") + choice.label.get(lang)),
                        callback_data=encode(Action.ANSWER, index, position),
                    )
                ]
                for position, choice in choices
            ]
            if question.allow_dont_know:
                rows.append([_dont_know_button(index, existing, lang)])
            return rows
        case QuestionType.MULTIPLE_CHOICE:
            if selection is None:
                chosen = set(current) if isinstance(current, tuple) else set()
                selection = frozenset(
                    i for i, c in enumerate(question.choices) if c.value in chosen
                )
            rows = [
                [
                    InlineKeyboardButton(
                        _label(("☑ " if position in selection else "☐ ") + choice.label.get(lang)),
                        callback_data=encode(Action.TOGGLE, index, mask_of(selection ^ {position})),
                    )
                ]
                for position, choice in choices
            ]
            rows.append(
                [
                    InlineKeyboardButton(
                        t("btn_done", lang),
                        callback_data=encode(Action.DONE, index, mask_of(selection)),
                    )
                ]
            )
            if question.allow_dont_know:
                rows.append([_dont_know_button(index, existing, lang)])
            return rows
        case QuestionType.NOTE:
            return [
                [
                    InlineKeyboardButton(
                        t("btn_next", lang), callback_data=encode(Action.NEXT, index)
                    )
                ]
            ]
        case _:
            if question.allow_dont_know:
                return [[_dont_know_button(index, existing, lang)]]
            return []


def _dont_know_button(index: int, existing: Answer | None, lang: str) -> InlineKeyboardButton:
    chosen = existing is not None and existing.status is AnswerStatus.DONT_KNOW
    label = ("✓ " if chosen else "") + t("btn_dont_know", lang)
    return InlineKeyboardButton(label, callback_data=encode(Action.DONT_KNOW, index))


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"
