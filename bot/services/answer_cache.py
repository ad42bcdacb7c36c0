"""The answers of recent responses, kept in memory between a participant's steps.

Every answer needs the participant's answers so far: reading and converting up to a few
dozen rows cost more than the rest of the step's database work. The context query of
every step already reads the response's `answers_revision`, which every change to its
answers bumps (`storage.repositories.responses`); while it matches the revision a copy
was read or written at, the copy is current, whoever else may write to the database.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from bot.questionnaire.model import Answer, Questionnaire

DEFAULT_SIZE = 2048  # responses kept: a few workshops answering at once, ~20 KB each


class AnswerCache:
    """Answers by response id, each with the revision it is current for (least recently
    used first out)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[int, tuple[int, Questionnaire, Mapping[str, Answer]]] = (
            OrderedDict()
        )

    def get(
        self, response_id: int, revision: int, questionnaire: Questionnaire
    ) -> Mapping[str, Answer] | None:
        """The answers if a copy is current for `revision` (and the same questionnaire)."""
        entry = self._entries.get(response_id)
        if entry is None or entry[0] != revision or entry[1] is not questionnaire:
            return None
        self._entries.move_to_end(response_id)
        return entry[2]

    def put(
        self,
        response_id: int,
        revision: int,
        questionnaire: Questionnaire,
        answers: Mapping[str, Answer],
    ) -> None:
        """Keeps the answers as current for `revision` (committed ones only)."""
        self._entries[response_id] = (revision, questionnaire, answers)
        self._entries.move_to_end(response_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
