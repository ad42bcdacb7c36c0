"""A full workshop rehearsed against the local Telegram sandbox, end to end."""
