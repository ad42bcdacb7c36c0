"""Finding the workshop an operator names on the command line: by code or numeric id."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from admin.errors import AdminError
from storage.models import Workshop
from storage.repositories import workshops as workshop_repo


async def find_workshop(session: AsyncSession, reference: str) -> Workshop:
    """Returns the workshop with code `reference` (any case) or id; AdminError if none."""
    text = reference.strip()
    workshop = await workshop_repo.get_by_code(session, text)
    if workshop is None and text.upper() != text:
        workshop = await workshop_repo.get_by_code(session, text.upper())
    if workshop is None and text.isdigit():
        workshop = await workshop_repo.get_workshop(session, int(text))
    if workshop is None:
        known = [w.code for w in await workshop_repo.list_workshops(session)]
        hint = f" Known workshops: {', '.join(known)}." if known else " There are no workshops yet."
        raise AdminError(f"No workshop {reference!r}.{hint}")
    return workshop
