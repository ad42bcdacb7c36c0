"""Counters that benchmarks and tests compare with what the bot saw."""

from __future__ import annotations

from collections import Counter
from typing import Any


class Stats:
    """Calls per Bot API method, their outcomes, 429s issued and faults injected."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Sets every counter back to zero."""
        self.calls: Counter[str] = Counter()
        self.ok: Counter[str] = Counter()
        self.errors: dict[str, Counter[int]] = {}
        self.unknown_methods: Counter[str] = Counter()
        self.unauthorized = 0
        self.rate_limited: Counter[str] = Counter()
        self.faults_by_kind: Counter[str] = Counter()
        self.faults_by_method: Counter[str] = Counter()
        self.callback_queries_pressed = 0
        self.callback_queries_answered = 0
        self.messages_from_users = 0
        self.messages_from_bot = 0

    def error(self, method: str, code: int) -> None:
        """Counts an error answer."""
        self.errors.setdefault(method, Counter())[code] += 1

    def fault(self, method: str, kind: str) -> None:
        """Counts an injected fault."""
        self.faults_by_kind[kind] += 1
        self.faults_by_method[method] += 1

    def snapshot(self) -> dict[str, Any]:
        """Returns the counters as JSON-ready data."""
        too_many = sum(codes.get(429, 0) for codes in self.errors.values())
        return {
            "calls": dict(self.calls),
            "ok": dict(self.ok),
            "errors": {
                method: {str(code): n for code, n in codes.items()}
                for method, codes in self.errors.items()
            },
            "too_many_requests": too_many,
            "rate_limited": sum(self.rate_limited.values()),
            "rate_limited_by_method": dict(self.rate_limited),
            "faults_injected": sum(self.faults_by_kind.values()),
            "faults_by_kind": dict(self.faults_by_kind),
            "faults_by_method": dict(self.faults_by_method),
            "unknown_methods": dict(self.unknown_methods),
            "unauthorized": self.unauthorized,
            "callback_queries": {
                "pressed": self.callback_queries_pressed,
                "answered": self.callback_queries_answered,
            },
            "messages": {
                "from_users": self.messages_from_users,
                "from_bot": self.messages_from_bot,
            },
        }
