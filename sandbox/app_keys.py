"""Typed keys for what the aiohttp application carries."""

from __future__ import annotations

from aiohttp import web

from sandbox.world import World

WORLD_KEY = web.AppKey("world", World)
