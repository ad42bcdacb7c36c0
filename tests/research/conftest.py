"""The end-to-end fixtures (sandbox, pinned clock, seeded workshop, running bot) for the
research tests that play a workshop through the real bot."""

from __future__ import annotations

from tests.e2e.conftest import bot, clock, sandbox, seeded

__all__ = ["bot", "clock", "sandbox", "seeded"]
