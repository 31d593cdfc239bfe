"""Alembic migration environment for Learnfit (the only way the schema changes)."""
