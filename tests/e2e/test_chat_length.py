"""A short chat: a full default run stays near one message per question, changes add none.

Issue 16 point 2 (and 6): Back, /tinjau, /lanjut and a reminder's button reuse the
message of the question instead of sending copies; at most one message has live answer
buttons at any time; a double tap never answers two questions.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from bot.context import WipApplication
from sandbox import ChatMessage, Sandbox
from storage.db import create_engine, create_session_factory
from storage.models import Answer, Response
from tests.e2e.harness import Person, SeededWorkshop, new_person

# Callback actions of a question's own buttons (bot.views.callback_data.Action).
ANSWER_ACTIONS = {"a", "m", "M", "d", "s", "b", "n"}
EXTRA_MESSAGES = 8  # the goal: at most questions + 8 bot messages in a clean run


def _actions(message: ChatMessage) -> list[str]:
    return [
        (button.callback_data or "").partition(":")[0] for row in message.buttons for button in row
    ]


def _live(messages: list[ChatMessage]) -> list[ChatMessage]:
    """The messages whose answer buttons still work."""
    return [m for m in messages if ANSWER_ACTIONS & set(_actions(m))]


SEEN_TWO_LIVE: list[list[str]] = []  # every snapshot with two live messages, for the assert


def _settled(messages: list[ChatMessage], before: tuple[Any, ...]) -> bool:
    """The bot has finished the step: something changed and one question (or the
    «all answered» message) is on screen; a snapshot with two live questions is noted."""
    live = _live(messages)
    if len(live) > 1:
        SEEN_TWO_LIVE.append([m.text[:40] for m in live])
    if _signature(messages) == before:
        return False
    ready = bool(messages) and bool(_data(messages[-1], "submit")) and not _data(messages[-1], "g")
    return len(live) == 1 or ready


def _signature(messages: list[ChatMessage]) -> tuple[Any, ...]:
    return tuple(
        (m.message_id, m.text, tuple(b.callback_data for row in m.buttons for b in row))
        for m in _live(messages)
    )


def _data(message: ChatMessage, action: str) -> list[str]:
    return [
        button.callback_data or ""
        for row in message.buttons
        for button in row
        if (button.callback_data or "").partition(":")[0] == action
    ]


async def _one_live(person: Person) -> ChatMessage:
    live = _live(await person.bot_messages())
    assert len(live) == 1, [m.text[:60] for m in live]
    return live[0]


async def _answer_current(person: Person) -> None:
    """Answers whatever question has live buttons, as a quick person would."""
    messages = await person.bot_messages()
    before = _signature(messages)
    live = await _one_live(person)
    if _data(live, "n"):
        await person.press(callback_data=_data(live, "n")[0], message_id=live.message_id)
    elif _data(live, "a"):
        answers = _data(live, "a")
        await person.press(callback_data=answers[len(answers) // 2], message_id=live.message_id)
    elif _data(live, "m"):
        await person.press(callback_data=_data(live, "m")[0], message_id=live.message_id)
        ticked = await person.until(lambda ms: _settled(ms, before))
        live = _live(ticked)[0]
        before = _signature(ticked)
        await person.press(callback_data=_data(live, "M")[0], message_id=live.message_id)
    elif _data(live, "s"):
        await person.press(callback_data=_data(live, "s")[0], message_id=live.message_id)
    else:
        await person.send("12")
    await person.until(lambda ms: _settled(ms, before))


async def _press(person: Person, message: ChatMessage, action: str) -> None:
    before = _signature(await person.bot_messages())
    await person.press(callback_data=_data(message, action)[0], message_id=message.message_id)
    await person.until(lambda ms: _settled(ms, before))


async def _press_and_wait_answer(person: Person, message: ChatMessage, action: str) -> None:
    """Presses a button whose work may change nothing on screen; waits for its answer."""
    pressed = await person.inner.press(
        callback_data=_data(message, action)[0], message_id=message.message_id
    )
    for _ in range(400):
        if (await person.client.callback_answer(pressed.callback_query_id)).answered:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the press was never answered")


async def _count(person: Person) -> int:
    return len(await person.bot_messages())


async def _open(person: Person, code: str, lang: str) -> None:
    await person.send(f"/start {code}")
    consent = await person.until(lambda ms: bool(ms) and bool(_data(ms[-1], "consent")))
    if lang == "en":
        await person.press(callback_data="clang:en", message_id=consent[-1].message_id)
        consent = await person.until(lambda ms: "consent:en" in _data(ms[-1], "consent"))
    await person.press(callback_data=f"consent:{lang}", message_id=consent[-1].message_id)
    await person.until(lambda ms: len(_live(ms)) == 1)


async def _answers(db_url: str, participant_id: int) -> dict[str, tuple[str, object]]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Answer.question_id, Answer.status, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.participant_id == participant_id)
            )
            return {qid: (status, value) for qid, status, value in rows}
    finally:
        await engine.dispose()


def _review_position(message: ChatMessage) -> str:
    """The «k/n» page button of a review page."""
    return next(b for b in message.button_texts if "/" in b and b[0].isdigit())


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_a_full_default_run_stays_short_and_changes_add_no_messages(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, lang: str
) -> None:
    invitee = seeded.invitees[1]
    person = await new_person(sandbox.client, "Bambang", language_code=lang)
    await _open(person, invitee.invite_code, lang)
    questions_shown: set[str] = set()
    review_checked = back_checked = False
    while True:
        messages = await person.bot_messages()
        live = _live(messages)
        if not live:
            break
        assert len(live) == 1, "one message with live answer buttons at a time"
        questions_shown.add(live[0].text.split("\n", 1)[0])
        if not back_checked and len(questions_shown) == 6:
            # Back twice, then answer again: the same message shows each question.
            count = await _count(person)
            # (after a changed answer the next unanswered question comes back)
            current = await _one_live(person)
            for backs in (2, 1):
                for _ in range(backs):
                    await _press(person, await _one_live(person), "b")
                await _answer_current(person)
                assert await _count(person) == count, "Back and a new answer add no message"
                again = await _one_live(person)
                assert (again.message_id, again.text) == (current.message_id, current.text)
            back_checked = True
            continue
        if not review_checked and live[0].text.split(" · ", 1)[0].endswith(" 2/5"):
            # The first question of part 2: /tinjau opens part 1, where the answers are.
            await person.send("/tinjau")
            page = (await person.until(lambda ms: bool(_data(ms[-1], "g"))))[-1]
            assert _review_position(page) == "1/5"
            count = await _count(person)
            for position in (0, 2, 1):
                page = next(
                    m for m in await person.bot_messages() if m.message_id == page.message_id
                )
                before = _signature(await person.bot_messages())
                await person.press(
                    callback_data=_data(page, "g")[position], message_id=page.message_id
                )
                await person.until(lambda ms, b=before: _settled(ms, b))
                assert (await _one_live(person)).message_id == page.message_id
                await _answer_current(person)
                back = next(
                    m for m in await person.bot_messages() if m.message_id == page.message_id
                )
                assert _data(back, "g"), "the review page comes back with its buttons"
                assert _review_position(back) == "1/5", "the same review page"
                assert len(_live(await person.bot_messages())) == 1
            assert await _count(person) == count, "changes through /tinjau add no message"
            question = await _one_live(person)
            await _press_and_wait_answer(person, back, "resume")
            assert (await _one_live(person)).message_id == question.message_id
            assert await _count(person) == count, "«Continue» brings up the question in place"
            review_checked = True
            continue
        await _answer_current(person)
    assert not SEEN_TWO_LIVE, SEEN_TWO_LIVE
    assert back_checked and review_checked, [
        (m.message_id, m.text[:80], _actions(m)) for m in await person.chat()
    ][-8:]
    await person.send("/kirim")
    confirm = (await person.until(lambda ms: bool(_data(ms[-1], "submit_yes"))))[-1]
    await person.press(callback_data="submit_yes", message_id=confirm.message_id)
    await person.until(
        lambda ms: not _data(ms[-1], "submit_yes") and ms[-1].message_id > confirm.message_id
    )
    total = await _count(person)
    questionnaire = seeded.questionnaire
    assert len(questions_shown) <= len(questionnaire.questions)
    # One review page (/tinjau) is part of the run; it is within the allowance.
    assert total <= len(questions_shown) + EXTRA_MESSAGES, (total, len(questions_shown))


async def _tap(sandbox: Sandbox, person: Person, message: ChatMessage, data: str, n: int) -> None:
    await sandbox.client.inject_update(
        {
            "callback_query": {
                "id": f"double-{message.message_id}-{n}",
                "from": {"id": person.user_id, "is_bot": False, "first_name": "Rina"},
                "chat_instance": "9",
                "data": data,
                "message": {
                    "message_id": message.message_id,
                    "date": 0,
                    "chat": {"id": person.user_id, "type": "private"},
                    "text": message.text,
                },
            }
        }
    )


async def _double_tap(sandbox: Sandbox, person: Person, message: ChatMessage, data: str) -> None:
    """Two presses of one button 50 ms apart, as a phone that has not yet seen the edit."""
    await _tap(sandbox, person, message, data, 1)
    await asyncio.sleep(0.05)
    await _tap(sandbox, person, message, data, 2)


async def test_a_double_tap_never_answers_two_questions_even_on_an_edited_question(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    invitee = seeded.invitees[2]
    person = await new_person(sandbox.client, "Rina")
    await _open(person, invitee.invite_code, "id")
    questionnaire = seeded.questionnaire
    while not _data(await _one_live(person), "a") or (await _one_live(person)).text.split(" · ", 1)[
        0
    ].endswith(" 1/5"):
        await _answer_current(person)
    first = await _one_live(person)
    data = _data(first, "a")[2]
    first_id = questionnaire.questions[int(data.split(":")[1])].id
    await _double_tap(sandbox, person, first, data)
    await person.until(lambda ms: _live(ms) and _live(ms)[0].message_id != first.message_id)
    second = await _one_live(person)
    second_id = questionnaire.questions[int(_data(second, "a")[0].split(":")[1])].id
    await _press(person, second, "b")  # the same message now shows the first question
    edited = await _one_live(person)
    assert edited.message_id == second.message_id
    again = _data(edited, "a")[5]
    assert questionnaire.questions[int(again.split(":")[1])].id == first_id
    await _double_tap(sandbox, person, edited, again)
    await person.until(
        lambda ms: (
            f"a:{questionnaire.index_of(second_id)}:" in str(_data(_live(ms)[0], "a"))
            if _live(ms)
            else False
        )
    )
    answers = await _answers(migrated_db_url, invitee.participant_id)
    assert answers[first_id][0] == "answered"
    assert second_id not in answers, "the second tap did not answer the next question"
    live = await _one_live(person)
    assert live.message_id == second.message_id and "✅" not in live.text


async def test_lanjut_brings_the_question_up_in_place_and_sends_it_only_once_scrolled_away(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> None:
    person = await new_person(sandbox.client, "Budi")
    await _open(person, seeded.invitees[3].invite_code, "id")
    while not _data(await _one_live(person), "a") or len(await person.bot_messages()) < 5:
        await _answer_current(person)
    question = await _one_live(person)
    count = await _count(person)
    await person.send("/lanjut")  # just below it: the same message stays, no copy
    await _answer_current(person)  # handled after /lanjut: the chat's updates go in order
    assert await _count(person) == count + 1, "only the next question was added"
    question = await _one_live(person)
    for word in ("hmm", "sebentar", "baik", "nanti"):  # unreadable answers: one re-ask each
        seen = await _count(person)
        await person.send(word)
        await person.until(lambda ms, n=seen: len(ms) > n)
    count = await _count(person)
    await person.send("/lanjut")  # scrolled away: sent anew below, the old copy dead
    shown = (await person.until(lambda ms, n=count: len(ms) > n and bool(_live(ms))))[-1]
    assert await _count(person) == count + 1
    assert shown.text.split("\n", 1)[0] == question.text.split("\n", 1)[0]
    assert (await _one_live(person)).message_id == shown.message_id
