"""Benchmark finding things again: `/learn search` and the answered-before lookup `/ask` makes.

    python bench/search.py                                        # a scratch SQLite file
    python bench/search.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/search.py --entries 50000                        # smaller, while developing

1,000 people in 100 learning teams of 10, 500,000 entries (a fifth private) whose words are drawn from a
3,000-word vocabulary with a Zipf-like spread (a few words are in a tenth of all entries, most are rare),
with 0 to 2 of 300 skills each, and 20,000 resolved questions. All inserted in bulk through the migrated
schema, so the full-text triggers (SQLite) and GIN indexes (PostgreSQL) do their real work.

Then 300 searches by random people for 1 to 3 random words (or a #skill), timed end to end as the listener
does them (the person, the search, the found entries' skills, the Block Kit), counting SQL statements; and
300 answered-before lookups for new questions. Goal: p95 under 50 ms, and the same statement count for
every search. Prints figures; never run as a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event, insert, select, text

from bot import db
from bot.services.people import Workspace, find_person
from bot.services.search import SearchQuery, answered_before, search_entries
from bot.views.search import search_results_message
from models import (
    EntryKind,
    EntrySource,
    HelpQuestion,
    LearningEntry,
    LearningTeam,
    Person,
    QuestionStatus,
    Skill,
    TeamMember,
    TeamRole,
    Urgency,
    Visibility,
    entry_skills,
)
from tests.support.databases import scratch_database

TEAM_ID = "T0LEARN"
WORKSPACE = Workspace(TEAM_ID)
TEAM_SIZE = 10
VOCABULARY = 3_000
SKILLS = 300
QUESTIONS = 20_000
SAMPLES = 300
CHUNK = 20_000
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "pe", "su", "do", "ga", "hi", "ju", "be", "xo"]


def make_words(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(sorted(words), key=lambda _: rng.random())  # a set's order changes between runs


class Sentences:
    """Sentences from the vocabulary, word i drawn with weight 1/(i+10): the commonest is in about one
    entry in seven (the commonest English words are stop words, dropped), most are rare."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = make_words(rng)
        self.weights = [1 / (rank + 10) for rank in range(VOCABULARY)]

    def words_of(self, count: int) -> list[str]:
        return self.rng.choices(self.words, self.weights, k=count)

    def sentence(self) -> str:
        return " ".join(self.words_of(self.rng.randint(5, 12)))


@contextmanager
def database(server: str | None) -> Iterator[str]:
    if server is None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            db.upgrade(url)
            yield url
        return
    with scratch_database(server, prefix="learnfit_bench") as url:
        db.upgrade(url)
        yield url


