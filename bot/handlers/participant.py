"""The participant's side of the chat: invitation, consent, questions, review, submission."""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.context import WipContext
from bot.handlers.common import current_staff, update_key
from bot.handlers.staff_tools import staff_help_text
from bot.i18n import normalise_language, t
from bot.invites import looks_like_code_attempt
from bot.questionnaire.engine import (
    InvalidAnswer,
    Resume,
    Submit,
    missing_required,
    progress,
    relevant_questions,
)
from bot.questionnaire.interpret import Raw, Refusal, Typed
from bot.questionnaire.model import QuestionType
from bot.services.code_locks import facilitator_names
from bot.services.journey import RedeemStatus, StepOutcome
from bot.services.participation import Participation
from bot.telegram.messages import answer_query, edit, edit_markup, reply, strip_keyboard
from bot.views.callback_data import (
    RESUME_FROM_REMINDER,
    Action,
    Payload,
    as_tap,
    decode,
    encode,
    indices_of,
    number,
)
from bot.views.html import t_html
from bot.views.participant import (
    consent_message,
    journey,
    render,
    review_page,
    review_section,
    send_consent,
    telegram_language,
)
from bot.views.question import render_question

log = logging.getLogger(__name__)

# Typed on their own, these ask for help rather than answer or give a code.
_HELP_WORDS = re.compile(
    r"\s*(?:/?\?+|bantuan|bantu|help|tolong|minta tolong|mohon bantuan(?:nya)?|"
    r"minta bantuan|perlu bantuan)\s*[.!?]*\s*",
    re.IGNORECASE,
)
# About how long one question takes, for "how long is left" in the help.
_SECONDS_PER_QUESTION = 20


def is_help_request(text: str) -> bool:
    """Tells whether a typed text asks for help ("bantuan", "help", "tolong", "?")."""
    return _HELP_WORDS.fullmatch(text) is not None


# --- commands ----------------------------------------------------------------------------


