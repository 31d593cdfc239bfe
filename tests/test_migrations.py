"""The schema changes only through Alembic: from empty to head and back, with no drift from the models."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import inspect

import models
from bot import db
from tests.conftest import scratch_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server_url = os.environ.get("LEARNFIT_TEST_DATABASE_URL")
    if not server_url:
        pytest.skip("LEARNFIT_TEST_DATABASE_URL is not set: PostgreSQL round trip runs in CI's second pass")
    with scratch_database(server_url) as url:
        yield url


def table_names(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades_to_empty(empty_database_url):
    db.upgrade(empty_database_url)
    assert table_names(empty_database_url) == set(models.Base.metadata.tables)
    db.check(empty_database_url)  # raises on drift between models and migrations

    db.downgrade(empty_database_url, "base")
    assert table_names(empty_database_url) == set()

    db.upgrade(empty_database_url)
    assert db.current_revision(db.make_engine(empty_database_url)) == db.head_revision()


def test_every_constraint_and_index_has_a_convention_name():
    for table in models.Base.metadata.tables.values():
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"
