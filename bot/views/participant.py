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
    GoTo,
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
from bot.telegram.messages import (
    edit_by_id,
    lean,
    send_to,
    strip_keyboard,
    strip_keyboard_by_id,
)
from bot.telegram.sending import SendStatus, classify_failure, retry_after_seconds
from bot.views.callback_data import Action, encode
from bot.views.question import (
    answer_label,
    instruction,
    render_answered,
    render_question,
)
from bot.workshop_state import accepts_answers

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


def review_section(participation: Participation, answered: Sequence[str]) -> int:
    """The review page to open: the current question's section when it holds answers,
    else the section of the answer given last (never a section not yet started)."""
    questionnaire, state = participation.questionnaire, participation.state
    sections = [s.id for s in questionnaire.sections]

    def section_of(question_id: str) -> int:
        return sections.index(questionnaire.question(question_id).section_id)

    current = state.current
    if current and questionnaire.has_question(current):
        index = section_of(current)
        if any(section_of(q) == index for q in answered):
            return index
    if not answered:
        return 0
    latest = max(answered, key=lambda q: (state.answers[q].answered_at, questionnaire.index_of(q)))
    return section_of(latest)


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


FAR_MESSAGES = 6
"""A question this many messages above the newest one has scrolled away: shown anew."""


class _Placement:
    """Where one step's output goes: which messages are edited, which one is free."""

    def __init__(self, context: WipContext, participation: Participation, chat_id: int) -> None:
        self.context = context
        self.participation = participation
        self.chat_id = chat_id
        self.store = context.services.question_messages
        response = participation.response
        self.response_id = response.id if response is not None else None
        self.free: int | None = None  # a message that can show the next question
        self.back_to_review = False

    def record(self, message_id: int) -> None:
        if self.response_id is not None:
            self.store.remember(self.response_id, message_id)

    async def show_live(self, message_id: int, question_id: str) -> bool:
        """Edits the message into the question with its buttons; False if it cannot be."""
        participation = self.participation
        questionnaire, state = participation.questionnaire, participation.state
        rendered = render_question(
            questionnaire, state, questionnaire.question(question_id), participation.language
        )
        done = await edit_by_id(
            self.context.bot, self.chat_id, message_id, rendered.text, rendered.keyboard
        )
        if done:
            self.record(message_id)
        return done

    def park(self, question_id: str | None, message_id: int | None, keep: int | None) -> bool:
        if self.response_id is None or question_id is None or message_id is None:
            return False
        if message_id == keep:
            return False
        self.store.park(self.response_id, question_id, message_id)
        return True

    def unpark(self, question_id: str) -> int | None:
        if self.response_id is None:
            return None
        parked = self.store.unpark(self.response_id)
        return parked[1] if parked is not None and parked[0] == question_id else None


def _newest_id(update: Update) -> int | None:
    """The message the person is looking at: the one typed, or the one pressed."""
    query = update.callback_query
    if query is not None:
        return query.message.message_id if query.message is not None else None
    message = update.effective_message
    return message.message_id if message is not None else None


async def bring_up(
    context: WipContext,
    participation: Participation,
    question_id: str | None,
    current_id: int | None,
    newest_id: int | None,
) -> None:
    """Shows the current question where it is when near, else anew (the old copy loses
    its buttons); never two live copies."""
    chat_id = participation.participant.telegram_user_id
    if chat_id is None:
        return
    placement = _Placement(context, participation, chat_id)
    if (
        question_id is not None
        and not participation.state.submitted
        and participation.questionnaire.has_question(question_id)
    ):
        parked = placement.unpark(question_id)
        target = parked if parked is not None else current_id
        near = target is not None and (newest_id is None or newest_id - target <= FAR_MESSAGES)
        if target is not None and near and await placement.show_live(target, question_id):
            return
        if parked is not None and parked != current_id:
            current_id = parked
    await ask(context, participation, question_id, current_id, fresh=True)


