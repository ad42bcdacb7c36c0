"""The participant's side of the chat: invitation, consent, questions, review, submission."""

from __future__ import annotations

import asyncio
import logging
import re
from html import escape

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.context import WipContext
from bot.i18n import CATALOG, normalise_language, t
from bot.invites import looks_like_code_attempt
from bot.notices import format_day
from bot.questionnaire.engine import (
    Acknowledge,
    AlreadySubmitted,
    AnswerInput,
    AnswerRecorded,
    AskQuestion,
    Back,
    CannotGoTo,
    DontKnow,
    GoTo,
    Input,
    InvalidAnswer,
    MissingRequired,
    NotCurrentQuestion,
    ReadyToSubmit,
    Resume,
    Skip,
    Submit,
    Submitted,
    missing_required,
    progress,
    relevant_questions,
)
from bot.questionnaire.model import AnswerStatus, Question, QuestionType
from bot.services.journey import InputBuilder, Journey, NoStep, RedeemStatus, StepOutcome
from bot.services.participation import Participation
from bot.telegram.sending import SendStatus, classify_failure, retry_after_seconds
from bot.views.callback_data import Action, Payload, decode, encode, indices_of
from bot.views.question import (
    answer_label,
    format_number,
    instruction,
    render_answered,
    render_question,
)

log = logging.getLogger(__name__)

REVIEW_TEXT_LIMIT = 90
QUESTION_SEND_ATTEMPTS = 2
QUESTION_RETRY_MAX_WAIT_SECONDS = 5.0  # a longer flood wait: the apology and /lanjut
QUESTION_RETRY_PAUSE_SECONDS = 0.5
MISSING_LIST_LIMIT = 10
_DONT_KNOW_WORDS = {"tidak tahu", "tdk tahu", "tidak tau", "tt", "don't know", "dont know", "dk"}


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


def _telegram_language(user: User | None) -> str:
    return normalise_language(user.language_code if user else None)


# --- commands ----------------------------------------------------------------------------


async def start(update: Update, context: WipContext) -> None:
    """Binds the invitation from a deep link, or asks for the code."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    payload = context.args[0] if context.args else ""
    if payload:
        await _redeem(update, context, payload)
        return
    participation = await journey(context).participation(user.id)
    if participation is None:
        await message.reply_text(t("ask_code", _telegram_language(user)))
    elif participation.participant.consent_at is None:
        await _send_consent(message, participation, participation.language)
    else:
        await _apply(update, context, Resume())


async def resume(update: Update, context: WipContext) -> None:
    """Shows the current question again."""
    await _apply(update, context, Resume())


async def show_progress(update: Update, context: WipContext) -> None:
    """Shows the participant's progress by section."""
    participation = await _registered(update, context)
    if participation is None:
        return
    lang = participation.language
    state, questionnaire = participation.state, participation.questionnaire
    counts = progress(questionnaire, state)
    lines = [t("progress_title", lang, answered=counts.answered, total=counts.relevant), ""]
    for section, section_counts in zip(questionnaire.sections, counts.sections, strict=True):
        if section_counts.relevant == 0:
            continue
        done = section_counts.answered == section_counts.relevant
        lines.append(
            t(
                "progress_line",
                lang,
                mark="✅" if done else ("◐" if section_counts.answered else "▫️"),
                title=section.title.get(lang),
                answered=section_counts.answered,
                total=section_counts.relevant,
            )
        )
    lines += ["", t("progress_submitted" if state.submitted else "progress_not_submitted", lang)]
    await _reply(update, "\n".join(lines))


