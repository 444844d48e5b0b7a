"""Alembic migrations of the back-office store (configured in code, see migrate.py)."""
