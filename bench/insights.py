"""How long `/team insights` takes to query for a large organisation, in how many statements.

Migrates a scratch database with Alembic, bulk-loads one workspace (10,000 people with two years of learning,
about 1.5 entries a person a week, a fifth of them private, tagged with 1 or 2 of 300 skills; and 150
questions a week, most of them resolved with a credit), then times `load_insights` (all of its SQL, in a
fresh session each time as a request would) and, separately, drawing the chart. SQLite always; PostgreSQL
when a server URL is given (a scratch database is created beside it and dropped afterwards):

    python bench/insights.py [--people 10000 --weeks 104 --samples 20 --seed 1]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-sqlite]

It counts the statements each run sends (a `before_cursor_execute` listener; SQLite's BEGIN IMMEDIATE is not
a query) for a workspace of 10 people and for the full one: the counts must be equal.
Goal: p95 under 1 s on each database. On a shared machine also read the CPU time this process spent (for
SQLite, which runs in-process, that is the query's own cost whatever else the machine is doing).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, only this file's folder is on sys.path; the repo root holds `bench` and `tests` too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, Table, event, insert
from sqlalchemy.orm import Session

from bench.report import Percentiles, load_average, machine
from bot import db
from bot.charts.insights import insights_png
from bot.services.insights import load_insights
from bot.services.people import Workspace
from models import (
    EntryKind,
    HelpCredit,
    HelpQuestion,
    LearningEntry,
    Person,
    QuestionStatus,
    Skill,
    entry_skills,
    question_skills,
)
from tests.support.databases import scratch_database

TEAM_ID = "T0BENCH"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SKILLS = 300
BATCH = 20_000
QUESTIONS_A_WEEK = 150
TABLES: tuple[Table, ...] = tuple(
    model if isinstance(model, Table) else model.__table__  # type: ignore[attr-defined]
    for model in (Person, Skill, LearningEntry, entry_skills, HelpQuestion, question_skills, HelpCredit)
)


class Loader:
    """Rows by table, inserted in batches (executemany), parents first."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.rows: dict[Table, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.counts: dict[str, int] = {table.name: 0 for table in TABLES}

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        if len(self.rows[table]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        with self.engine.begin() as connection:
            for table in TABLES:
                if self.rows[table]:
                    connection.execute(insert(table), self.rows[table])
                    self.counts[table.name] += len(self.rows[table])
                    self.rows[table] = []


def seed(engine: Engine, *, people: int, weeks: int, rng: random.Random) -> dict[str, int]:
    loader = Loader(engine)
    person_table, skill_table = TABLES[0], TABLES[1]
    entry_table, question_table, credit_table = TABLES[2], TABLES[4], TABLES[6]
    for skill_id in range(1, SKILLS + 1):
        loader.add(skill_table, {"id": skill_id, "team_id": TEAM_ID, "name": f"skill-{skill_id}"})
    for person_id in range(1, people + 1):
        loader.add(
            person_table,
            {
                "id": person_id,
                "team_id": TEAM_ID,
                "user_id": f"U{person_id:08d}",
                "tz": "UTC",
                "created_at": NOW,
            },
        )
    loader.flush()
    # Popular skills are popular: a person's favourites lean towards the low ids.
    weights = [1 / rank for rank in range(1, SKILLS + 1)]
    first_day = NOW.date() - timedelta(weeks=weeks)
    entry_id = 0
    kinds = [EntryKind.JOB.value] * 7 + [EntryKind.PEOPLE.value] * 2 + [EntryKind.FORMAL.value]
    for person_id in range(1, people + 1):
        favourites = rng.choices(range(1, SKILLS + 1), weights, k=3)
        for week in range(weeks):
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                entry_id += 1
                day = first_day + timedelta(weeks=week, days=rng.randrange(7))
                moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
                loader.add(entry_table, _entry(entry_id, person_id, day, moment, rng, kinds))
                for skill_id in set(rng.sample(favourites, rng.choice((1, 1, 2)))):
                    loader.add(entry_skills, {"entry_id": entry_id, "skill_id": skill_id})
    question_id = 0
    for week in range(weeks):
        for _ in range(QUESTIONS_A_WEEK):
            question_id += 1
            asked = NOW - timedelta(weeks=weeks - week, hours=rng.randrange(24 * 7))
            resolved = rng.random() < 0.7
            row = _question(question_id, rng.randrange(1, people + 1), asked, resolved, rng)
            loader.add(question_table, row)
            for skill_id in set(rng.choices(range(1, SKILLS + 1), weights, k=rng.choice((1, 2)))):
                loader.add(question_skills, {"question_id": question_id, "skill_id": skill_id})
            if resolved:
                helper = rng.randrange(1, people + 1)
                loader.add(credit_table, _credit(question_id, helper, row))
    loader.flush()
    return loader.counts


def _entry(entry_id: int, person_id: int, day: date, moment: datetime, rng: random.Random, kinds: list[str]):
    return {
        "id": entry_id,
        "team_id": TEAM_ID,
        "person_id": person_id,
        "what": "Reading",
        "minutes": rng.choice((10, 15, 20, 30, 45, 60, 90)),
        "kind": rng.choice(kinds),
        "source": "command",
        "visibility": "private" if rng.random() < 0.2 else "team",
        "local_day": day,
        "created_at": moment,
        "updated_at": moment,
    }


def _question(question_id: int, asker: int, asked: datetime, resolved: bool, rng: random.Random):
    return {
        "id": question_id,
        "team_id": TEAM_ID,
        "asker_id": asker,
        "text": "How do I?",
        "urgency": "normal",
        "status": QuestionStatus.RESOLVED.value if resolved else QuestionStatus.OPEN.value,
        "in_public_channel": True,
        "created_at": asked,
        "updated_at": asked,
        "posted_at": asked,
        "resolved_at": asked + timedelta(minutes=rng.randrange(5, 60 * 48)) if resolved else None,
    }


def _credit(question_id: int, helper: int, question: dict[str, Any]):
    when = question["resolved_at"]
    return {
        "team_id": TEAM_ID,
        "question_id": question_id,
        "helper_id": helper,
        "asker_id": question["asker_id"],
        "helper_day": when.date(),
        "asker_day": when.date(),
        "created_at": when,
    }


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(url: str, name: str, args: argparse.Namespace) -> None:
    db.upgrade(url)
    engine = db.make_engine(url)
    workspace = Workspace(TEAM_ID)
    try:
        started = time.perf_counter()
        counts = seed(engine, people=10, weeks=args.weeks, rng=random.Random(args.seed))
        with counting(engine) as small, Session(engine) as session:
            load_insights(session, workspace, now=NOW)
        for table in reversed(TABLES):
            with engine.begin() as connection:
                connection.execute(table.delete())
        counts = seed(engine, people=args.people, weeks=args.weeks, rng=random.Random(args.seed))
        if engine.dialect.name == "postgresql":
            # What autovacuum would have done by now: statistics, and the visibility map index-only scans need.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        print(f"{name}: seeded in {time.perf_counter() - started:.0f} s: {counts}")
        timings, cpu, charts = [], [], []
        for _ in range(args.samples):
            with counting(engine) as full, Session(engine) as session:
                began, began_cpu = time.perf_counter(), time.process_time()
                insights = load_insights(session, workspace, now=NOW)
                timings.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
            began = time.perf_counter()
            insights_png(insights)
            charts.append(time.perf_counter() - began)
        query, chart, own = Percentiles.of(timings), Percentiles.of(charts), Percentiles.of(cpu)
        print(
            f"{name}: insights query  p50 {query.p50:.0f} ms, p95 {query.p95:.0f} ms, max {query.max:.0f} ms; "
            f"statements {len(small)} (10 people) and {len(full)} ({args.people:,} people)"
        )
        # SQLite runs inside this process, so on a busy machine its CPU time is what the query costs.
        print(f"{name}: CPU time in this process  p50 {own.p50:.0f} ms, p95 {own.p95:.0f} ms")
        print(f"{name}: chart drawing  p50 {chart.p50:.0f} ms, p95 {chart.p95:.0f} ms")
        print(
            f"{name}: {insights.people} people in 12 weeks, {len(insights.skills)} skills shown, "
            f"{len(insights.demand)} skills asked about shown"
        )
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    print(machine())
    print(load_average("before"))
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{folder}/insights.db", "SQLite", args)
    if args.postgres_url:
        with scratch_database(args.postgres_url, prefix="learnfit_bench") as url:
            measure(url, "PostgreSQL", args)
    print(load_average("after"))


if __name__ == "__main__":
    main()
