"""Injected failures: the next N calls of a method, or a seeded share of calls, go wrong."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal[
    "429", "500", "502", "504", "html502", "html504", "empty", "truncated", "timeout", "drop"
]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "429",
    "500",
    "502",
    "504",
    "html502",
    "html504",
    "empty",
    "truncated",
    "timeout",
    "drop",
)
# Refused before the method runs, so the call has no effect. "truncated" and "timeout"
# apply the call first: the answer is lost on its way back, as it can be at Telegram.
REFUSING_KINDS = frozenset({"429", "500", "502", "504", "html502", "html504", "empty"})
ANY_METHOD = "*"


@dataclass(slots=True)
class FaultRule:
    """One way to fail: for `count` calls, or for each call with `probability`."""

    method: str
    kind: FaultKind
    count: int | None = None
    probability: float | None = None
    retry_after: int = 1
    delay: float | None = None

    def matches(self, method: str) -> bool:
        """Tells whether this rule concerns the (lower-cased) method."""
        return self.method == ANY_METHOD or self.method.lower() == method


def parse_kind(value: object) -> FaultKind:
    """Returns the fault kind (see FAULT_KINDS) given as number or string."""
    kind = str(value).lower()
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {value!r}; use one of {', '.join(FAULT_KINDS)}")
    return kind


class FaultPlan:
    """The faults in force; counted rules are used up in the order they were added."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)

    @property
    def rules(self) -> list[FaultRule]:
        """Returns the rules still in force."""
        return list(self._rules)

    def add(self, rule: FaultRule) -> None:
        """Adds a rule after the existing ones."""
        self._rules.append(rule)

    def reseed(self, seed: int) -> None:
        """Makes the probabilistic rules repeatable from this seed."""
        self._random.seed(seed)

    def clear(self) -> None:
        """Removes every rule."""
        self._rules.clear()

    def pick(self, method: str) -> FaultRule | None:
        """Returns the fault to apply to this call, using up one count if counted."""
        if not self._rules:
            return None
        for rule in self._rules:
            if not rule.matches(method):
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self._rules.remove(rule)
                return rule
            if rule.probability is not None and self._random.random() < rule.probability:
                return rule
        return None