async def review(update: Update, context: WipContext) -> None:
    """Lists the answers of one section with buttons to change them."""
    participation = await _registered(update, context)
    if participation is None:
        return
    answered = [
        q
        for q in participation.state.answers
        if participation.questionnaire.has_question(q)
        and participation.questionnaire.question(q).type is not QuestionType.NOTE
    ]
    if not answered:
        await _reply(update, t("review_empty", participation.language))
        return
    section_index = 0
    current = participation.state.current
    if current and participation.questionnaire.has_question(current):
        section_id = participation.questionnaire.question(current).section_id
        section_index = next(
            i for i, s in enumerate(participation.questionnaire.sections) if s.id == section_id
        )
    text, keyboard = _review_page(participation, section_index)
    await _reply(update, text, keyboard)


async def submit(update: Update, context: WipContext) -> None:
    """Asks for confirmation, or lists what is still missing."""
    participation = await _registered(update, context)
    if participation is None:
        return
    lang = participation.language
    if participation.state.submitted:
        await _reply(update, t("already_submitted", lang))
        return
    if missing_required(participation.questionnaire, participation.state):
        await _apply(update, context, Submit(), follow_up=True)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("btn_confirm_submit", lang), callback_data=encode(Action.SUBMIT_CONFIRM)
                ),
                InlineKeyboardButton(
                    t("btn_cancel", lang), callback_data=encode(Action.SUBMIT_CANCEL)
                ),
            ]
        ]
    )
    await _reply(update, t("submit_confirm", lang), keyboard)


async def choose_language(update: Update, context: WipContext) -> None:
    """Offers the two languages."""
    user = update.effective_user
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("btn_lang_id", "id"), callback_data=encode(Action.LANGUAGE, None, "id")
                ),
                InlineKeyboardButton(
                    t("btn_lang_en", "en"), callback_data=encode(Action.LANGUAGE, None, "en")
                ),
            ]
        ]
    )
    await _reply(update, t("language_prompt", _telegram_language(user)), keyboard)


async def show_help(update: Update, context: WipContext) -> None:
    """Lists the commands."""
    user = update.effective_user
    participation = await journey(context).participation(user.id) if user else None
    lang = participation.language if participation else _telegram_language(user)
    await _reply(update, t("help", lang))


async def unknown_command(update: Update, context: WipContext) -> None:
    """Answers an unknown command politely and shows the current question again."""
    await _nudge(update, context, "unknown_command")


async def unsupported_message(update: Update, context: WipContext) -> None:
    """Answers a sticker, photo, voice note... and shows the current question again."""
    await _nudge(update, context, "unsupported_message")


async def membership_changed(update: Update, context: WipContext) -> None:
    """Notes that a participant blocked the bot (no more reminders) or came back."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in ("kicked", "left")
    await journey(context).set_reachable(change.from_user.id, not blocked, update.update_id)


# --- typed text --------------------------------------------------------------------------


async def text_message(update: Update, context: WipContext) -> None:
    """Takes a typed answer, a typed invitation code, or nudges back to the buttons."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    text = message.text
    participation = await journey(context).participation(user.id)
    if participation is None:
        if looks_like_code_attempt(text):
            await _redeem(update, context, text)
        else:
            await message.reply_text(t("ask_code", _telegram_language(user)))
        return
    await _apply(update, context, lambda p: _typed_input(p, text))


def _typed_input(participation: Participation, text: str) -> Input | NoStep:
    state, questionnaire = participation.state, participation.questionnaire
    if state.submitted:
        return Resume()
    if state.current is None or not questionnaire.has_question(state.current):
        return Resume()
    question = questionnaire.question(state.current)
    cleaned = text.strip()
    if question.allow_dont_know and cleaned.lower() in _DONT_KNOW_WORDS:
        return DontKnow(question.id)
    match question.type:
        case QuestionType.INTEGER | QuestionType.DECIMAL | QuestionType.TEXT:
            return AnswerInput(question.id, text)
        case QuestionType.SCALE if re.fullmatch(r"[+-]?\d+", cleaned):
            return AnswerInput(question.id, cleaned)
        case QuestionType.SINGLE_CHOICE:
            choice = _match_choice(question, cleaned)
            if choice is not None:
                return AnswerInput(question.id, choice)
    return NoStep(notice="use_buttons")


