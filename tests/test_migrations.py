"""The schema changes only through Alembic: from empty to head and back, with no drift from the models."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import DateTime, bindparam, inspect, text

import models
from bot import db
from tests.support.databases import scratch_database


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


def table_names(url: str, *, full_text: bool = False) -> set[str]:
    """The tables the models describe, or with `full_text` those migration 0012 made for search instead."""
    engine = db.make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    return {name for name in names if db.is_full_text_object(name) is full_text}


def test_upgrade_from_empty_matches_models_and_downgrades_to_empty(empty_database_url):
    db.upgrade(empty_database_url)
    assert table_names(empty_database_url) == set(models.Base.metadata.tables)
    if empty_database_url.startswith("sqlite"):
        assert set(db.FULL_TEXT_TABLES) <= table_names(empty_database_url, full_text=True)
    db.check(empty_database_url)  # raises on drift between models and migrations

    db.downgrade(empty_database_url, "base")
    assert table_names(empty_database_url) == set()
    assert table_names(empty_database_url, full_text=True) == set()

    db.upgrade(empty_database_url)
    assert db.current_revision(db.make_engine(empty_database_url)) == db.head_revision()


def test_every_constraint_and_index_has_a_convention_name():
    for table in models.Base.metadata.tables.values():
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"


def insert_person(connection, created_at: datetime) -> None:
    """Person 1 of workspace T1, written with SQL as an older schema had it (the models are today's)."""
    when = bindparam("created_at", created_at, type_=DateTime(timezone=True))
    connection.execute(
        text(
            "INSERT INTO people (id, team_id, user_id, tz, created_at, target_days_per_week,"
            " target_minutes_per_week, suggest_as_expert, nudges_enabled, nudge_minute, ignored_nudges)"
            " VALUES (1, 'T1', 'U1', 'UTC', :created_at, 3, 60, TRUE, TRUE, 960, 0)"
        ).bindparams(when)
    )


def test_0004_gives_follow_ups_claimed_before_it_their_question(empty_database_url):
    db.upgrade(empty_database_url, "0003")
    engine = db.make_engine(empty_database_url)
    asked = bindparam("asked", datetime(2026, 11, 23, 9, 30, tzinfo=UTC), type_=DateTime(timezone=True))
    try:
        with engine.begin() as connection:
            insert_person(connection, asked.value)
            connection.execute(
                text(
                    "INSERT INTO help_questions (id, team_id, asker_id, text, urgency, status, created_at,"
                    " updated_at) VALUES (42, 'T1', 1, 'How?', 'normal', 'open', :asked, :asked)"
                ).bindparams(asked)
            )
            for number, (key, kind) in enumerate(
                [
                    ("follow_up:T1:42", "follow_up"),
                    ("follow_up:T1:77", "follow_up"),
                    ("nudge:T1:U1:42", "nudge"),
                ]
            ):
                connection.execute(
                    text(
                        "INSERT INTO deliveries (id, key, kind, status, team_id, claimed_at, window_ends_at,"
                        " attempts) VALUES (:id, :key, :kind, 'claimed', 'T1', :asked, :asked, 0)"
                    ).bindparams(asked),
                    {"id": number + 1, "key": key, "kind": kind},
                )

        db.upgrade(empty_database_url)

        with engine.connect() as connection:
            named = dict(connection.execute(text("SELECT key, help_question_id FROM deliveries")).all())
    finally:
        engine.dispose()
    # The question still there is named; one gone since, and any other kind's row, are left empty.
    assert named == {"follow_up:T1:42": 42, "follow_up:T1:77": None, "nudge:T1:U1:42": None}


def test_0005_adds_and_drops_its_people_columns_in_place_keeping_what_points_at_people(empty_database_url):
    db.upgrade(empty_database_url, "0004")
    engine = db.make_engine(empty_database_url)
    created = bindparam("created", datetime(2026, 11, 23, 9, 30, tzinfo=UTC), type_=DateTime(timezone=True))
    try:
        with engine.begin() as connection:
            insert_person(connection, created.value)
            connection.execute(
                text(
                    "INSERT INTO rest_weeks (id, person_id, week_start, team_id) VALUES (1, 1, '2026-11-23', 'T1')"
                )
            )

        db.upgrade(empty_database_url)
        with engine.connect() as connection:
            marks = connection.execute(
                text("SELECT is_external, tz_missing, tz_note_shown_at FROM people")
            ).all()
            rest_weeks = connection.execute(text("SELECT count(*) FROM rest_weeks")).scalar()
        # Everyone already there is a member whose timezone is still to be read; their rest week is intact.
        assert [tuple(row) for row in marks] == [(False, False, None)] and rest_weeks == 1

        db.downgrade(empty_database_url, "0004")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM rest_weeks")).scalar() == 1
    finally:
        engine.dispose()
