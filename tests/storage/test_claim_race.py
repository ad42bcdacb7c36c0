"""Two accounts redeeming one invitation at the same moment: exactly one wins."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import ParticipantAlreadyBound
from storage.repositories import participants
from storage.repositories.participants import ParticipantProfile
from tests.storage.conftest import NOW, Seeded

Factory = async_sessionmaker[AsyncSession]
PAIRS = 20


async def _claim(
    factory: Factory, code: str, account: int, both_read: asyncio.Barrier | None
) -> str:
    """Redeems the code as the bot does: read the invitation, then bind it; the outcome."""
    try:
        async with factory.begin() as session:
            found = await participants.get_by_invite_code(session, code)
            assert found is not None
            if both_read is not None:
                # Both transactions hold the unbound row in their session before either binds.
                await both_read.wait()
            bound = await participants.bind_telegram_user(session, found.id, account, NOW)
            return f"bound {bound.name} to {bound.telegram_user_id}"
    except ParticipantAlreadyBound as refused:
        return f"taken: {refused}"


async def test_exactly_one_of_two_accounts_claiming_one_code_at_once_wins(
    session_factory: Factory, seeded: Seeded
) -> None:
    async with session_factory.begin() as session:
        for pair in range(PAIRS):
            await participants.add_participant(
                session,
                workshop_id=seeded.workshop_id,
                invite_code=f"RACE{pair}",
                pseudonym=f"R-{pair:02d}",
                profile=ParticipantProfile(name=f"Invitee Sekar {pair}"),
                now=NOW,
            )
    # SQLite serialises writers at BEGIN, so there the two cannot both have read first.
    concurrent = session_factory.kw["bind"].dialect.name != "sqlite"
    for pair in range(PAIRS):
        both_read = asyncio.Barrier(2) if concurrent else None
        first, second = 1000 + 2 * pair, 1001 + 2 * pair
        outcomes = await asyncio.gather(
            _claim(session_factory, f"RACE{pair}", first, both_read),
            _claim(session_factory, f"RACE{pair}", second, both_read),
        )
        winners = [outcome for outcome in outcomes if outcome.startswith("bound")]
        losers = [outcome for outcome in outcomes if outcome.startswith("taken")]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert "Sekar" not in losers[0]
        async with session_factory() as session:
            stored = await participants.get_by_invite_code(session, f"RACE{pair}")
        assert stored is not None
        assert winners[0] == f"bound Invitee Sekar {pair} to {stored.telegram_user_id}"
