"""HTTP serving of the bot: the webhook endpoint, health checks and metrics (aiohttp)."""
