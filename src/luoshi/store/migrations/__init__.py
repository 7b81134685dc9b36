"""Alembic migrations of the luoshi database (a package so that it ships in the wheel)."""
