"""The Telegram bot: composition root (app), handlers, views, use cases and background senders."""
