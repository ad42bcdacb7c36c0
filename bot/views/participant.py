"""What a participant sees: consent, questions, the review page, and what a step did.

Used by the participant handlers and by the reminder job (`show_current_question`), so
a job never reaches into handler code. Everything shown here is already committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.context import WipContext
from bot.formatting import format_number
from bot.i18n import CATALOG, normalise_language, t
from bot.notices import format_day
from bot.questionnaire.engine import (
    AlreadySubmitted,
    AnswerInput,
    AnswerRecorded,
    AskQuestion,
    CannotGoTo,
    InvalidAnswer,
    MissingRequired,
    NotCurrentQuestion,
    ReadyToSubmit,
    Resume,
    Submitted,
    progress,
    relevant_questions,
)
from bot.questionnaire.model import Question, QuestionType
from bot.questionnaire.phrasing import reask
from bot.services.journey import Journey, StepOutcome
from bot.services.participation import Participation
from bot.telegram.messages import edit_by_id, send_to, strip_keyboard, strip_keyboard_by_id
from bot.telegram.sending import SendStatus, classify_failure, retry_after_seconds
from bot.views.callback_data import Action, encode
from bot.views.question import (
    answer_label,
    instruction,
    render_answered,
    render_question,
)

log = logging.getLogger(__name__)


def journey(context: WipContext) -> Journey:
    """The participant use cases bound to this application's services."""
    services = context.services
    return Journey(
        services.sessions,
        services.questionnaires,
        services.clock,
        services.read_sessions,
        messages=services.question_messages,
        answer_cache=services.answer_cache,
    )


def telegram_language(user: User | None) -> str:
    """The language of the person's Telegram app, as one the bot speaks."""
    return normalise_language(user.language_code if user else None)


REVIEW_TEXT_LIMIT = 90


QUESTION_SEND_ATTEMPTS = 2


QUESTION_RETRY_MAX_WAIT_SECONDS = 5.0  # a longer flood wait: the apology and /lanjut


QUESTION_RETRY_PAUSE_SECONDS = 0.5


MISSING_LIST_LIMIT = 10


def consent_message(participation: Participation, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    workshop = participation.workshop
    province = workshop.province_name_id if lang == "id" else workshop.province_name_en
    title = t("consent_workshop", lang, province=province)
    counted = progress(participation.questionnaire, participation.state).relevant
    text = t(
        "welcome_consent",
        lang,
        name=escape(participation.participant.name),
        workshop=escape(f"{title}, {format_day(workshop.date, lang)}"),
        count=counted,
    )
    other = "en" if lang == "id" else "id"
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("btn_agree", lang), callback_data=encode(Action.CONSENT, None, lang)
                ),
                InlineKeyboardButton(
                    t("btn_decline", lang), callback_data=encode(Action.DECLINE, None, lang)
                ),
            ],
            [
                InlineKeyboardButton(
                    t("btn_switch_language", lang),
                    callback_data=encode(Action.CONSENT_LANGUAGE, None, other),
                )
            ],
        ]
    )
    return text, keyboard


