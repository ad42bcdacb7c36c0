"""What the bot sends on its own: broadcasts, the reminder tick, nudges, exports before closing."""