async def start(update: Update, context: WipContext) -> None:
    """Binds the invitation from a deep link, or asks for the code."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    payload = context.args[0] if context.args else ""
    if payload and looks_like_code_attempt(payload):
        await _redeem(update, context, payload, deep_link=True)
        return
    # A link whose payload cannot be a code counts as a plain /start (never an attempt).
    participation = await journey(context).participation(user.id)
    if participation is None:
        await message.reply_text(t("ask_code", telegram_language(user)))
    elif participation.participant.consent_at is None:
        await send_consent(message, participation, participation.language)
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
            t_html(
                "progress_line",
                lang,
                mark="✅" if done else ("◐" if section_counts.answered else "▫️"),
                title=section.title.get(lang),
                answered=section_counts.answered,
                total=section_counts.relevant,
            )
        )
    lines += ["", t("progress_submitted" if state.submitted else "progress_not_submitted", lang)]
    await reply(update, "\n".join(lines))


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
        await reply(update, t("review_empty", participation.language))
        return
    text, keyboard = review_page(participation, review_section(participation, answered))
    await reply(update, text, keyboard)


async def submit(update: Update, context: WipContext) -> None:
    """Asks for confirmation, or lists what is still missing."""
    participation = await _registered(update, context)
    if participation is None:
        return
    lang = participation.language
    if participation.state.submitted:
        await reply(update, t("already_submitted", lang))
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
    await reply(update, t("submit_confirm", lang), keyboard)


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
    await reply(update, t("language_prompt", telegram_language(user)), keyboard)


async def show_help(update: Update, context: WipContext) -> None:
    """How to answer and change an answer, how much is left, whom to ask in the room; staff
    get the staff help."""
    user = update.effective_user
    if await current_staff(update, context) is not None:
        await reply(update, staff_help_text(telegram_language(user)))
        return
    participation = await journey(context).participation(user.id) if user else None
    if participation is None:
        lang = telegram_language(user)
        left, ask = t("help_left_unregistered", lang), t("help_ask_anyone", lang)
        await reply(update, t("help", lang, left=left, ask=ask))
        return
    lang = participation.language
    counts = progress(participation.questionnaire, participation.state)
    remaining = counts.relevant - counts.answered
    if remaining > 0:
        minutes = max(1, round(remaining * _SECONDS_PER_QUESTION / 60))
        left = t("help_left", lang, left=remaining, total=counts.relevant, minutes=minutes)
    else:
        left = t("help_left_done", lang)
    names = await facilitator_names(context.services.read_sessions, participation.workshop.id)
    ask = (
        t("help_ask_facilitators", lang, names=escape(", ".join(names)))
        if names
        else t("help_ask_anyone", lang)
    )
    keyboard = None
    current = participation.state.current
    questionnaire = participation.questionnaire
    if (
        current
        and questionnaire.has_question(current)
        and questionnaire.question(current).hint is not None
    ):
        index = questionnaire.index_of(current)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("btn_explain", lang), callback_data=encode(Action.EXPLAIN, None, index)
                    )
                ]
            ]
        )
    await reply(update, t("help", lang, left=left, ask=ask), keyboard)


async def _explain(update: Update, context: WipContext, argument: str) -> None:
    """Shows the explanation (hint) of the question the help was asked at."""
    query = update.callback_query
    assert query is not None
    participation = await journey(context).participation(query.from_user.id)
    index = number(argument)
    if participation is None or index is None or index < 0:
        return
    lang = participation.language
    questionnaire = participation.questionnaire
    if index >= len(questionnaire.questions) or questionnaire.questions[index].hint is None:
        await reply(update, t("explain_none", lang))
        return
    question = questionnaire.questions[index]
    hint = question.hint
    assert hint is not None
    counted = [
        q.id
        for q in relevant_questions(questionnaire, participation.state)
        if q.type is not QuestionType.NOTE
    ]
    shown = counted.index(question.id) + 1 if question.id in counted else "?"
    await reply(update, t("explain", lang, number=shown, hint=escape(hint.get(lang))))


async def unknown_command(update: Update, context: WipContext) -> None:
    """Answers an unknown command politely and shows the current question again."""
    await _nudge(update, context, "unknown_command")


async def edited_message(update: Update, context: WipContext) -> None:
    """Explains that an edit changes nothing; an answer is changed through /tinjau.

    People fix typos by editing; taken as a new answer, an edited "12" would land on
    whatever question is current. Edits are never read as answers or commands.
    """
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    participation = await journey(context).participation(user.id)
    lang = participation.language if participation else telegram_language(user)
    await reply(update, t("edited_ignored", lang))
    raise ApplicationHandlerStop


async def unsupported_message(update: Update, context: WipContext) -> None:
    """Answers a sticker, photo, voice note... and shows the current question again."""
    await _nudge(update, context, "unsupported_message")


async def membership_changed(update: Update, context: WipContext) -> None:
    """Notes that a participant blocked the bot (no more reminders) or came back."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in ("kicked", "left")
    await journey(context).set_reachable(change.from_user.id, not blocked, update_key(update))


# --- typed text --------------------------------------------------------------------------