async def send_consent(message: Message, participation: Participation, lang: str) -> None:
    text, keyboard = consent_message(participation, lang)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def review_page(
    participation: Participation, section_index: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = participation.language
    questionnaire, state = participation.questionnaire, participation.state
    relevant = [
        q for q in relevant_questions(questionnaire, state) if q.type is not QuestionType.NOTE
    ]
    numbers = {q.id: n for n, q in enumerate(relevant, start=1)}
    section = questionnaire.sections[section_index]
    lines = [f"<b>{escape(t('review_title', lang, title=section.title.get(lang)))}</b>", ""]
    change_buttons = []
    for question in section.questions:
        if question.id not in numbers:
            continue
        text = question.text.get(lang)
        if len(text) > REVIEW_TEXT_LIMIT:
            text = text[: REVIEW_TEXT_LIMIT - 1] + "…"
        answer = answer_label(question, state.answer(question.id), lang)
        lines.append(
            escape(t("review_line", lang, number=numbers[question.id], text=text, answer=answer))
        )
        change_buttons.append(
            InlineKeyboardButton(
                str(numbers[question.id]),
                callback_data=encode(Action.GOTO, questionnaire.index_of(question.id)),
            )
        )
    rows: list[list[InlineKeyboardButton]] = []
    if not state.submitted and change_buttons:
        lines += ["", escape(t("review_pick", lang))]
        rows += [change_buttons[i : i + 6] for i in range(0, len(change_buttons), 6)]
    navigation = []
    if section_index > 0:
        navigation.append(
            InlineKeyboardButton("◀", callback_data=encode(Action.REVIEW, None, section_index - 1))
        )
    navigation.append(
        InlineKeyboardButton(
            f"{section_index + 1}/{len(questionnaire.sections)}",
            callback_data=encode(Action.REVIEW, None, section_index),
        )
    )
    if section_index < len(questionnaire.sections) - 1:
        navigation.append(
            InlineKeyboardButton("▶", callback_data=encode(Action.REVIEW, None, section_index + 1))
        )
    rows.append(navigation)
    if not state.submitted:
        rows.append(
            [
                InlineKeyboardButton(t("btn_resume", lang), callback_data=encode(Action.RESUME)),
                InlineKeyboardButton(
                    t("btn_submit_now", lang), callback_data=encode(Action.SUBMIT)
                ),
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def render(
    update: Update,
    context: WipContext,
    outcome: StepOutcome,
    *,
    pressed: object = None,
    extra_notices: Sequence[str] = (),
) -> None:
    """Shows the participant what a step did, in order; all state is already committed."""
    if outcome.duplicate:
        return
    participation = outcome.participation
    user = update.effective_user
    if participation is None:
        await send_to(context.bot, user, t("not_registered", telegram_language(user)))
        return
    lang = participation.language
    chat_id = participation.participant.telegram_user_id or (user.id if user else 0)
    if outcome.needs_consent:
        await send_to(context.bot, user, t("consent_first", lang))
        text, keyboard = consent_message(participation, lang)
        await context.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        return
    if outcome.closed:
        workshop = participation.workshop
        name = workshop.province_name_id if lang == "id" else workshop.province_name_en
        await send_to(context.bot, user, t("workshop_closed", lang, workshop=name))
        return
    pressed_message = pressed if isinstance(pressed, Message) else None
    for notice in (*outcome.notices, *extra_notices):
        await send_to(context.bot, user, t(notice, lang))
    if outcome.no_step is not None:
        if outcome.no_step.notice:
            await send_to(context.bot, user, t(outcome.no_step.notice, lang))
        reask_id = outcome.no_step.reask
        if reask_id is not None and participation.questionnaire.has_question(reask_id):
            question = participation.questionnaire.question(reask_id)
            await send_to(context.bot, user, reask(question, lang, t))
        if outcome.no_step.reshow:
            await ask(
                context,
                participation,
                participation.state.current,
                outcome.previous_message_id,
                fresh=True,
            )
        return
    questionnaire, state = participation.questionnaire, participation.state
    handled_message: int | None = None
    for event in outcome.events:
        match event:
            case AnswerRecorded(question_id, answer, _):
                target = pressed_message.message_id if pressed_message else None
                if target is None and question_id == outcome.previous_question_id:
                    target = outcome.previous_message_id
                if target is not None:
                    question = questionnaire.question(question_id)
                    await edit_by_id(
                        context.bot,
                        chat_id,
                        target,
                        render_answered(questionnaire, state, question, answer, lang),
                    )
                    handled_message = target
            case InvalidAnswer(question_id, code, params):
                typed = outcome.engine_input
                shown = str(typed.value) if isinstance(typed, AnswerInput) else ""
                question = questionnaire.question(question_id)
                problem = invalid_text(question, code.value, {**params, "text": shown}, lang)
                await send_to(context.bot, user, f"{problem}\n{instruction(question, lang)}")
            case AskQuestion(question_id):
                previous = outcome.previous_message_id
                if pressed_message is not None and pressed_message.message_id != handled_message:
                    await strip_keyboard(pressed_message)
                    handled_message = pressed_message.message_id
                if previous is not None and previous != handled_message:
                    await strip_keyboard_by_id(context.bot, chat_id, previous)
                await ask(context, participation, question_id, None, fresh=False)
            case ReadyToSubmit():
                await send_ready(context, chat_id, lang)
            case MissingRequired(question_ids):
                await send_to(context.bot, user, missing_text(participation, question_ids))
            case Submitted():
                await send_to(
                    context.bot, user, t("submitted", lang, name=participation.participant.name)
                )
            case AlreadySubmitted():
                await send_to(context.bot, user, t("already_submitted", lang))
            case NotCurrentQuestion() | CannotGoTo():
                await ask(
                    context, participation, state.current, outcome.previous_message_id, fresh=True
                )


async def show_current_question(context: WipContext, telegram_user_id: int) -> None:
    """Shows the participant's current question again as a new message (after a reminder).

    The place is kept (same question, answers so far); the older copy loses its buttons.
    """
    outcome = await journey(context).apply(telegram_user_id, None, Resume())
    participation = outcome.participation
    if participation is None or outcome.needs_consent or outcome.closed:
        return
    await ask(
        context,
        participation,
        participation.state.current,
        outcome.previous_message_id,
        fresh=True,
    )


async def ask(
    context: WipContext,
    participation: Participation,
    question_id: str | None,
    previous_message_id: int | None,
    *,
    fresh: bool,
) -> None:
    """Sends the question as a new message and remembers which message shows it."""
    chat_id = participation.participant.telegram_user_id
    if chat_id is None:
        return
    lang = participation.language
    questionnaire, state = participation.questionnaire, participation.state
    if state.submitted:
        await context.bot.send_message(chat_id, t("already_submitted", lang))
        return
    if question_id is None or not questionnaire.has_question(question_id):
        await send_ready(context, chat_id, lang)
        return
    if fresh and previous_message_id is not None:
        await strip_keyboard_by_id(context.bot, chat_id, previous_message_id)
    rendered = render_question(questionnaire, state, questionnaire.question(question_id), lang)
    sent = await send_question(context, chat_id, rendered.text, rendered.keyboard)
    if participation.response is not None:
        journey(context).record_message(participation.response.id, sent.message_id)


async def send_question(
    context: WipContext, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None
) -> Message:
    """Sends the next question; a send Telegram provably did not take (a 429 asking for a
    short wait, a 5xx, no connection) is tried once more, so a passing fault does not
    leave the person with an apology and `/lanjut` to type. A timeout is not retried: the
    question may have arrived, and a second copy would be confusing."""
    for attempt in range(QUESTION_SEND_ATTEMPTS):
        last = attempt == QUESTION_SEND_ATTEMPTS - 1
        try:
            return await context.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            if last or wait > QUESTION_RETRY_MAX_WAIT_SECONDS:
                raise
            await asyncio.sleep(wait)
        except NetworkError as exc:
            if isinstance(exc, BadRequest) or last:  # a BadRequest is a NetworkError too
                raise
            if classify_failure(exc).status is not SendStatus.NOT_SENT:
                raise
            log.info("question to %s not sent (%s); trying once more", chat_id, exc)
            await asyncio.sleep(QUESTION_RETRY_PAUSE_SECONDS)
    raise AssertionError("unreachable")  # pragma: no cover


async def send_ready(context: WipContext, chat_id: int, lang: str) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("btn_submit_now", lang), callback_data=encode(Action.SUBMIT)
                ),
                InlineKeyboardButton(
                    t("btn_review", lang), callback_data=encode(Action.REVIEW, None, 0)
                ),
            ]
        ]
    )
    await context.bot.send_message(chat_id, t("all_answered", lang), reply_markup=keyboard)


