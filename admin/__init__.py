"""The organisers' command line (wipbot-admin): imports, invite cards, exports, reports."""
