"""One module per wipbot-admin command; each parses its arguments and calls bot services."""
