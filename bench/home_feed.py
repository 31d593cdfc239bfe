"""How much the team feed adds to building App Home: a person in a team of 50 whose members logged 100,000
entries, Home built with the feed and without it, in how many statements.

Migrates a scratch database with Alembic, bulk-loads one learning team (its members' entries spread over two
years, 10% private, with skills and links) and, with `--outsiders`, people in the same workspace who are in
no team with them (the feed must read past their entries), then builds App Home for random team members
the way bot.flows.home.home_for does, each in its own transaction, with the feed and without it, alternately:

    python bench/home_feed.py [--team 50 --entries 100000 --outsiders 0 --samples 300 --seed 1]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-sqlite]

Prints p50/p95/p99 of both, the ratio of their p95s, the feed's own share, and the statements each sends
(a `before_cursor_execute` listener on the engine): the feed adds the same few whoever looks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import db
from bot.services.feed import load_feed
from bot.services.fitness_card import load_fitness_card
from bot.services.goals import goal_progress
from bot.services.people import Workspace, find_person, local_today, zone_of
from bot.views.feed import feed_blocks
from bot.views.goals import goal_lines
from bot.views.home import home_view
from models import (
    EntryKind,
    EntrySource,
    LearningEntry,
    LearningTeam,
    Person,
    Skill,
    TeamMember,
    TeamRole,
    Visibility,
    entry_skills,
)

TEAM_ID = "T0BENCH"
WORKSPACE = Workspace(team_id=TEAM_ID)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
BATCH = 20_000
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles")
WHAT = (
    "Paired on the deploy pipeline",
    "Read about Terraform state locking",
    "Reviewed a pull request on retries",
    "Watched a talk on Postgres query plans",
    "Wrote a runbook for the queue",
    "Asked Ana how our feature flags work",
)


def user_id_of(number: int) -> str:
    return f"U{number:07d}"


def load(engine: Engine, args: argparse.Namespace) -> list[str]:
    """The team (every member's entries spread over two years) and the outsiders; the members' user ids."""
    rng = random.Random(args.seed)
    people = args.team + args.outsiders
    per_person = max(1, args.entries // args.team)
    with engine.begin() as connection:
        connection.execute(
            insert(Person),
            [
                {
                    "id": number,
                    "team_id": TEAM_ID,
                    "user_id": user_id_of(number),
                    "tz": ZONES[number % len(ZONES)],
                    "created_at": NOW - timedelta(days=800),
                }
                for number in range(1, people + 1)
            ],
        )
        connection.execute(
            insert(Skill), [{"id": n, "team_id": TEAM_ID, "name": f"skill-{n}"} for n in range(1, 41)]
        )
        connection.execute(
            insert(LearningTeam), [{"id": 1, "team_id": TEAM_ID, "name": "Platform", "created_at": NOW}]
        )
        connection.execute(
            insert(TeamMember),
            [
                {"learning_team_id": 1, "person_id": n, "role": TeamRole.LEAD if n == 1 else TeamRole.MEMBER}
                for n in range(1, args.team + 1)
            ],
        )
        entries: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        entry_id = 0
        for person in range(1, people + 1):
            for _ in range(per_person):
                entry_id += 1
                created = NOW - timedelta(seconds=rng.randrange(730 * 86400))
                entries.append(
                    {
                        "id": entry_id,
                        "team_id": TEAM_ID,
                        "person_id": person,
                        "what": rng.choice(WHAT),
                        "minutes": rng.choice((10, 20, 30, 45, 60)),
                        "kind": rng.choice(list(EntryKind)),
                        "link": "https://example.com/notes" if rng.random() < 0.2 else None,
                        "source": EntrySource.COMMAND,
                        "visibility": Visibility.PRIVATE if rng.random() < 0.1 else Visibility.TEAM,
                        "local_day": created.date(),
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                tags += [
                    {"entry_id": entry_id, "skill_id": s} for s in rng.sample(range(1, 41), rng.randrange(3))
                ]
                if len(entries) >= BATCH:
                    connection.execute(insert(LearningEntry), entries)
                    connection.execute(insert(entry_skills), tags)
                    entries, tags = [], []
        if entries:
            connection.execute(insert(LearningEntry), entries)
        if tags:
            connection.execute(insert(entry_skills), tags)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
        connection.commit()
    print(
        f"  loaded {entry_id:,} entries for {args.team} teammates and {args.outsiders} outsiders", flush=True
    )
    return [user_id_of(number) for number in range(1, args.team + 1)]


def home_without_feed(session: Session, person: Person) -> dict[str, Any]:
    card = load_fitness_card(session, person, now=NOW)
    goals = goal_lines(goal_progress(session, person, now=NOW), today=local_today(person, NOW))
    return home_view(card, goals)


def home_with_feed(session: Session, person: Person) -> dict[str, Any]:
    """bot.flows.home.home_for, outside a Slack request."""
    card = load_fitness_card(session, person, now=NOW)
    goals = goal_lines(goal_progress(session, person, now=NOW), today=local_today(person, NOW))
    feed = load_feed(session, person, now=NOW)
    return home_view(card, goals, feed_blocks(feed, tz=zone_of(person)))


def feed_alone(session: Session, person: Person) -> dict[str, Any]:
    """The feed's own part of Home: its page of entries and its blocks."""
    return {"blocks": feed_blocks(load_feed(session, person, now=NOW), tz=zone_of(person))}


Build = Callable[[Session, Person], dict[str, Any]]


@dataclass
class Timed:
    seconds: float
    statements: int


class Counter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.count += statement.lstrip().upper().startswith("SELECT")


def timed(sessions: sessionmaker[Session], counter: Counter, user_id: str, build: Build) -> Timed:
    with sessions() as session, session.begin():
        person = find_person(session, WORKSPACE, user_id)
        assert person is not None
        counter.count = 0
        started = time.perf_counter()
        view = build(session, person)
        seconds = time.perf_counter() - started
    assert view["blocks"]
    return Timed(seconds, counter.count)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(engine: Engine, members: list[str], args: argparse.Namespace, name: str) -> str:
    sessions = db.make_sessionmaker(engine)
    counter = Counter(engine)
    rng = random.Random(args.seed + 1)
    results: dict[str, list[Timed]] = {"without": [], "with": [], "alone": []}
    builds = {"without": home_without_feed, "with": home_with_feed, "alone": feed_alone}
    for user_id in rng.sample(members, min(10, len(members))):  # warm-up
        for build in builds.values():
            timed(sessions, counter, user_id, build)
    for sample in range(args.samples):
        user_id = rng.choice(members)
        order = ("with", "without", "alone") if sample % 2 else ("without", "with", "alone")
        for label in order:
            results[label].append(timed(sessions, counter, user_id, builds[label]))
    lines = []
    p95 = {}
    titles = {"without": "Home without the feed", "with": "Home with the feed", "alone": "the feed alone"}
    for label in ("without", "with", "alone"):
        ms = [result.seconds * 1000 for result in results[label]]
        counts = sorted({result.statements for result in results[label]})
        p95[label] = percentile(ms, 0.95)
        lines.append(
            f"| {name}, {titles[label]} | {statistics.median(ms):.1f} | {p95[label]:.1f} | "
            f"{percentile(ms, 0.99):.1f} | {', '.join(map(str, counts))} |"
        )
    lines.append(f"| {name}, ratio of p95 | | **{p95['with'] / p95['without']:.2f}x** | | |")
    return "\n".join(lines)


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory(prefix="learnfit-feed-bench-") as workdir:
            yield f"sqlite:///{Path(workdir) / 'learnfit.db'}"
        return
    from tests.support.databases import scratch_database

    with scratch_database(url, prefix="learnfit_bench") as scratch:
        yield scratch


def run(url: str | None, name: str, args: argparse.Namespace) -> str:
    with database(url) as scratch:
        db.upgrade(scratch)
        engine = db.make_engine(scratch)
        try:
            members = load(engine, args)
            return measure(engine, members, args, name)
        finally:
            engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--team", type=int, default=50)
    parser.add_argument("--entries", type=int, default=100_000, help="entries the team's members logged")
    parser.add_argument("--outsiders", type=int, default=0, help="people in no team with them, as busy")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    if not args.no_sqlite:
        rows.append(run(None, "SQLite", args))
    if args.postgres_url:
        rows.append(run(args.postgres_url, "PostgreSQL", args))
    print("| ms | p50 | p95 | p99 | SELECT statements |\n| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