async def text_message(update: Update, context: WipContext) -> None:
    """Takes a typed answer, a typed invitation code, or nudges back to the buttons."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    text = message.text
    if is_help_request(text):
        await show_help(update, context)
        return
    participation = await journey(context).participation(user.id)
    if participation is None:
        if looks_like_code_attempt(text):
            await _redeem(update, context, text)
        else:
            await _code_prompt(update, context)
        return
    await _apply(update, context, Typed(text))


# --- buttons -----------------------------------------------------------------------------


async def button(update: Update, context: WipContext) -> None:
    """Dispatches a participant's button press: the work first, the query's answer after.

    Telegram refuses to answer a query that is too old (after a restart, a backlog, a slow
    network); the press must still do what it says, so the answer comes last and a refusal
    changes nothing.
    """
    query = update.callback_query
    if query is None:
        return
    payload = decode(query.data)
    if payload is None:
        await answer_query(query)
        return
    answer: str | None = None
    try:
        match payload.action:
            case Action.CONSENT:
                await _consent(update, context, payload.argument)
            case Action.DECLINE:
                await _decline(update, context, payload.argument)
            case Action.EXPLAIN:
                await _explain(update, context, payload.argument)
            case Action.CONSENT_LANGUAGE:
                await _switch_consent_language(update, context, payload.argument)
            case Action.LANGUAGE:
                await _set_language(update, context, payload.argument)
            case Action.SUBMIT:
                await submit(update, context)
            case Action.SUBMIT_CONFIRM:
                await _apply(update, context, Submit())
                await strip_keyboard(query.message)
            case Action.SUBMIT_CANCEL:
                participation = await journey(context).participation(query.from_user.id)
                lang = participation.language if participation else "id"
                await edit(query.message, t("submit_cancelled", lang), None)
            case Action.REVIEW:
                await _review_navigate(update, context, payload.argument)
            case Action.RESUME:
                await _apply(update, context, Resume())
                if payload.argument == RESUME_FROM_REMINDER:
                    await strip_keyboard(query.message)  # its one button has done its work
            case Action.TOGGLE:
                await _toggle(update, context, payload)
            case _:
                answer = await _question_button(update, context, payload)
    finally:
        await answer_query(query, answer)


async def _question_button(update: Update, context: WipContext, payload: Payload) -> str | None:
    """Applies a question's button; returns the short text the query is answered with."""
    query = update.callback_query
    assert query is not None
    tap = as_tap(payload)
    raw = tap if tap is not None else Refusal(reshow=False)
    outcome = await journey(context).apply(query.from_user.id, update_key(update), raw)
    await render(update, context, outcome, pressed=query.message)
    return _query_answer_text(outcome)


def _query_answer_text(outcome: StepOutcome) -> str | None:
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
    return text


async def _toggle(update: Update, context: WipContext, payload: Payload) -> None:
    """Ticks or unticks a multiple-choice option; nothing is stored until «Done»."""
    query = update.callback_query
    assert query is not None
    participation = await journey(context).participation(query.from_user.id)
    selection = indices_of(payload.argument)
    if participation is None or selection is None or payload.question_index is None:
        return
    questionnaire, state = participation.questionnaire, participation.state
    index = payload.question_index
    if index >= len(questionnaire.questions) or questionnaire.questions[index].id != state.current:
        await _apply(update, context, Resume(), notices=("stale_button",))
        return
    question = questionnaire.questions[index]
    if any(i >= len(question.choices) for i in selection):
        return
    rendered = render_question(
        questionnaire, state, question, participation.language, selection=selection
    )
    if isinstance(query.message, Message):
        await edit_markup(query.message, rendered.keyboard)


async def _consent(update: Update, context: WipContext, language: str) -> None:
    query = update.callback_query
    assert query is not None
    lang = normalise_language(language)
    outcome = await journey(context).consent(query.from_user.id, lang, update_key(update))
    if outcome.duplicate:  # handled before: the person's place is shown again
        await render(update, context, outcome)
        return
    if outcome.participation is None:
        await reply(update, t("not_registered", lang))
        return
    if isinstance(query.message, Message) and query.message.text:
        await edit(
            query.message, escape(query.message.text) + "\n\n" + t("consent_recorded", lang), None
        )
    await render(update, context, outcome)


async def _decline(update: Update, context: WipContext, language: str) -> None:
    """ "Tidak bersedia": noted, no reminders; the consent's buttons go, the door stays open."""
    query = update.callback_query
    assert query is not None
    lang = normalise_language(language)
    participation = await journey(context).decline(query.from_user.id, lang, update_key(update))
    if participation is None:
        return
    if isinstance(query.message, Message) and query.message.text:
        await edit(
            query.message, escape(query.message.text) + "\n\n" + t("consent_declined", lang), None
        )
    else:
        await reply(update, t("consent_declined", lang))


