"""Parsed questionnaire definitions, kept in memory by content hash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.questionnaire.model import Questionnaire


class QuestionnaireCache:
    """Parses each stored definition once; the content hash makes stale entries impossible."""

    def __init__(self) -> None:
        self._by_hash: dict[str, Questionnaire] = {}

    async def get(
        self, content_hash: str, load_definition: Callable[[], Awaitable[dict[str, Any]]]
    ) -> Questionnaire:
        """Returns the parsed questionnaire, loading its definition only on a miss."""
        cached = self._by_hash.get(content_hash)
        if cached is None:
            cached = Questionnaire.from_dict(await load_definition())
            self._by_hash[content_hash] = cached
        return cached

    def put(self, questionnaire: Questionnaire) -> None:
        """Adds an already parsed questionnaire."""
        self._by_hash[questionnaire.content_hash()] = questionnaire