def _match_choice(question: Question, text: str) -> str | None:
    lowered = text.casefold()
    for choice in question.choices:
        if lowered in (choice.value.casefold(), choice.label.id.casefold()) or (
            choice.label.en is not None and lowered == choice.label.en.casefold()
        ):
            return choice.value
    return None


# --- buttons -----------------------------------------------------------------------------


async def button(update: Update, context: WipContext) -> None:
    """Dispatches a participant's button press."""
    query = update.callback_query
    if query is None:
        return
    payload = decode(query.data)
    if payload is None:
        await query.answer()
        return
    match payload.action:
        case Action.CONSENT:
            await _consent(update, context, payload.argument)
        case Action.CONSENT_LANGUAGE:
            await _switch_consent_language(update, context, payload.argument)
        case Action.LANGUAGE:
            await _set_language(update, context, payload.argument)
        case Action.SUBMIT:
            await query.answer()
            await submit(update, context)
        case Action.SUBMIT_CONFIRM:
            await query.answer()
            await _strip_keyboard(query.message)
            await _apply(update, context, Submit())
        case Action.SUBMIT_CANCEL:
            await query.answer()
            participation = await journey(context).participation(query.from_user.id)
            lang = participation.language if participation else "id"
            await _edit(query.message, t("submit_cancelled", lang), None)
        case Action.REVIEW:
            await _review_navigate(update, context, payload.argument)
        case Action.RESUME:
            await query.answer()
            await _apply(update, context, Resume())
        case Action.TOGGLE:
            await _toggle(update, context, payload)
        case _:
            await _question_button(update, context, payload)


async def _question_button(update: Update, context: WipContext, payload: Payload) -> None:
    query = update.callback_query
    assert query is not None
    notices: list[str] = []

    def build(participation: Participation) -> Input | NoStep:
        questionnaire, state = participation.questionnaire, participation.state
        index = payload.question_index
        if index is None or index >= len(questionnaire.questions):
            return NoStep(reshow=False)
        question = questionnaire.questions[index]
        if payload.action is Action.GOTO:
            return GoTo(question.id)
        tapped = _tapped_input(question, payload)
        if tapped is None:
            return NoStep(reshow=False)
        if state.submitted:
            return tapped
        if question.id != state.current:
            if _repeats_stored_answer(participation, question, tapped):
                return NoStep(notice="", reshow=False)
            # A button from an older message: never record it against the current
            # question; re-open the question it belongs to instead.
            notices.append("stale_button")
            return GoTo(question.id)
        return tapped

    outcome = await journey(context).apply(query.from_user.id, update.update_id, build)
    await _answer_query(query, outcome)
    outcome.notices.extend(notices)
    await _render(update, context, outcome, pressed=query.message)


def _tapped_input(question: Question, payload: Payload) -> Input | None:
    match payload.action:
        case Action.ANSWER:
            if question.type is QuestionType.SCALE and payload.argument.lstrip("-").isdigit():
                return AnswerInput(question.id, int(payload.argument))
            if question.type is QuestionType.SINGLE_CHOICE and payload.argument.isdigit():
                position = int(payload.argument)
                if position < len(question.choices):
                    return AnswerInput(question.id, question.choices[position].value)
            return None
        case Action.DONE:
            selected = indices_of(payload.argument)
            if selected is None or any(i >= len(question.choices) for i in selected):
                return None
            return AnswerInput(
                question.id, tuple(question.choices[i].value for i in sorted(selected))
            )
        case Action.DONT_KNOW:
            return DontKnow(question.id)
        case Action.SKIP:
            return Skip(question.id)
        case Action.BACK:
            return Back()
        case Action.NEXT:
            return Acknowledge(question.id)
    return None