def missing_text(participation: Participation, question_ids: tuple[str, ...]) -> str:
    lang = participation.language
    questionnaire = participation.questionnaire
    items = []
    for question_id in question_ids[:MISSING_LIST_LIMIT]:
        text = questionnaire.question(question_id).text.get(lang)
        items.append("• " + (text if len(text) <= 70 else text[:69] + "…"))
    if len(question_ids) > MISSING_LIST_LIMIT:
        items.append(f"… (+{len(question_ids) - MISSING_LIST_LIMIT})")
    return t("submit_missing", lang, count=len(question_ids), items="\n".join(items))


def invalid_text(question: Question, code: str, params: object, lang: str) -> str:
    values: dict[str, object] = dict(params) if isinstance(params, dict) else {}
    values.setdefault("text", "")
    if len(str(values["text"])) > 40:
        values["text"] = str(values["text"])[:39] + "…"
    if "max_length" in values:
        values["max"] = values["max_length"]
    for key in ("min", "max"):
        if isinstance(values.get(key), int | float):
            values[key] = format_number(values[key], lang)  # type: ignore[arg-type]
    if code == "constraint_failed" and question.constraint_message is not None:
        return question.constraint_message.get(lang)
    if code == "empty" and question.type is QuestionType.MULTIPLE_CHOICE:
        code = "empty_selection"
    key = f"invalid_{code}" if f"invalid_{code}" in CATALOG else "invalid_other"
    return t(key, lang, **values)
