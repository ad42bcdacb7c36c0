"""An update delivered again after it was applied: nothing is applied twice, and the person
is never left without their question (its reply may never have gone out)."""

from __future__ import annotations

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import TypeHandler

from bot.context import WipApplication, WipContext
from sandbox import Sandbox
from sandbox.client import ChatMessage
from storage.db import create_engine, create_session_factory
from storage.models import Answer
from tests.e2e.harness import Person, SeededWorkshop
from tests.e2e.test_export import open_invitation

QUESTION_2 = "Sudah berapa tahun"


async def _answers(db_url: str, question_id: str) -> int:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            count = await session.scalar(
                select(func.count()).select_from(Answer).where(Answer.question_id == question_id)
            )
            return int(count or 0)
    finally:
        await engine.dispose()


async def _sector_answered(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop
) -> tuple[Person, Update, ChatMessage]:
    """Rina joins and answers the first question with a tap, and question 2 is shown; the
    tap's update is kept (as Telegram keeps what it was not told was handled)."""
    taps: list[Update] = []

    async def keep(update: Update, _context: WipContext) -> None:
        if update.callback_query is not None:
            taps.append(update)

    bot.add_handler(TypeHandler(Update, keep), group=-1)
    person = await open_invitation(sandbox, "Rina", seeded.invitees[0].invite_code)
    await person.press("Masyarakat Sipil")
    shown = await person.until_text(QUESTION_2)
    return person, taps[-1], shown


async def test_a_tap_delivered_again_after_its_reply_was_lost_brings_the_question_back(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person, tap, shown = await _sector_answered(sandbox, bot, seeded)
    # The bot died between the commit and its reply: the person never got question 2, and
    # Telegram, never told the update was handled, delivers the tap again.
    await bot.bot.delete_message(person.user_id, shown.message_id)
    await bot.process_update(tap)

    again = await person.until(
        lambda ms: bool(ms) and QUESTION_2 in ms[-1].text and ms[-1].message_id != shown.message_id
    )
    assert again[-1].buttons or "ketik" in again[-1].text.lower()
    assert await _answers(migrated_db_url, "sector") == 1
    # The question now shown works: the next answer goes on as usual.
    await person.send("9")
    await person.until_text("seberapa sering")
    assert await _answers(migrated_db_url, "years_involved") == 1


async def test_a_tap_delivered_again_after_its_reply_went_out_shows_no_second_copy(
    sandbox: Sandbox, bot: WipApplication, seeded: SeededWorkshop, migrated_db_url: str
) -> None:
    person, tap, _ = await _sector_answered(sandbox, bot, seeded)
    before = await person.bot_messages()
    await bot.process_update(tap)  # the reply did go out; the redelivery is harmless

    after = await person.bot_messages()
    assert [m.message_id for m in after] == [m.message_id for m in before]
    assert QUESTION_2 in after[-1].text
    assert await _answers(migrated_db_url, "sector") == 1
