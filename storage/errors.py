"""Errors the storage layer raises for conditions a caller is expected to handle."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of the storage layer's expected errors."""


class NotFound(StorageError, LookupError):
    """The row a function was asked to change does not exist."""


class QuestionnaireLocked(StorageError):
    """A questionnaire version already has answers, so its definition cannot change."""


class ParticipantAlreadyBound(StorageError):
    """The invite code is already bound to a different Telegram account."""


class TelegramAccountAlreadyBound(StorageError):
    """The Telegram account is already bound to a different participant."""


class StaffInviteInvalid(StorageError):
    """The staff invite token is unknown, already used, or expired."""

    def __init__(self, token: str, reason: str) -> None:
        super().__init__(f"staff invite {token[:4]}…: {reason}")
        self.reason = reason  # 'unknown', 'used' or 'expired'
