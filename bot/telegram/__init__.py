"""Telegram plumbing: HTTP transport, tolerant polling, per-user order, sending and failures."""