def _repeats_stored_answer(participation: Participation, question: Question, tapped: Input) -> bool:
    stored = participation.state.answer(question.id)
    if stored is None:
        return False
    if isinstance(tapped, DontKnow):
        return stored.status is AnswerStatus.DONT_KNOW
    if isinstance(tapped, AnswerInput):
        return stored.status is AnswerStatus.ANSWERED and stored.value == tapped.value
    return isinstance(tapped, Acknowledge)


async def _answer_query(query: CallbackQuery, outcome: StepOutcome) -> None:
    lang = outcome.participation.language if outcome.participation else "id"
    text = None
    if outcome.no_step is not None and not outcome.no_step.reshow and not outcome.no_step.notice:
        text = "✓"
    for event in outcome.events:
        if isinstance(event, InvalidAnswer) and event.code.value in (
            "required",
            "dont_know_not_allowed",
        ):
            text = t(f"invalid_{event.code.value}", lang)
    try:
        await query.answer(text)
    except BadRequest:
        # An old query (over 15 minutes) cannot be answered; the rest still works.
        log.debug("callback query %s could not be answered", query.id)


async def _toggle(update: Update, context: WipContext, payload: Payload) -> None:
    """Ticks or unticks a multiple-choice option; nothing is stored until «Done»."""
    query = update.callback_query
    assert query is not None
    participation = await journey(context).participation(query.from_user.id)
    selection = indices_of(payload.argument)
    if participation is None or selection is None or payload.question_index is None:
        await query.answer()
        return
    questionnaire, state = participation.questionnaire, participation.state
    index = payload.question_index
    if index >= len(questionnaire.questions) or questionnaire.questions[index].id != state.current:
        await query.answer()
        await _apply(update, context, Resume(), notices=["stale_button"])
        return
    question = questionnaire.questions[index]
    if any(i >= len(question.choices) for i in selection):
        await query.answer()
        return
    rendered = render_question(
        questionnaire, state, question, participation.language, selection=selection
    )
    await query.answer()
    if isinstance(query.message, Message):
        await _edit_markup(query.message, rendered.keyboard)


async def _consent(update: Update, context: WipContext, language: str) -> None:
    query = update.callback_query
    assert query is not None
    lang = normalise_language(language)
    outcome = await journey(context).consent(query.from_user.id, lang, update.update_id)
    await query.answer()
    if outcome.duplicate:
        return
    if outcome.participation is None:
        await _reply(update, t("not_registered", lang))
        return
    if isinstance(query.message, Message) and query.message.text:
        await _edit(
            query.message, escape(query.message.text) + "\n\n" + t("consent_recorded", lang), None
        )
    await _render(update, context, outcome)


