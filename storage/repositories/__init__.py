"""Repositories: one module per aggregate.

Every function takes the caller's ``AsyncSession`` and never commits: the use case owns
the transaction (``async with session_factory.begin() as session``). Functions flush when
they need database-generated ids or must surface a constraint violation early.
"""
