"""The words every layer shares (database CHECKs, YAML, exports): languages, statuses, roles, kinds.

Arenas, principles and answer statuses belong to the questionnaire and live in
`bot.questionnaire.model`; everything else that names a fixed set lives here, once.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """The languages the bot speaks; Indonesian is the default."""

    ID = "id"
    EN = "en"


LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
DEFAULT_LANGUAGE = Language.ID.value


class WorkshopState(StrEnum):
    """A workshop opened or closed by hand (the phase also follows its agenda)."""

    OPEN = "open"
    CLOSED = "closed"


class SessionKind(StrEnum):
    """The kinds of agenda session."""

    OPENING = "opening"
    FGD = "fgd"
    BREAK = "break"
    PLENARY = "plenary"
    CLOSING = "closing"
    OTHER = "other"


SESSION_KINDS: tuple[str, ...] = tuple(kind.value for kind in SessionKind)


class StaffRole(StrEnum):
    """What a staff member may do."""

    ORGANISER = "organiser"
    FACILITATOR = "facilitator"


class ResponseStatus(StrEnum):
    """A started questionnaire (no response row: not started)."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
