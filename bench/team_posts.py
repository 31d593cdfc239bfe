"""Benchmark the weekly "What <team> learned" post: the time to build one and the SQL statements it takes.

    python bench/team_posts.py                                   # a scratch SQLite file
    python bench/team_posts.py --server postgresql+psycopg://postgres@127.0.0.1:5432/test

200 teams of 50 people over a year of entries (1,040,000, a fifth of them private), the same data as the
digest part of bench/scheduler.py: each team's post for the last seven days is built once, timed, and its
statements counted (the same for every team, however long its history). Prints figures; never a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

# Before this folder, whose scheduler.py would shadow the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select

from bot import db
from bot.services.team_posts import MAX_ENTRIES_READ, build_team_post
from models import LearningTeam

ROOT = Path(__file__).resolve().parent.parent
# The digest benchmark's data, made the same way.
_spec = importlib.util.spec_from_file_location("bench_scheduler", ROOT / "bench" / "scheduler.py")
assert _spec is not None and _spec.loader is not None
bench_scheduler = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_scheduler)


def team_posts(engine, now: datetime) -> None:
    statements: list[int] = []
    timings: list[float] = []
    shown: list[int] = []
    counter = {"n": 0}

    def count(*_args: object) -> None:
        counter["n"] += 1

    sessions = db.make_sessionmaker(engine)
    end_day: date = now.date()
    with sessions() as session:
        teams = session.scalars(select(LearningTeam).order_by(LearningTeam.id)).all()
        event.listen(engine, "before_cursor_execute", count)
        try:
            for team in teams:
                counter["n"] = 0
                start = time.perf_counter()
                post = build_team_post(session, team, end_day=end_day, tz="Europe/London")
                timings.append(time.perf_counter() - start)
                statements.append(counter["n"])
                shown.append(sum(len(group.titles) for group in post.groups) + post.more_entries)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    timings.sort()
    print(
        f"  {len(teams)} posts: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, total {sum(timings):.1f} s"
    )
    print(f"  SQL statements per post: {sorted(set(statements))}")
    print(
        f"  shared entries per post: {min(shown)} to {max(shown)}, of which at most {MAX_ENTRIES_READ} are read"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", help="a PostgreSQL URL; a scratch database is made beside it")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with bench_scheduler.database(args.server) as url:
        engine = db.make_engine(url)
        print(f"database: {engine.dialect.name}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
        start = time.perf_counter()
        bench_scheduler.fill_people(engine, now)
        bench_scheduler.fill_teams(engine, now)
        print(
            f"{bench_scheduler.TEAMS} teams of {bench_scheduler.TEAM_SIZE} over a year of entries "
            f"(inserted in {bench_scheduler.seconds(start)})"
        )
        team_posts(engine, now)
        engine.dispose()


if __name__ == "__main__":
    main()
