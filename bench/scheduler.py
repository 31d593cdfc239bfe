"""Benchmark the scheduler: finding due people, sending a tick's nudges, and team digests.

    python bench/scheduler.py                                   # a scratch SQLite file
    python bench/scheduler.py --server postgresql+psycopg://postgres@127.0.0.1:5432/test

1. 100,000 people, 10,000 of them due in one tick: the time to find them (the due query in its batch
   size, and all 10,000 at once) and the query plan, which must use the index on next_nudge_at.
2. Those 10,000 nudges sent in real ticks to the fake Slack Web API running in its own process, which
   answers 5% of chat.postMessage calls with 429 (queued with fail_next as the run goes). Checks zero
   duplicates and zero losses in both the ledger and the fake's stored messages.
3. Digests for 200 teams of 50 people over a year of entries: the time per digest and the number of SQL
   statements each takes (the same for every team).

Prints figures; never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and `scheduler` would import this very file;
# the repo root also holds `tests`, whose scratch database this borrows.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select, text

from bot import db
from bot.services.digests import build_digest
from bot.services.nudges import due_people_query
from bot.settings import Settings
from models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    EntryKind,
    EntrySource,
    LearningEntry,
    LearningTeam,
    Person,
    TeamMember,
    TeamRole,
    Visibility,
)
from scheduler import build_runner
from scheduler.pacing import DEFAULT_RATES, Pacer
from tests.support.databases import scratch_database

TEAM_ID = "T0LEARN"
PEOPLE = 100_000
DUE = 10_000
RATE_LIMITED_SHARE = 0.05
TEAMS = 200
TEAM_SIZE = 50
ENTRY_WEEKS = 52
ENTRIES_PER_WEEK = 2
BATCH = 100


# ---------------------------------------------------------------------- the fake Slack, in its own process


def serve_fake(users: int) -> None:
    """Child process: FakeSlack on loopback; 429 for every 20th chat.postMessage; reports on request."""
    from bot.localslack import FakeSlack

    fake = FakeSlack(team_id=TEAM_ID)
    for number in range(users):
        fake.add_user(f"U{number:07d}", f"user{number}", tz="Europe/London")
    fake.start()
    queued = 0
    running = True

    def queue_failures() -> None:
        # Keep one 429 waiting for every 20 calls made so far: 5% of calls, spread over the whole run.
        nonlocal queued
        while running:
            made = sum(1 for call in fake.calls if call.method == "chat.postMessage")
            while queued < made * RATE_LIMITED_SHARE + 1:
                fake.fail_next("chat.postMessage", status=429, retry_after=1)
                queued += 1
            time.sleep(0.05)

    threading.Thread(target=queue_failures, daemon=True).start()
    print(json.dumps({"base_url": fake.base_url}), flush=True)
    for line in sys.stdin:
        if line.strip() == "report":
            posts = [call for call in fake.calls if call.method == "chat.postMessage"]
            stored = Counter(message["channel"] for message in fake.messages())
            print(
                json.dumps(
                    {
                        "post_calls": len(posts),
                        "queued_429": queued,
                        "stored_messages": sum(stored.values()),
                        "channels": len(stored),
                        "duplicated_channels": sum(1 for count in stored.values() if count > 1),
                        "violations": len(fake.violations),
                    }
                ),
                flush=True,
            )
    running = False
    fake.stop()


@contextmanager
def fake_slack_process(users: int):
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve-fake", str(users)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        started = json.loads(child.stdout.readline())

        def report() -> dict:
            child.stdin.write("report\n")
            child.stdin.flush()
            return json.loads(child.stdout.readline())

        yield started["base_url"], report
    finally:
        child.stdin.close()
        child.wait(timeout=30)


# ---------------------------------------------------------------------- databases


@contextmanager
def database(server: str | None):
    if server is None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            db.upgrade(url)
            yield url
        return
    with scratch_database(server, prefix="learnfit_bench") as url:
        db.upgrade(url)
        yield url


def seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.2f} s"


def fill_people(engine, now: datetime) -> None:
    rng = random.Random(7)
    rows = []
    for number in range(PEOPLE):
        due = number < DUE
        rows.append(
            {
                "team_id": TEAM_ID,
                "user_id": f"U{number:07d}",
                "tz": "Europe/London",
                "created_at": now - timedelta(days=400),
                "next_nudge_at": now - timedelta(seconds=rng.randint(0, 600))
                if due
                else now + timedelta(minutes=rng.randint(60, 7 * 24 * 60)),
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(Person), rows[start : start + 10_000])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))


def query_plan(engine, now: datetime) -> list[str]:
    statement = due_people_query(now, BATCH)
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    with engine.connect() as connection:
        rows = connection.execute(text(f"{explain} {compiled}")).all()
    return [str(row[-1]) for row in rows]


def find_due(engine, now: datetime) -> None:
    sessions = db.make_sessionmaker(engine)
    timings = []
    for _ in range(20):
        with sessions() as session, session.begin():
            start = time.perf_counter()
            batch = session.scalars(due_people_query(now, BATCH)).all()
            timings.append(time.perf_counter() - start)
            assert len(batch) == BATCH
            session.rollback()
    with sessions() as session:
        start = time.perf_counter()
        everyone = session.scalars(
            select(Person.id).where(Person.next_nudge_at <= now).order_by(Person.next_nudge_at)
        ).all()
        all_at_once = time.perf_counter() - start
    assert len(everyone) == DUE
    print(
        f"  due query, batch of {BATCH} (its claiming transaction): median {statistics.median(timings) * 1000:.2f} ms"
    )
    print(f"  all {DUE:,} due ids at once: {all_at_once * 1000:.1f} ms")
    print("  query plan:")
    for line in query_plan(engine, now):
        print(f"    {line}")


def send_nudges(url: str, engine, now: datetime) -> None:
    with fake_slack_process(DUE) as (base_url, report):
        settings = Settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=base_url, DATABASE_URL=url)
        waits: list[float] = []  # Retry-After waits the Slack client asked for, recorded not slept
        runner = build_runner(settings, engine, sleep=waits.append, pacer=Pacer(rates=None))
        start = time.perf_counter()
        ticks = []
        while True:
            tick = time.perf_counter()
            outcome = runner.run_due()
            ticks.append((time.perf_counter() - tick, str(outcome)))
            if not outcome.outcomes:
                break
        elapsed = time.perf_counter() - start
        seen = report()
    with engine.connect() as connection:
        statuses = Counter(
            connection.execute(select(Delivery.status).where(Delivery.kind == DeliveryKind.NUDGE)).scalars()
        )
        keys = connection.execute(select(Delivery.key)).scalars().all()
    sent = statuses[DeliveryStatus.SENT]
    print(
        f"  {sent:,} nudges sent in {elapsed:.1f} s ({sent / elapsed:.0f} a second), in {len(ticks) - 1} ticks:"
    )
    for duration, outcome in ticks:
        print(f"    {duration:7.1f} s  {outcome}")
    print(
        f"  fake Slack: {seen['post_calls']:,} chat.postMessage calls, {seen['queued_429']:,} 429s queued, "
        f"{seen['stored_messages']:,} messages stored in {seen['channels']:,} DMs, "
        f"{seen['duplicated_channels']} DMs with more than one, {seen['violations']} Block Kit violations"
    )
    print(
        f"  Retry-After waits asked for: {len(waits):,} waits, {sum(waits):.0f} s in all "
        "(recorded by the injected sleep, not slept)"
    )
    print(f"  ledger: {dict((status.value, count) for status, count in statuses.items())}")
    duplicates = len(keys) - len(set(keys))
    losses = DUE - seen["channels"]
    print(f"  duplicates: {duplicates + seen['duplicated_channels']}, losses: {losses}")
    rate = DEFAULT_RATES["chat.postMessage"]
    print(
        f"  (with the default pacing of {rate:.0f} posts a second per workspace, one workspace's "
        f"{DUE:,} nudges take {DUE / rate / 60:.0f} minutes; they are spread over workspaces and minutes)"
    )


def fill_teams(engine, now: datetime) -> None:
    rng = random.Random(11)
    today = now.date()
    with engine.begin() as connection:
        people = (
            connection.execute(select(Person.id).order_by(Person.id).limit(TEAMS * TEAM_SIZE)).scalars().all()
        )
        connection.execute(
            insert(LearningTeam),
            [
                {"team_id": TEAM_ID, "name": f"Team {number:03d}", "created_at": now, "digest_weekday": 0}
                for number in range(TEAMS)
            ],
        )
        teams = connection.execute(select(LearningTeam.id).order_by(LearningTeam.id)).scalars().all()
        connection.execute(
            insert(TeamMember),
            [
                {
                    "learning_team_id": teams[index // TEAM_SIZE],
                    "person_id": person_id,
                    "role": TeamRole.LEAD if index % TEAM_SIZE == 0 else TeamRole.MEMBER,
                }
                for index, person_id in enumerate(people)
            ],
        )
        rows = []
        for person_id in people:
            for week in range(ENTRY_WEEKS):
                for _ in range(ENTRIES_PER_WEEK):
                    day = today - timedelta(days=7 * week + rng.randint(0, 6))
                    rows.append(
                        {
                            "team_id": TEAM_ID,
                            "person_id": person_id,
                            "what": "Learned something",
                            "minutes": rng.choice((15, 20, 30, 45, 60)),
                            "kind": rng.choice(list(EntryKind)),
                            "source": EntrySource.COMMAND,
                            "visibility": Visibility.PRIVATE if rng.random() < 0.2 else Visibility.TEAM,
                            "local_day": day,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
            if len(rows) >= 50_000:
                connection.execute(insert(LearningEntry), rows)
                rows = []
        if rows:
            connection.execute(insert(LearningEntry), rows)
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))


def digests(engine, now: datetime) -> None:
    statements: list[int] = []
    timings: list[float] = []
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
                digest = build_digest(session, team, end_day=end_day, tz="Europe/London")
                timings.append(time.perf_counter() - start)
                statements.append(counter["n"])
                assert digest.members == TEAM_SIZE
        finally:
            event.remove(engine, "before_cursor_execute", count)
    timings.sort()
    print(
        f"  {len(teams)} digests: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, total {sum(timings):.1f} s"
    )
    print(
        f"  SQL statements per team: {sorted(set(statements))} (min {min(statements)}, max {max(statements)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", help="a PostgreSQL URL; a scratch database is made beside it")
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake is not None:
        serve_fake(args.serve_fake)
        return
    now = datetime.now(UTC)
    with database(args.server) as url:
        engine = db.make_engine(url)
        print(f"database: {engine.dialect.name}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
        start = time.perf_counter()
        fill_people(engine, now)
        print(f"1. {PEOPLE:,} people, {DUE:,} due (inserted in {seconds(start)})")
        find_due(engine, now)
        print(f"2. sending the {DUE:,} due nudges, {RATE_LIMITED_SHARE:.0%} of posts answered 429")
        send_nudges(url, engine, now)
        start = time.perf_counter()
        fill_teams(engine, now)
        entries = TEAMS * TEAM_SIZE * ENTRY_WEEKS * ENTRIES_PER_WEEK
        print(
            f"3. {TEAMS} teams of {TEAM_SIZE}, {entries:,} entries over a year (inserted in {seconds(start)})"
        )
        digests(engine, now)
        engine.dispose()


if __name__ == "__main__":
    main()
