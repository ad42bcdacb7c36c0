"""One person's updates are processed in the order they arrived; other people's alongside."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Chat, Message, Update, User

from bot.telegram.update_processor import PerUserOrderedProcessor, ordering_key

SENT_AT = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)


def _tap(update_id: int, user_id: int | None, chat_id: int) -> Update:
    """An update with a message from the user (or, without a user, a channel post)."""
    chat = Chat(chat_id, Chat.PRIVATE if user_id is not None else Chat.CHANNEL)
    sender = User(user_id, f"user {user_id}", is_bot=False) if user_id is not None else None
    message = Message(update_id, SENT_AT, chat, from_user=sender, text=f"tap {update_id}")
    if user_id is None:
        return Update(update_id, channel_post=message)
    return Update(update_id, message=message)


class _Person:
    """Handler coroutines that record when they run and can be held until released."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.active = 0
        self.most_active = 0

    async def handle(
        self, name: str, started: asyncio.Event | None = None, hold: asyncio.Event | None = None
    ) -> None:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        self.log.append(f"{name} start")
        if started is not None:
            started.set()
        if hold is not None:
            await hold.wait()
        self.log.append(f"{name} end")
        self.active -= 1


async def test_a_persons_second_update_waits_for_the_first_while_another_person_runs() -> None:
    processor = PerUserOrderedProcessor()
    log: list[str] = []
    ani, budi = _Person(log), _Person(log)
    first_started, release_first, budi_done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    second_started = asyncio.Event()

    async def budi_taps() -> None:
        await budi.handle("budi")
        budi_done.set()

    first = asyncio.create_task(
        processor.process_update(
            _tap(1, 501, 501), ani.handle("ani 1", first_started, release_first)
        )
    )
    await first_started.wait()
    second = asyncio.create_task(
        processor.process_update(_tap(2, 501, 501), ani.handle("ani 2", second_started))
    )
    other = asyncio.create_task(processor.process_update(_tap(3, 502, 502), budi_taps()))
    # Budi's tap is processed to the end while Ani's first is still being handled...
    await budi_done.wait()
    assert log == ["ani 1 start", "budi start", "budi end"]
    # ...and Ani's second has not begun: it arrived after her first, which is not done.
    assert not second_started.is_set()
    release_first.set()
    await asyncio.gather(first, second, other)
    assert log == ["ani 1 start", "budi start", "budi end", "ani 1 end", "ani 2 start", "ani 2 end"]
    assert ani.most_active == 1


async def test_a_burst_of_one_persons_taps_is_processed_in_arrival_order() -> None:
    processor = PerUserOrderedProcessor()
    log: list[str] = []
    ani = _Person(log)
    first_started, release_first = asyncio.Event(), asyncio.Event()
    tasks = [
        asyncio.create_task(
            processor.process_update(
                _tap(1, 501, 501), ani.handle("tap 1", first_started, release_first)
            )
        )
    ]
    await first_started.wait()
    # Four more taps arrive while the first is held: each waits for every one before it.
    tasks += [
        asyncio.create_task(processor.process_update(_tap(n, 501, 501), ani.handle(f"tap {n}")))
        for n in range(2, 6)
    ]
    release_first.set()
    await asyncio.gather(*tasks)
    assert log == [f"tap {n} {edge}" for n in range(1, 6) for edge in ("start", "end")]
    assert ani.most_active == 1


async def test_a_channel_post_is_ordered_by_its_chat_and_other_objects_are_not_held() -> None:
    assert ordering_key(_tap(1, None, -100_777)) == -100_777
    assert ordering_key(_tap(2, 501, 9)) == 501
    assert ordering_key("not an update") is None

    processor = PerUserOrderedProcessor()
    log: list[str] = []
    ani = _Person(log)
    held_started, release_held = asyncio.Event(), asyncio.Event()
    held = asyncio.create_task(
        processor.process_update(_tap(1, 501, 501), ani.handle("held", held_started, release_held))
    )
    await held_started.wait()
    # An object with no person runs at once, whatever else is being processed.
    await processor.process_update("not an update", ani.handle("unkeyed"))
    assert log == ["held start", "unkeyed start", "unkeyed end"]
    release_held.set()
    await held
    assert log[-1] == "held end"


async def test_at_most_max_running_handlers_run_and_the_others_start_in_arrival_order() -> None:
    processor = PerUserOrderedProcessor(max_running=2)
    log: list[str] = []
    people = [_Person(log) for _ in range(5)]
    started = [asyncio.Event() for _ in people]
    release = [asyncio.Event() for _ in people]
    tasks = []
    for number, person in enumerate(people):
        tasks.append(
            asyncio.create_task(
                processor.process_update(
                    _tap(number + 1, 600 + number, 600 + number),
                    person.handle(f"p{number}", started[number], release[number]),
                )
            )
        )
        await asyncio.sleep(0)  # they arrive one after another
    await started[0].wait()
    await started[1].wait()
    for _ in range(20):
        await asyncio.sleep(0)
    # Five different people, but only two handlers run; the other three wait.
    assert log == ["p0 start", "p1 start"]
    release[1].set()
    await started[2].wait()
    release[0].set()
    await started[3].wait()
    for event in release[2:]:
        event.set()
    await asyncio.gather(*tasks)
    starts = [entry for entry in log if entry.endswith("start")]
    assert starts == [f"p{n} start" for n in range(5)]


async def test_a_resend_behind_the_persons_waiting_update_is_dropped_and_alone_it_runs() -> None:
    def is_resend(update: object) -> bool:
        return (
            isinstance(update, Update)
            and update.message is not None
            and (update.message.text == "/lanjut")
        )

    processor = PerUserOrderedProcessor(redundant_behind_another=is_resend)
    log: list[str] = []
    ani, budi = _Person(log), _Person(log)
    started, release = asyncio.Event(), asyncio.Event()
    resend = _tap(2, 501, 501)
    resend.message._unfreeze()  # type: ignore[union-attr]
    resend.message.text = "/lanjut"  # type: ignore[union-attr]
    held = asyncio.create_task(
        processor.process_update(_tap(1, 501, 501), ani.handle("tap", started, release))
    )
    await started.wait()
    # Ani's reply is late and she sends /lanjut: her tap's reply will bring the screen up.
    await processor.process_update(resend, ani.handle("resend"))
    release.set()
    await held
    # Budi's /lanjut, with nothing of his waiting, is handled.
    lone = _tap(3, 502, 502)
    lone.message._unfreeze()  # type: ignore[union-attr]
    lone.message.text = "/lanjut"  # type: ignore[union-attr]
    await processor.process_update(lone, budi.handle("budi resend"))
    assert log == ["tap start", "tap end", "budi resend start", "budi resend end"]
    assert processor.dropped == 1


def test_only_the_continue_command_counts_as_a_resend() -> None:
    from bot.handlers import is_resume_command

    def text(value: str) -> Update:
        update = _tap(9, 501, 501)
        update.message._unfreeze()  # type: ignore[union-attr]
        update.message.text = value  # type: ignore[union-attr]
        return update

    assert is_resume_command(text("/lanjut"))
    assert is_resume_command(text("/resume@wipbot_bot"))
    assert not is_resume_command(text("lanjut"))
    assert not is_resume_command(text("/progres"))
    assert not is_resume_command("not an update")
