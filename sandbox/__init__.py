"""Local Telegram Bot API stand-in with a control API for playing participants."""

from __future__ import annotations

from sandbox.client import (
    ChatMessage,
    Fault,
    Participant,
    SandboxClient,
    SandboxError,
    SandboxWaitTimeout,
    WaitResult,
)
from sandbox.limits import LimitSettings
from sandbox.server import Sandbox, create_app, main, serve
from sandbox.world import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ChatMessage",
    "Fault",
    "LimitSettings",
    "Participant",
    "Sandbox",
    "SandboxClient",
    "SandboxError",
    "SandboxWaitTimeout",
    "WaitResult",
    "create_app",
    "main",
    "serve",
]