async def _switch_consent_language(update: Update, context: WipContext, language: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    participation = await journey(context).participation(query.from_user.id)
    if participation is None or not isinstance(query.message, Message):
        return
    text, keyboard = _consent_message(participation, normalise_language(language))
    await _edit(query.message, text, keyboard)


async def _set_language(update: Update, context: WipContext, language: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    lang = normalise_language(language)
    participation = await journey(context).set_language(query.from_user.id, lang, update.update_id)
    if isinstance(query.message, Message):
        await _edit(query.message, t("language_set", lang), None)
    if participation is not None and participation.participant.consent_at is not None:
        await _apply(update, context, Resume(), follow_up=True)


async def _review_navigate(update: Update, context: WipContext, argument: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    participation = await journey(context).participation(query.from_user.id)
    if participation is None or not argument.isdigit():
        return
    section_index = min(int(argument), len(participation.questionnaire.sections) - 1)
    text, keyboard = _review_page(participation, section_index)
    if isinstance(query.message, Message):
        await _edit(query.message, text, keyboard)


# --- rendering ----------------------------------------------------------------------------


def _consent_message(participation: Participation, lang: str) -> tuple[str, InlineKeyboardMarkup]:
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
                )
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


async def _send_consent(message: Message, participation: Participation, lang: str) -> None:
    text, keyboard = _consent_message(participation, lang)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def _review_page(
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


async def _render(
    update: Update,
    context: WipContext,
    outcome: StepOutcome,
    *,
    pressed: object = None,
) -> None:
    """Shows the participant what a step did, in order; all state is already committed."""
    if outcome.duplicate:
        return
    participation = outcome.participation
    user = update.effective_user
    if participation is None:
        await _send(context, user, t("not_registered", _telegram_language(user)))
        return
    lang = participation.language
    chat_id = participation.participant.telegram_user_id or (user.id if user else 0)
    if outcome.needs_consent:
        await _send(context, user, t("consent_first", lang))
        text, keyboard = _consent_message(participation, lang)
        await context.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        return
    if outcome.closed:
        workshop = participation.workshop
        name = workshop.province_name_id if lang == "id" else workshop.province_name_en
        await _send(context, user, t("workshop_closed", lang, workshop=name))
        return
    pressed_message = pressed if isinstance(pressed, Message) else None
    for notice in outcome.notices:
        await _send(context, user, t(notice, lang))
    if outcome.no_step is not None:
        if outcome.no_step.notice:
            await _send(context, user, t(outcome.no_step.notice, lang))
        if outcome.no_step.reshow:
            await _ask(
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
                    await _edit_by_id(
                        context,
                        chat_id,
                        target,
                        render_answered(questionnaire, state, question, answer, lang),
                    )
                    handled_message = target
            case InvalidAnswer(question_id, code, params):
                typed = outcome.engine_input
                shown = str(typed.value) if isinstance(typed, AnswerInput) else ""
                question = questionnaire.question(question_id)
                problem = _invalid_text(question, code.value, {**params, "text": shown}, lang)
                await _send(context, user, f"{problem}\n{instruction(question, lang)}")
            case AskQuestion(question_id):
                previous = outcome.previous_message_id
                if pressed_message is not None and pressed_message.message_id != handled_message:
                    await _strip_keyboard(pressed_message)
                    handled_message = pressed_message.message_id
                if previous is not None and previous != handled_message:
                    await _strip_keyboard_by_id(context, chat_id, previous)
                await _ask(context, participation, question_id, None, fresh=False)
            case ReadyToSubmit():
                await _send_ready(context, chat_id, lang)
            case MissingRequired(question_ids):
                await _send(context, user, _missing_text(participation, question_ids))
            case Submitted():
                await _send(
                    context, user, t("submitted", lang, name=participation.participant.name)
                )
            case AlreadySubmitted():
                await _send(context, user, t("already_submitted", lang))
            case NotCurrentQuestion() | CannotGoTo():
                await _ask(
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
    await _ask(
        context,
        participation,
        participation.state.current,
        outcome.previous_message_id,
        fresh=True,
    )


async def _ask(
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
        await _send_ready(context, chat_id, lang)
        return
    if fresh and previous_message_id is not None:
        await _strip_keyboard_by_id(context, chat_id, previous_message_id)
    rendered = render_question(questionnaire, state, questionnaire.question(question_id), lang)
    sent = await _send_question(context, chat_id, rendered.text, rendered.keyboard)
    if participation.response is not None:
        journey(context).record_message(participation.response.id, sent.message_id)


async def _send_question(
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


async def _send_ready(context: WipContext, chat_id: int, lang: str) -> None:
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


def _missing_text(participation: Participation, question_ids: tuple[str, ...]) -> str:
    lang = participation.language
    questionnaire = participation.questionnaire
    items = []
    for question_id in question_ids[:MISSING_LIST_LIMIT]:
        text = questionnaire.question(question_id).text.get(lang)
        items.append("• " + (text if len(text) <= 70 else text[:69] + "…"))
    if len(question_ids) > MISSING_LIST_LIMIT:
        items.append(f"… (+{len(question_ids) - MISSING_LIST_LIMIT})")
    return t("submit_missing", lang, count=len(question_ids), items="\n".join(items))


def _invalid_text(question: Question, code: str, params: object, lang: str) -> str:
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


# --- shared helpers ----------------------------------------------------------------------


async def _redeem(update: Update, context: WipContext, code_text: str) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    outcome = await journey(context).redeem(user.id, code_text, update.update_id)
    lang = outcome.language or _telegram_language(user)
    match outcome.status:
        case RedeemStatus.DUPLICATE:
            return
        case RedeemStatus.UNKNOWN:
            shown = escape(code_text.strip()[:32])
            await message.reply_text(t("code_unknown", lang, code=shown))
        case RedeemStatus.LOCKED:
            await message.reply_text(t("code_locked", lang, minutes=outcome.locked_minutes))
        case RedeemStatus.TAKEN:
            await message.reply_text(t("code_taken", lang))
        case RedeemStatus.OTHER_INVITATION:
            await message.reply_text(
                t("account_has_other_invitation", lang, name=outcome.other_name)
            )
        case RedeemStatus.BOUND:
            participation = outcome.participation
            assert participation is not None
            if participation.participant.consent_at is None:
                await _send_consent(message, participation, participation.language)
            else:
                await _apply(update, context, Resume(), follow_up=True)


async def _registered(update: Update, context: WipContext) -> Participation | None:
    """Returns the sender's participation, or explains how to register."""
    user = update.effective_user
    if user is None:
        return None
    if not await journey(context).first_delivery(update.update_id):
        return None
    participation = await journey(context).participation(user.id)
    if participation is None:
        await _reply(update, t("not_registered", _telegram_language(user)))
    elif participation.participant.consent_at is None:
        message = update.effective_message
        if message is not None:
            await _reply(update, t("consent_first", participation.language))
            await _send_consent(message, participation, participation.language)
        return None
    return participation


async def _apply(
    update: Update,
    context: WipContext,
    engine_input: Input | InputBuilder,
    *,
    notices: list[str] | None = None,
    follow_up: bool = False,
) -> None:
    """Applies an input for the update; `follow_up` when the update was already recorded."""
    user = update.effective_user
    if user is None:
        return
    update_id = None if follow_up else update.update_id
    outcome = await journey(context).apply(user.id, update_id, engine_input)
    if notices:
        outcome.notices.extend(notices)
    await _render(update, context, outcome)


async def _nudge(update: Update, context: WipContext, notice: str) -> None:
    user = update.effective_user
    if user is None:
        return
    participation = await journey(context).participation(user.id)
    if participation is None:
        lang = _telegram_language(user)
        if notice == "unknown_command":
            await _reply(update, t(notice, lang))
        await _reply(update, t("ask_code", lang))
        return
    await _apply(update, context, lambda p: NoStep(notice=notice))


async def _send(context: WipContext, user: User | None, text: str) -> None:
    if user is not None:
        await context.bot.send_message(user.id, text)


async def _reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await update.get_bot().send_message(
        chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def _edit(message: object, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    if not isinstance(message, Message):
        return
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        _ignore_edit_error(exc)


async def _edit_by_id(context: WipContext, chat_id: int, message_id: int, text: str) -> None:
    try:
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML
        )
    except BadRequest as exc:
        _ignore_edit_error(exc)


async def _edit_markup(message: Message, keyboard: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=keyboard)
    except BadRequest as exc:
        _ignore_edit_error(exc)


async def _strip_keyboard(message: object) -> None:
    if isinstance(message, Message) and message.reply_markup is not None:
        await _edit_markup(message, None)


async def _strip_keyboard_by_id(context: WipContext, chat_id: int, message_id: int) -> None:
    try:
        await context.bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except BadRequest as exc:
        _ignore_edit_error(exc)
    except Forbidden:
        pass


def _ignore_edit_error(exc: BadRequest) -> None:
    """Edits are cosmetic: an unchanged or vanished message is not a failure (never retried)."""
    message = str(exc).lower()
    if "not modified" in message or "not found" in message or "can't be edited" in message:
        return
    raise exc
