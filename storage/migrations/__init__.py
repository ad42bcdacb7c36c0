"""Alembic migrations of the wipbot schema."""