async def _switch_consent_language(update: Update, context: WipContext, language: str) -> None:
    query = update.callback_query
    assert query is not None
    participation = await journey(context).participation(query.from_user.id)
    if participation is None or not isinstance(query.message, Message):
        return
    text, keyboard = consent_message(participation, normalise_language(language))
    await edit(query.message, text, keyboard)


async def _set_language(update: Update, context: WipContext, language: str) -> None:
    query = update.callback_query
    assert query is not None
    lang = normalise_language(language)
    participation = await journey(context).set_language(
        query.from_user.id, lang, update_key(update)
    )
    if isinstance(query.message, Message):
        await edit(query.message, t("language_set", lang), None)
    if participation is not None and participation.participant.consent_at is not None:
        await _apply(update, context, Resume(), follow_up=True)


async def _review_navigate(update: Update, context: WipContext, argument: str) -> None:
    query = update.callback_query
    assert query is not None
    participation = await journey(context).participation(query.from_user.id)
    wanted = number(argument)
    if participation is None or wanted is None or wanted < 0:
        return
    section_index = min(wanted, len(participation.questionnaire.sections) - 1)
    text, keyboard = review_page(participation, section_index)
    if isinstance(query.message, Message):
        await edit(query.message, text, keyboard)


# --- shared helpers ----------------------------------------------------------------------


async def _code_prompt(update: Update, context: WipContext) -> None:
    """A greeting or a question instead of a code: asked kindly for the code or the QR."""
    user = update.effective_user
    if not await journey(context).first_delivery(update_key(update)):
        return
    await reply(update, t("code_prompt", telegram_language(user)))


async def _redeem(
    update: Update, context: WipContext, code_text: str, *, deep_link: bool = False
) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    outcome = await journey(context).redeem(
        user.id, code_text, update_key(update), deep_link=deep_link
    )
    lang = outcome.language or telegram_language(user)
    match outcome.status:
        case RedeemStatus.DUPLICATE:
            return
        case RedeemStatus.UNKNOWN:
            shown = escape(code_text.strip()[:32])
            await message.reply_text(t("code_unknown", lang, code=shown))
        case RedeemStatus.LOCKED:
            await message.reply_text(
                t("code_locked", lang, minutes=outcome.locked_minutes, account=user.id)
            )
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
                await send_consent(message, participation, participation.language)
            else:
                await _apply(update, context, Resume(), follow_up=True)


async def _registered(update: Update, context: WipContext) -> Participation | None:
    """Returns the sender's participation, or explains how to register."""
    user = update.effective_user
    if user is None:
        return None
    if not await journey(context).first_delivery(update_key(update)):
        return None
    participation = await journey(context).participation(user.id)
    if participation is None:
        await reply(update, t("not_registered", telegram_language(user)))
    elif participation.participant.consent_at is None:
        message = update.effective_message
        if message is not None:
            await reply(update, t("consent_first", participation.language))
            await send_consent(message, participation, participation.language)
        return None
    return participation


async def _apply(
    update: Update,
    context: WipContext,
    raw: Raw,
    *,
    notices: tuple[str, ...] = (),
    follow_up: bool = False,
) -> None:
    """Applies an input for the update; `follow_up` when the update was already recorded."""
    user = update.effective_user
    if user is None:
        return
    key = None if follow_up else update_key(update)
    outcome = await journey(context).apply(user.id, key, raw)
    await render(update, context, outcome, extra_notices=notices)


async def _nudge(update: Update, context: WipContext, notice: str) -> None:
    user = update.effective_user
    if user is None:
        return
    participation = await journey(context).participation(user.id)
    if participation is None:
        lang = telegram_language(user)
        if notice == "unknown_command":
            await reply(update, t(notice, lang))
        await reply(update, t("ask_code", lang))
        return
    await _apply(update, context, Refusal(notice=notice))
