"""Use cases: what the bot and the admin script do with the database, never with Telegram."""