def fill(engine: Engine, sentences: Sentences, *, people: int, entries: int, now: datetime) -> None:
    rng = sentences.rng
    with engine.begin() as connection:
        connection.execute(
            insert(Person),
            [
                {"team_id": TEAM_ID, "user_id": f"U{number:07d}", "tz": "Europe/London", "created_at": now}
                for number in range(people)
            ],
        )
        person_ids = connection.execute(select(Person.id).order_by(Person.id)).scalars().all()
        connection.execute(
            insert(LearningTeam),
            [
                {"team_id": TEAM_ID, "name": f"Team {number:03d}", "created_at": now}
                for number in range(people // TEAM_SIZE)
            ],
        )
        team_ids = connection.execute(select(LearningTeam.id).order_by(LearningTeam.id)).scalars().all()
        connection.execute(
            insert(TeamMember),
            [
                {
                    "learning_team_id": team_ids[index // TEAM_SIZE],
                    "person_id": person_id,
                    "role": TeamRole.LEAD if index % TEAM_SIZE == 0 else TeamRole.MEMBER,
                }
                for index, person_id in enumerate(person_ids[: len(team_ids) * TEAM_SIZE])
            ],
        )
        connection.execute(
            insert(Skill), [{"team_id": TEAM_ID, "name": f"skill{number}"} for number in range(SKILLS)]
        )
        skill_ids = connection.execute(select(Skill.id).order_by(Skill.id)).scalars().all()
        for start in range(0, entries, CHUNK):
            rows = [
                {
                    "team_id": TEAM_ID,
                    "person_id": rng.choice(person_ids),
                    "what": sentences.sentence(),
                    "minutes": rng.choice((15, 20, 30, 45, 60)),
                    "kind": rng.choice(list(EntryKind)),
                    "source": EntrySource.COMMAND,
                    "visibility": Visibility.PRIVATE if rng.random() < 0.2 else Visibility.TEAM,
                    "local_day": (now - timedelta(days=rng.randint(0, 700))).date(),
                    "created_at": now,
                    "updated_at": now,
                }
                for _ in range(min(CHUNK, entries - start))
            ]
            connection.execute(insert(LearningEntry), rows)
        first, last = connection.execute(text("SELECT min(id), max(id) FROM learning_entries")).one()
        tags = {
            (entry_id, skill_id)
            for entry_id in range(first, last + 1)
            for skill_id in rng.sample(skill_ids, rng.choice((0, 0, 1, 2)))
        }
        tag_rows = [{"entry_id": entry_id, "skill_id": skill_id} for entry_id, skill_id in tags]
        for start in range(0, len(tag_rows), CHUNK * 5):
            connection.execute(insert(entry_skills), tag_rows[start : start + CHUNK * 5])
        for start in range(0, QUESTIONS, CHUNK):
            connection.execute(
                insert(HelpQuestion),
                [
                    {
                        "team_id": TEAM_ID,
                        "asker_id": rng.choice(person_ids),
                        "text": sentences.sentence() + "?",
                        "urgency": Urgency.NORMAL,
                        "status": QuestionStatus.RESOLVED,
                        "channel_id": "C0HELP" if rng.random() < 0.8 else "G0PRIVATE",
                        "in_public_channel": rng.random() < 0.8,
                        "message_ts": f"1700000000.{number:06d}",
                        "created_at": now,
                        "updated_at": now,
                        "posted_at": now,
                        "resolved_at": now,
                    }
                    for number in range(start, min(QUESTIONS, start + CHUNK))
                ],
            )
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: hint bits and the visibility map, not cold pages.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def percentiles(timings: list[float]) -> str:
    ordered = sorted(timings)

    def pick(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {pick(0.95):.1f} ms, "
        f"p99 {pick(0.99):.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


def measure(engine: Engine, runs: list[Callable[[], int]]) -> tuple[list[float], list[int], list[int]]:
    """Time each run and count its SQL statements; each returns how many things it found."""
    counter = {"n": 0}

    def count(*args: object) -> None:
        # SQLite's engine begins every transaction with BEGIN IMMEDIATE: not part of the work measured.
        if not str(args[2]).startswith("BEGIN"):
            counter["n"] += 1

    timings: list[float] = []
    statements: list[int] = []
    found: list[int] = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for run in runs:
            counter["n"] = 0
            start = time.perf_counter()
            found.append(run())
            timings.append(time.perf_counter() - start)
            statements.append(counter["n"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return timings, statements, found


def searches(engine: Engine, sentences: Sentences, people: int) -> None:
    sessions = db.make_sessionmaker(engine)
    rng = random.Random(23)

    def one(user_id: str, typed: str) -> Callable[[], int]:
        def run() -> int:
            with sessions() as session:
                query = SearchQuery.build(typed)
                found = search_entries(session, find_person(session, WORKSPACE, user_id), query)
                search_results_message(typed, found)
                return len(found)

        return run

    def typed() -> str:
        if rng.random() < 0.1:
            return f"#skill{rng.randrange(SKILLS)}"
        return " ".join(sentences.words_of(rng.randint(1, 3)))

    runs = [one(f"U{rng.randrange(people):07d}", typed()) for _ in range(SAMPLES)]
    timings, statements, found = measure(engine, runs)
    print(f"  search: {percentiles(timings)}")
    print(
        f"  SQL statements per search: {sorted(set(statements))}; "
        f"results per search: median {statistics.median(found):.0f}, none for {found.count(0)}"
    )
    common = " ".join(sentences.words[:3])
    worst, _, worst_found = measure(engine, [one(f"U{rng.randrange(people):07d}", common) for _ in range(30)])
    print(f"  the three most common words ({worst_found[0]} found): {percentiles(worst)}")


def lookups(engine: Engine, sentences: Sentences) -> None:
    sessions = db.make_sessionmaker(engine)

    def one(words: str) -> Callable[[], int]:
        def run() -> int:
            with sessions() as session:
                new = HelpQuestion(id=0, team_id=TEAM_ID, text=words)
                return len(answered_before(session, new))

        return run

    runs = [one(sentences.sentence() + "?") for _ in range(SAMPLES)]
    timings, statements, found = measure(engine, runs)
    print(f"  answered-before lookup: {percentiles(timings)}")
    print(
        f"  SQL statements per lookup: {sorted(set(statements))}; "
        f"candidates: median {statistics.median(found):.0f}, none for {found.count(0)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("LEARNFIT_TEST_DATABASE_URL"))
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL run")
    args = parser.parse_args()
    now = datetime.now(UTC)
    servers = ([] if args.skip_sqlite else [None]) + ([args.database_url] if args.database_url else [])
    for server in servers:
        with database(server) as url:
            engine = db.make_engine(url)
            print(f"database: {engine.dialect.name}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
            sentences = Sentences(random.Random(7))
            start = time.perf_counter()
            fill(engine, sentences, people=args.people, entries=args.entries, now=now)
            print(
                f"  {args.people:,} people, {args.entries:,} entries, {QUESTIONS:,} resolved questions "
                f"(inserted in {time.perf_counter() - start:.1f} s)"
            )
            searches(engine, sentences, args.people)
            lookups(engine, sentences)
            engine.dispose()


if __name__ == "__main__":
    main()