async def render(
    update: Update,
    context: WipContext,
    outcome: StepOutcome,
    *,
    pressed: object = None,
    extra_notices: Sequence[str] = (),
) -> None:
    """Shows the participant what a step did, in order; all state is already committed.

    The chat stays short: a step that moves between questions (Back, a review's number,
    a stale button) edits the pressed message into the question, a changed answer is
    shown where it was first given, and a question opened from the review page turns
    back into that page once answered.
    """
    participation = outcome.participation
    if outcome.duplicate:
        # A redelivery of what was applied before: its reply may never have gone out (the
        # process died after the commit), so the current question is brought up again,
        # where it is if that message is known and near, so a reply that did go out is
        # edited into itself rather than repeated.
        if (
            participation is not None
            and participation.participant.consent_at is not None
            and accepts_answers(participation.phase)
            and not participation.state.submitted
        ):
            await bring_up(
                context,
                participation,
                participation.state.current,
                outcome.previous_message_id,
                _newest_id(update),
            )
        return
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
    newest = _newest_id(update)
    if outcome.no_step is not None:
        if outcome.no_step.notice:
            await send_to(context.bot, user, t(outcome.no_step.notice, lang))
        reask_id = outcome.no_step.reask
        if reask_id is not None and participation.questionnaire.has_question(reask_id):
            question = participation.questionnaire.question(reask_id)
            await send_to(context.bot, user, reask(question, lang, t))
        if outcome.no_step.reshow:
            # A notice was just sent below it: the question is shown anew under it.
            await ask(
                context,
                participation,
                participation.state.current,
                outcome.previous_message_id,
                fresh=True,
            )
        return
    questionnaire, state = participation.questionnaire, participation.state
    place = _Placement(context, participation, chat_id)
    handled_message: int | None = None
    answered = False
    for event in outcome.events:
        match event:
            case AnswerRecorded(question_id, answer, _):
                answered = True
                source = pressed_message.message_id if pressed_message else None
                if source is None and question_id == outcome.previous_question_id:
                    source = outcome.previous_message_id
                question = questionnaire.question(question_id)
                shown = render_answered(questionnaire, state, question, answer, lang)
                home = (
                    place.store.home(place.response_id, question_id)
                    if place.response_id is not None
                    else None
                )
                review = (
                    place.store.review(place.response_id) if place.response_id is not None else None
                )
                if home is not None and home != source:
                    await edit_by_id(context.bot, chat_id, home, shown)
                if review is not None and source == review[0]:
                    page, review_keyboard = review_page(participation, review[1])
                    await edit_by_id(context.bot, chat_id, source, page, review_keyboard)
                    assert place.response_id is not None
                    place.store.close_review(place.response_id)
                    place.back_to_review = True
                    handled_message = source
                elif home is not None and home != source:
                    place.free = source
                    handled_message = source
                elif source is not None:
                    await edit_by_id(context.bot, chat_id, source, shown)
                    if place.response_id is not None:
                        place.store.set_home(place.response_id, question_id, source)
                    handled_message = source
            case InvalidAnswer(question_id, code, params):
                typed = outcome.engine_input
                shown_text = str(typed.value) if isinstance(typed, AnswerInput) else ""
                question = questionnaire.question(question_id)
                problem = invalid_text(question, code.value, {**params, "text": shown_text}, lang)
                await send_to(context.bot, user, f"{problem}\n{instruction(question, lang)}")
            case AskQuestion(question_id) if isinstance(outcome.engine_input, Resume):
                await bring_up(
                    context, participation, question_id, outcome.previous_message_id, newest
                )
            case AskQuestion(question_id):
                previous = outcome.previous_message_id
                if not answered and pressed_message is not None:
                    # Back, a review's number or a stale button: the pressed message
                    # becomes the question; the one that showed it gives up its buttons.
                    target = pressed_message.message_id
                    from_review = isinstance(outcome.engine_input, GoTo) and not outcome.notices
                    if from_review and place.response_id is not None:
                        section = questionnaire.question(question_id).section_id
                        index = next(
                            i for i, s in enumerate(questionnaire.sections) if s.id == section
                        )
                        place.store.open_review(place.response_id, target, index)
                    if previous is not None and previous != target:
                        # Buttons off first: never two live questions, even for a moment.
                        await strip_keyboard_by_id(context.bot, chat_id, previous)
                        place.park(outcome.previous_question_id, previous, target)
                        handled_message = previous
                    if await place.show_live(target, question_id):
                        continue
                if place.free is not None and await place.show_live(place.free, question_id):
                    place.free = None
                    continue
                parked = place.unpark(question_id) if answered else None
                if parked is not None and await place.show_live(parked, question_id):
                    continue
                if pressed_message is not None and pressed_message.message_id != handled_message:
                    await strip_keyboard(pressed_message)
                    handled_message = pressed_message.message_id
                if previous is not None and previous != handled_message:
                    await strip_keyboard_by_id(context.bot, chat_id, previous)
                await ask(context, participation, question_id, None, fresh=False)
            case ReadyToSubmit():
                if place.free is not None:
                    text, keyboard = ready_message(lang)
                    await edit_by_id(context.bot, chat_id, place.free, text, keyboard)
                    place.free = None
                elif not place.back_to_review:
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
                await bring_up(
                    context, participation, state.current, outcome.previous_message_id, newest
                )


async def show_current_question(
    context: WipContext, telegram_user_id: int, newest_id: int | None = None
) -> None:
    """Brings up the participant's current question: where it is when near `newest_id`,
    else as a new message (the older copy loses its buttons). The place is kept."""
    outcome = await journey(context).apply(telegram_user_id, None, Resume())
    participation = outcome.participation
    if participation is None or outcome.needs_consent or outcome.closed:
        return
    await bring_up(
        context,
        participation,
        participation.state.current,
        outcome.previous_message_id,
        newest_id,
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
        journey(context).record_message(participation.response.id, sent)


async def send_question(
    context: WipContext, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None
) -> int:
    """Sends the next question and returns its message id; a send Telegram provably did
    not take (a 429 asking for a short wait, a 5xx, no connection) is tried once more, so
    a passing fault does not leave the person with an apology and `/lanjut` to type. A
    timeout is not retried: the question may have arrived, and a second copy would be
    confusing."""
    for attempt in range(QUESTION_SEND_ATTEMPTS):
        last = attempt == QUESTION_SEND_ATTEMPTS - 1
        try:
            return await lean(context.bot).send_text(chat_id, text, keyboard)
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
    text, keyboard = ready_message(lang)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


def ready_message(lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The «all answered» message with its two buttons."""
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
    return t("all_answered", lang), keyboard


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
