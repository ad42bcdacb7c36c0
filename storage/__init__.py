"""The database: tables, engine and session setup, repositories and migrations."""
