"""How long one person's `/fitness` card and App Home take to build in a busy workspace, in how many statements.

Migrates a scratch database with Alembic, bulk-loads a seeded workspace (1,000 people with two years of
learning: about 500,000 entries, their skills, goals and rest weeks), then times, for random people, the
card (`fitness_message(load_fitness_card(...))`) and App Home (the card again, goal progress and
`home_view`), each in its own transaction as a request would. SQLite always; PostgreSQL when a server URL is
given (a scratch database is created beside it and dropped afterwards):

    python bench/fitness_card.py [--people 1000 --years 2 --samples 300 --seed 1]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-sqlite] [--quick] [--profile]

It also counts the statements each request sends (a `before_cursor_execute` listener on the engine) for a
person with 10 entries and one with 2,000 entries and 20 goals: the counts must be equal. Where the time goes
is printed per stage (service step or view builder) and per statement; `--profile` adds a cProfile.
Goal: card and Home p95 under 50 ms on each database, and a fixed handful of statements.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import itertools
import math
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from types import ModuleType
from typing import Any, cast
from zoneinfo import ZoneInfo

# Run as a script, only this file's folder is on sys.path; the repo root holds `bench` and `tests` too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Connection, Engine, Table, event, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from bench.report import Percentiles, load_average, machine
from bot import db
from bot.services import fitness_card as fitness_card_service
from bot.services.fitness_card import load_fitness_card
from bot.services.people import Workspace, find_person, local_today
from bot.views.fitness import fitness_message
from bot.views.home import home_view
from models import (
    EntryKind,
    EntrySource,
    Goal,
    GoalStatus,
    GoalTarget,
    LearningEntry,
    Person,
    RestWeek,
    Skill,
    Visibility,
    entry_skills,
    goal_skills,
)
from tests.support.databases import scratch_database

try:  # goals on Home are being written alongside this benchmark; measure them once they exist
    from bot.services.goals import goal_progress
    from bot.views.goals import goal_lines
except ImportError:
    goal_progress = goal_lines = None  # type: ignore[assignment]

TEAM_ID = "T0BENCH"
WORKSPACE = Workspace(team_id=TEAM_ID)
# A Tuesday mid-morning in London, as in the tests: a fixed clock keeps seeded runs identical.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
GOAL_P95_MS = 50.0
NOON = clock_time(12)
BATCH = 20_000  # entries per executemany; the other tables flush alongside
WARMUP = 20
HEAVY_REPEATS = 21
LIGHT_USER, HEAVY_USER = "U0LIGHT", "U0HEAVY"
LIGHT_ENTRIES, HEAVY_ENTRIES, HEAVY_GOALS = 10, 2_000, 20

ZONES = {
    "Europe/London": 28,
    "America/New_York": 20,
    "Europe/Berlin": 15,
    "America/Los_Angeles": 12,
    "Asia/Kolkata": 10,
    "Asia/Tokyo": 6,
    "Australia/Sydney": 5,
    "America/Sao_Paulo": 4,
}
SKILLS = (
    "python", "go", "rust", "typescript", "javascript", "react", "vue", "css", "html", "sql", "postgresql",
    "sqlite", "redis", "kafka", "kubernetes", "docker", "terraform", "aws", "gcp", "azure", "linux",
    "networking", "security", "oauth", "observability", "prometheus", "grafana", "sre", "incident-response",
    "testing", "tdd", "ci", "git", "code-review", "architecture", "ddd", "microservices", "api-design",
    "graphql", "grpc", "performance", "profiling", "algorithms", "data-structures", "machine-learning",
    "statistics", "pandas", "spark", "dbt", "airflow", "accessibility", "ux", "product", "writing",
    "mentoring", "leadership", "facilitation", "negotiation", "public-speaking", "slack-api",
)  # fmt: skip


def weighted(weights: dict[Any, int]) -> tuple[Any, ...]:
    """Each value repeated by its weight (reduced): `table[int(random() * len(table))]` is a weighted pick."""
    step = math.gcd(*weights.values())
    return tuple(value for value, weight in weights.items() for _ in range(weight // step))


KINDS = weighted({EntryKind.JOB: 70, EntryKind.PEOPLE: 20, EntryKind.FORMAL: 10})
SOURCES = weighted({EntrySource.COMMAND: 60, EntrySource.MODAL: 30, EntrySource.SHORTCUT: 10})
MINUTES = weighted({5: 4, 10: 8, 15: 14, 20: 12, 25: 8, 30: 16, 40: 6, 45: 10, 60: 12, 75: 4, 90: 4, 120: 2})
ENTRIES_PER_DAY = weighted({1: 50, 2: 35, 3: 15})
SKILLS_PER_ENTRY = weighted({0: 20, 1: 45, 2: 25, 3: 10})
GOALS_PER_PERSON = weighted({0: 15, 1: 25, 2: 25, 3: 20, 4: 10, 5: 5})
REST_WEEKS = weighted({0: 30, 1: 30, 2: 20, 3: 12, 4: 8})
PRIVATE_SHARE = 0.10
FAVOURITE_SHARE = 0.8  # of an entry's skills, the share from the person's usual handful
GOAL_LINK_SHARE = 0.2  # of entries logged while a goal is open, the share linked to it in the form
EDITED_SHARE = 0.05
WHAT = (
    "Paired with a colleague on {skill} and finally understood the tricky part",
    "Read the {skill} docs on error handling",
    "Watched a conference talk about {skill} at scale",
    "Reviewed a pull request that used {skill} in a way I had not seen",
    "Worked through two chapters of a {skill} book",
    "Debugged a production issue; learned how {skill} behaves under load",
    "Asked in #help about {skill}; got a great explanation",
    "Tried {skill} on a side branch to compare approaches",
    "Online course module on {skill}",
    "Wrote notes on {skill} for the team wiki",
)
GOAL_TITLES = (
    "Learn {skill} basics",
    "Get comfortable with {skill}",
    "Ship a small project with {skill}",
    "Read a book on {skill}",
    "Give a lightning talk on {skill}",
)

people_table, skills_table, goals_table, entries_table, rest_weeks_table = (
    cast(Table, model.__table__) for model in (Person, Skill, Goal, LearningEntry, RestWeek)
)


# ---------------------------------------------------------------------- the workspace, generated


class Loader:
    """Rows buffered per table, inserted in foreign-key order with Core executemany in large batches."""

    ORDER = (
        people_table,
        skills_table,
        goals_table,
        goal_skills,
        entries_table,
        entry_skills,
        rest_weeks_table,
    )

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.rows: dict[Table, list[dict[str, Any]]] = {table: [] for table in self.ORDER}
        self.counts: dict[str, int] = defaultdict(int)

    def flush_if_full(self) -> None:
        if any(len(rows) >= BATCH for rows in self.rows.values()):
            self.flush()

    def flush(self) -> None:
        for table in self.ORDER:
            rows = self.rows[table]
            if rows:
                self.connection.execute(insert(table), rows)
                self.counts[table.name] += len(rows)
                self.rows[table] = []


@dataclass
class Habit:
    """One person: their timezone, how often they log, and the skills they mostly log."""

    person_id: int
    zone: ZoneInfo
    today: date  # their local day at NOW
    favourites: tuple[int, ...]
    goals: list[tuple[int, date, date]] = field(default_factory=list)  # id, counts from, counts until


class SeededWorkspace:
    """One seeded workspace, generated into a Loader: skills, then people with goals, entries, rest weeks.

    Weighted picks index precomputed tables with one `random()` each: at half a million entries,
    `random.choices` alone would cost most of the generation time.
    """

    def __init__(self, rng: random.Random, loader: Loader, years: int) -> None:
        self.rng = rng
        self.loader = loader
        self.span = round(365.25 * years)
        self.ids = {name: itertools.count(1) for name in ("person", "goal", "entry", "rest")}
        self.skill_ids = tuple(range(1, len(SKILLS) + 1))
        self.what = {
            skill_id: [text.format(skill=SKILLS[skill_id - 1]) for text in WHAT]
            for skill_id in self.skill_ids
        }
        self.links = {
            skill_id: f"https://learn.example.com/{SKILLS[skill_id - 1]}/" for skill_id in self.skill_ids
        }
        for skill_id, name in zip(self.skill_ids, SKILLS, strict=True):
            loader.rows[skills_table].append(
                {"id": skill_id, "team_id": TEAM_ID, "enterprise_id": None, "name": name}
            )

    # -- building blocks

    @staticmethod
    def midnight(habit: Habit, day: date) -> datetime:
        """The UTC instant the local day starts, by the day's noon offset (DST moves at night, not 8 to 7)."""
        return datetime.combine(day, NOON, tzinfo=habit.zone).astimezone(UTC) - timedelta(hours=12)

    def person(self, user_id: str) -> Habit:
        rng = self.rng
        zone = rng.choices(list(ZONES), weights=list(ZONES.values()))[0]
        habit = Habit(
            person_id=next(self.ids["person"]),
            zone=ZoneInfo(zone),
            today=NOW.astimezone(ZoneInfo(zone)).date(),
            favourites=tuple(rng.sample(self.skill_ids, rng.randint(4, 10))),
        )
        self.loader.rows[people_table].append(
            {
                "id": habit.person_id,
                "team_id": TEAM_ID,
                "enterprise_id": None,
                "user_id": user_id,
                "tz": zone,
                "tz_checked_at": NOW - timedelta(hours=rng.randint(1, 11)),
                "created_at": NOW - timedelta(days=self.span + rng.randint(1, 30)),
                "target_days_per_week": rng.choice((2, 3, 3, 3, 4, 5)),
                "target_minutes_per_week": rng.choice((60, 60, 90, 120, 150, 180, 240)),
            }
        )
        return habit

    def goal(
        self,
        habit: Habit,
        created_day: date,
        *,
        status: GoalStatus | None = None,
        done_at: datetime | None = None,
    ) -> None:
        """A goal set on `created_day`; without a status, one that fits its due date (met, dropped, overdue)."""
        rng = self.rng
        goal_id = next(self.ids["goal"])
        today = habit.today
        created_at = min(
            self.midnight(habit, created_day) + timedelta(minutes=rng.randint(9 * 60, 18 * 60)), NOW
        )
        kind = rng.choices((GoalTarget.MINUTES, GoalTarget.SESSIONS, GoalTarget.DATE), (50, 30, 20))[0]
        target = {
            GoalTarget.MINUTES: rng.choice((300, 600, 900, 1200, 1800, 3000)),
            GoalTarget.SESSIONS: rng.choice((5, 8, 10, 12, 20, 30)),
            GoalTarget.DATE: None,
        }[kind]
        due: date | None = created_day + timedelta(days=rng.randint(21, 200))
        if kind is not GoalTarget.DATE and rng.random() < 0.25:
            due = None
        if status is None:
            statuses = (GoalStatus.ACTIVE, GoalStatus.DONE, GoalStatus.DROPPED)
            past_due = due is not None and due < today
            status = rng.choices(statuses, (25, 50, 25) if past_due else (80, 15, 5))[0]
        if done_at is None and status is not GoalStatus.ACTIVE:
            ends = min(due or today, today)
            done_at = min(NOW, created_at + timedelta(days=rng.randint(0, max(0, (ends - created_day).days))))
        updated_at = done_at or created_at
        skills = rng.sample(habit.favourites, rng.choice((0, 1, 1, 2, 2, 3)))
        title_skill = SKILLS[skills[0] - 1] if skills else rng.choice(SKILLS)
        self.loader.rows[goals_table].append(
            {
                "id": goal_id,
                "team_id": TEAM_ID,
                "enterprise_id": None,
                "person_id": habit.person_id,
                "title": rng.choice(GOAL_TITLES).format(skill=title_skill),
                "why": "Our team takes this on next quarter." if rng.random() < 0.5 else None,
                "target_kind": kind,
                "target_value": target,
                "due_date": due,
                "status": status,
                "created_at": created_at,
                "updated_at": updated_at,
                "reached_at": done_at if status is GoalStatus.DONE and target is not None else None,
                "idempotency_key": f"{goal_id}.{TEAM_ID}.{rng.getrandbits(64):016x}",
            }
        )
        self.loader.rows[goal_skills].extend(
            {"goal_id": goal_id, "skill_id": skill_id} for skill_id in skills
        )
        until = today if status is GoalStatus.ACTIVE else updated_at.astimezone(habit.zone).date()
        habit.goals.append((goal_id, created_day, until))

    def day(self, habit: Habit, day: date, entries: int) -> None:
        """`entries` entries logged on one local day, between 8:00 and 19:00 (none after NOW)."""
        random, favourites, skill_ids = self.rng.random, habit.favourites, self.skill_ids
        entry_rows, skill_rows = self.loader.rows[entries_table], self.loader.rows[entry_skills]
        midnight = self.midnight(habit, day)
        open_goals = [goal_id for goal_id, since, until in habit.goals if since <= day <= until]
        for _ in range(entries):
            created_at = midnight + timedelta(minutes=480 + int(random() * 660))
            if created_at > NOW:
                continue
            entry_id = next(self.ids["entry"])
            skills = {
                favourites[int(random() * len(favourites))]
                if random() < FAVOURITE_SHARE
                else skill_ids[int(random() * len(skill_ids))]
                for _ in range(SKILLS_PER_ENTRY[int(random() * len(SKILLS_PER_ENTRY))])
            }
            skill_rows.extend({"entry_id": entry_id, "skill_id": skill_id} for skill_id in skills)
            about = next(iter(skills)) if skills else favourites[0]
            updated_at = created_at
            if random() < EDITED_SHARE:
                updated_at = min(NOW, created_at + timedelta(minutes=1 + int(random() * 3 * 24 * 60)))
            entry_rows.append(
                {
                    "id": entry_id,
                    "team_id": TEAM_ID,
                    "enterprise_id": None,
                    "person_id": habit.person_id,
                    "what": self.what[about][int(random() * len(WHAT))],
                    "minutes": MINUTES[int(random() * len(MINUTES))],
                    "kind": KINDS[int(random() * len(KINDS))],
                    "link": f"{self.links[about]}{entry_id}" if random() < 0.2 else None,
                    "source": SOURCES[int(random() * len(SOURCES))],
                    "visibility": Visibility.PRIVATE if random() < PRIVATE_SHARE else Visibility.TEAM,
                    "local_day": day,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    # A Slack trigger or view id in real life: unique per entry in the workspace.
                    "idempotency_key": f"{entry_id}.{TEAM_ID}.{self.rng.getrandbits(64):016x}",
                    "goal_id": (
                        open_goals[int(random() * len(open_goals))]
                        if open_goals and random() < GOAL_LINK_SHARE
                        else None
                    ),
                }
            )

    def rest_weeks(self, habit: Habit, count: int) -> None:
        mondays = set()
        for _ in range(count):
            day = habit.today - timedelta(days=self.rng.randrange(self.span))
            mondays.add(day - timedelta(days=day.weekday()))
        self.loader.rows[rest_weeks_table].extend(
            {
                "id": next(self.ids["rest"]),
                "team_id": TEAM_ID,
                "enterprise_id": None,
                "person_id": habit.person_id,
                "week_start": monday,
            }
            for monday in sorted(mondays)
        )

    # -- the people

    def typical(self, number: int) -> None:
        """Logs on 40-80% of weekdays (now and then at a weekend), 1-3 entries a day; a few goals, rest weeks."""
        rng = self.rng
        habit = self.person(user_id_of(number))
        weekday_rate, weekend_rate = rng.uniform(0.4, 0.8), rng.uniform(0, 0.08)
        first = habit.today - timedelta(days=self.span)
        goals = GOALS_PER_PERSON[int(rng.random() * len(GOALS_PER_PERSON))]
        for created in sorted(first + timedelta(days=rng.randrange(self.span)) for _ in range(goals)):
            self.goal(habit, created)
        random = rng.random
        for offset in range(self.span + 1):
            day = first + timedelta(days=offset)
            if random() < (weekday_rate if day.weekday() < 5 else weekend_rate):
                self.day(habit, day, ENTRIES_PER_DAY[int(random() * len(ENTRIES_PER_DAY))])
        self.rest_weeks(habit, REST_WEEKS[int(rng.random() * len(REST_WEEKS))])
        self.loader.flush_if_full()

    def light(self) -> None:
        """10 entries on the last 10 weekdays and one goal: the least history that runs every statement."""
        habit = self.person(LIGHT_USER)
        self.goal(habit, habit.today - timedelta(days=20), status=GoalStatus.ACTIVE)
        weekdays = (habit.today - timedelta(days=back) for back in itertools.count(1))
        for day in itertools.islice((day for day in weekdays if day.weekday() < 5), LIGHT_ENTRIES):
            self.day(habit, day, 1)
        self.rest_weeks(habit, 1)

    def heavy(self) -> None:
        """2,000 entries (2 or 3 every day for two years) and 20 goals: 10 active, 10 done this week."""
        rng = self.rng
        habit = self.person(HEAVY_USER)
        for _ in range(HEAVY_GOALS // 2):
            self.goal(habit, habit.today - timedelta(days=rng.randint(30, 300)), status=GoalStatus.ACTIVE)
        for n in range(HEAVY_GOALS - HEAVY_GOALS // 2):
            done = NOW - timedelta(days=1 + n % 6, hours=rng.randint(0, 12))
            created = habit.today - timedelta(days=rng.randint(30, 300))
            self.goal(habit, created, status=GoalStatus.DONE, done_at=done)
        days = 730
        busy = set(rng.sample(range(1, days + 1), HEAVY_ENTRIES - 2 * days))  # the days with 3 entries
        for back in range(1, days + 1):
            self.day(habit, habit.today - timedelta(days=back), 3 if back in busy else 2)
        self.rest_weeks(habit, 4)


def user_id_of(number: int) -> str:
    return f"U0B{number:07d}"


@dataclass(frozen=True)
class Loaded:
    counts: dict[str, int]
    seconds: float
    size_mb: float


def load_workspace(engine: Engine, args: argparse.Namespace) -> Loaded:
    """The whole workspace in one transaction; the same seed gives the same rows on every database."""
    started = time.perf_counter()
    with engine.begin() as connection:
        loader = Loader(connection)
        workspace = SeededWorkspace(random.Random(args.seed), loader, args.years)
        for number in range(args.people):
            workspace.typical(number)
        workspace.light()
        workspace.heavy()
        loader.flush()
    seconds = time.perf_counter() - started
    settle(engine)
    return Loaded(dict(loader.counts), seconds, database_megabytes(engine))


def settle(engine: Engine) -> None:
    """Leave the database as it would be in steady state after a bulk load."""
    if engine.dialect.name == "sqlite":
        # Fold the load's write-ahead log back into the file (outside a transaction, so on the DBAPI
        # connection: the app's engine begins every transaction). No ANALYZE: the app never runs it.
        connection = engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    else:
        # What autovacuum would have done soon after: planner statistics and the visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def database_megabytes(engine: Engine) -> float:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            path = engine.url.database or ""
            return os.path.getsize(path) / 1e6
        return (connection.scalar(text("SELECT pg_database_size(current_database())")) or 0) / 1e6


# ---------------------------------------------------------------------- statements, counted and timed


class Statements:
    """Counts and times every statement the engine sends while `recording`; labels each by its service."""

    def __init__(self, engine: Engine) -> None:
        self.recording = False
        self.sent: list[tuple[str, float]] = []
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    @contextmanager
    def record(self) -> Iterator[list[tuple[str, float]]]:
        self.sent = []
        self.recording = True
        try:
            yield self.sent
        finally:
            self.recording = False

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.recording:
            self._label = _label(statement)
            self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        if self.recording:
            self.sent.append((self._label, time.perf_counter() - self._started))


def _label(statement: str) -> str:
    """`fitness_card._daily_activity: SELECT learning_entries.local_day, ...`: who sent it, and its start."""
    frame = sys._getframe(2)
    while frame is not None and not frame.f_globals.get("__name__", "").startswith("bot."):
        frame = frame.f_back  # type: ignore[assignment]
    where = (
        "?" if frame is None else f"{frame.f_globals['__name__'].rsplit('.', 1)[-1]}.{frame.f_code.co_name}"
    )
    return f"{where}: {' '.join(statement.split())[:70]}"


class Stopwatch:
    """Wall time per stage of a request: the service steps, wrapped where their callers look them up, and the
    view builders. Whatever is left (the ORM session, small glue) shows as `other`."""

    def __init__(self) -> None:
        self.laps: dict[str, float] | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.laps is None:
            yield
            return
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps[name] = self.laps.get(name, 0.0) + time.perf_counter() - started

    @contextmanager
    def record(self) -> Iterator[dict[str, float]]:
        self.laps = {}
        try:
            yield self.laps
        finally:
            self.laps = None

    def wrap(self, module: ModuleType, name: str) -> None:
        original = getattr(module, name, None)
        if original is None or hasattr(original, "__wrapped__"):
            return
        label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(label):
                return original(*args, **kwargs)

        setattr(module, name, timed)


WATCH = Stopwatch()
STAGE_ORDER = (
    "fitness_card._daily_activity",
    "fitness_card.rest_week_starts",
    "fitness_card._help_credits",
    "fitness_card.fitness_summary",
    "fitness_card.recent_entries",
    "fitness_card._top_skills",
    "goals.goal_progress",
    "views fitness_message",
    "views goal_lines",
    "views home_view",
    "other",
)


def time_the_stages() -> None:
    """Time the card's steps where load_fitness_card looks them up (leaves only: no stage holds another)."""
    for label in STAGE_ORDER:
        module, _, name = label.partition(".")
        if module == "fitness_card":
            WATCH.wrap(fitness_card_service, name)


# ---------------------------------------------------------------------- the requests under test


def goal_blocks(session: Session, person: Person) -> list[dict[str, Any]]:
    if goal_progress is None or goal_lines is None:
        return []
    with WATCH.stage("goals.goal_progress"):
        progress = goal_progress(session, person, now=NOW)
    with WATCH.stage("views goal_lines"):
        return goal_lines(progress, today=local_today(person, NOW))


def build_card(session: Session, person: Person) -> dict[str, Any]:
    card = load_fitness_card(session, person, now=NOW)
    with WATCH.stage("views fitness_message"):
        return fitness_message(card)


def build_home(session: Session, person: Person) -> dict[str, Any]:
    """What bot.flows.home.home_for does, with the goal blocks wired in."""
    card = load_fitness_card(session, person, now=NOW)
    blocks = goal_blocks(session, person)
    with WATCH.stage("views home_view"):
        return home_view(card, blocks)


Build = Callable[[Session, Person], dict[str, Any]]


@dataclass
class Request:
    seconds: float
    cpu_seconds: float  # this thread's CPU time: SQLite's work, but not waiting for a busy CPU or a server
    statements: list[tuple[str, float]]
    stages: dict[str, float]


def request(sessions: sessionmaker[Session], statements: Statements, user_id: str, build: Build) -> Request:
    """One request's transaction: the person is looked up first (as person_scope does), then the timed build."""
    with sessions() as session, session.begin():
        person = find_person(session, WORKSPACE, user_id)
        assert person is not None, user_id
        with statements.record() as sent, WATCH.record() as stages:
            started, cpu_started = time.perf_counter(), time.thread_time()
            built = build(session, person)
            seconds, cpu_seconds = time.perf_counter() - started, time.thread_time() - cpu_started
    if not built["blocks"]:
        raise SystemExit(f"{build.__name__} built no blocks for {user_id}")
    stages["other"] = seconds - sum(stages.values())
    return Request(seconds, cpu_seconds, list(sent), dict(stages))


@dataclass
class Result:
    database: str
    loaded: Loaded
    card: Percentiles
    home: Percentiles
    card_cpu: Percentiles
    home_cpu: Percentiles
    card_statements: tuple[int, int]  # fewest and most over the samples
    home_statements: tuple[int, int]
    fixed: dict[str, dict[str, int]]  # card/home -> light/heavy -> statements
    heavy_ms: dict[str, float]  # card/home -> median ms for the heavy person
    per_statement: list[tuple[str, int, float, float]]  # label, times sent, mean ms, p95 ms
    stages: dict[str, dict[str, float]]  # card/home/heavy card/heavy home -> stage -> mean ms per request

    @property
    def met(self) -> bool:
        constant = all(counts["light"] == counts["heavy"] for counts in self.fixed.values())
        return self.card.p95 < GOAL_P95_MS and self.home.p95 < GOAL_P95_MS and constant


def mean_stages(requests: list[Request]) -> dict[str, float]:
    """Mean milliseconds per request in each stage (zero where a request had none of it)."""
    totals: dict[str, float] = defaultdict(float)
    for sample in requests:
        for stage, seconds in sample.stages.items():
            totals[stage] += seconds * 1000 / len(requests)
    return dict(totals)


def measure(engine: Engine, args: argparse.Namespace, loaded: Loaded, database: str) -> Result:
    sessions = db.make_sessionmaker(engine)
    statements = Statements(engine)
    rng = random.Random(args.seed + 1)
    people = [user_id_of(number) for number in range(args.people)]
    chosen = rng.sample(people, min(args.samples, len(people)))
    for user_id in rng.sample(people, min(WARMUP, len(people))):
        request(sessions, statements, user_id, build_card)
        request(sessions, statements, user_id, build_home)

    profiler = cProfile.Profile() if args.profile else None
    cards: list[Request] = []
    homes: list[Request] = []
    if profiler:
        profiler.enable()
    for user_id in chosen:
        cards.append(request(sessions, statements, user_id, build_card))
        homes.append(request(sessions, statements, user_id, build_home))
    if profiler:
        profiler.disable()
        print(f"\ncProfile of the {database} samples (card and Home), by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    fixed: dict[str, dict[str, int]] = {"card": {}, "home": {}}
    heavy: dict[str, list[Request]] = {}
    for name, build in (("card", build_card), ("home", build_home)):
        for who, user_id in (("light", LIGHT_USER), ("heavy", HEAVY_USER)):
            fixed[name][who] = len(request(sessions, statements, user_id, build).statements)
        heavy[name] = [request(sessions, statements, HEAVY_USER, build) for _ in range(HEAVY_REPEATS)]
    heavy_ms = {name: statistics.median(r.seconds * 1000 for r in runs) for name, runs in heavy.items()}

    timings: dict[str, list[float]] = defaultdict(list)
    for sample in (*cards, *homes):
        for label, seconds in sample.statements:
            timings[label].append(seconds * 1000)
    per_statement = sorted(
        (
            (label, len(ms), statistics.fmean(ms), statistics.quantiles(ms, n=20, method="inclusive")[18])
            for label, ms in timings.items()
            if len(ms) > 1
        ),
        key=lambda row: -row[1] * row[2],
    )

    stages = {
        name: mean_stages(requests)
        for name, requests in (
            ("card", cards),
            ("home", homes),
            ("heavy card", heavy["card"]),
            ("heavy home", heavy["home"]),
        )
    }

    def span(requests: list[Request]) -> tuple[int, int]:
        counts = [len(sample.statements) for sample in requests]
        return min(counts), max(counts)

    return Result(
        database=database,
        loaded=loaded,
        card=Percentiles.of([sample.seconds for sample in cards]),
        home=Percentiles.of([sample.seconds for sample in homes]),
        card_cpu=Percentiles.of([sample.cpu_seconds for sample in cards]),
        home_cpu=Percentiles.of([sample.cpu_seconds for sample in homes]),
        card_statements=span(cards),
        home_statements=span(homes),
        fixed=fixed,
        heavy_ms=heavy_ms,
        per_statement=per_statement,
        stages=stages,
    )


# ---------------------------------------------------------------------- databases


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="learnfit-bench-") as workdir:
        yield f"sqlite:///{Path(workdir) / 'learnfit.db'}"


def run_on(url: str, database: str, args: argparse.Namespace) -> Result:
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        loaded = load_workspace(engine, args)
        entries = loaded.counts["learning_entries"]
        print(
            f"{database}: loaded {entries:,} entries, {loaded.counts['entry_skills']:,} entry skills, "
            f"{loaded.counts['goals']:,} goals, {loaded.counts['rest_weeks']:,} rest weeks for "
            f"{loaded.counts['people']:,} people in {loaded.seconds:.1f} s "
            f"({entries / loaded.seconds:,.0f} entries/s), {loaded.size_mb:,.0f} MB",
            flush=True,
        )
        with engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(LearningEntry))
        if stored != entries:
            raise SystemExit(f"{database}: {stored} entries stored, {entries} generated")
        return measure(engine, args, loaded, database)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------- the report


def report(results: list[Result], args: argparse.Namespace) -> str:
    samples = min(args.samples, args.people)
    rows = [
        f"\n/fitness card and App Home build time, ms (load + Block Kit), {samples} random people of "
        f"{args.people:,}, {args.years} years of entries, after {WARMUP} warm-up people",
        f"{'database':<12}{'request':<8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'statements':>12}"
        f"{'heavy p50':>11}{'cpu p50':>9}{'cpu p95':>9}",
    ]
    for result in results:
        for name, figures, cpu, span in (
            ("card", result.card, result.card_cpu, result.card_statements),
            ("home", result.home, result.home_cpu, result.home_statements),
        ):
            counts = f"{span[0]}" if span[0] == span[1] else f"{span[0]}-{span[1]}"
            rows.append(
                f"{result.database:<12}{name:<8}{figures.p50:>8.2f}{figures.p95:>8.2f}{figures.p99:>8.2f}"
                f"{figures.max:>8.2f}{counts:>12}{result.heavy_ms[name]:>11.2f}{cpu.p50:>9.2f}{cpu.p95:>9.2f}"
            )
    rows.append(
        f"(statements: fewest-most over the samples; heavy p50: median of {HEAVY_REPEATS} builds for the "
        f"person with {HEAVY_ENTRIES:,} entries and {HEAVY_GOALS} goals; cpu: this process's CPU time, which\n"
        "leaves out waiting for a CPU that other processes hold, and PostgreSQL's own work. The goal is on wall "
        "time.)"
    )
    rows.append(
        f"\nSQL statements per request: a person with {LIGHT_ENTRIES} entries and 1 goal against one with "
        f"{HEAVY_ENTRIES:,} entries and {HEAVY_GOALS} goals"
    )
    light, heavy = f"{LIGHT_ENTRIES} entries", f"{HEAVY_ENTRIES:,} + {HEAVY_GOALS} goals"
    rows.append(f"{'database':<12}{'request':<8}{light:>12}{heavy:>18}{'equal':>8}")
    for result in results:
        for name, counts in result.fixed.items():
            equal = "yes" if counts["light"] == counts["heavy"] else "NO"
            rows.append(f"{result.database:<12}{name:<8}{counts['light']:>12}{counts['heavy']:>18}{equal:>8}")
    for result in results:
        rows.append(
            f"\nWhere {result.database}'s time goes, by stage: mean ms per request over the samples, and over "
            f"the {HEAVY_REPEATS} builds for the person with {HEAVY_ENTRIES:,} entries and {HEAVY_GOALS} goals"
        )
        columns = ("card", "home", "heavy card", "heavy home")
        rows.append(f"{'stage':<34}" + "".join(f"{column:>12}" for column in columns))
        names = [name for name in STAGE_ORDER if any(name in stages for stages in result.stages.values())]
        for name in names:
            rows.append(
                f"{name:<34}" + "".join(f"{_ms(result.stages[column].get(name)):>12}" for column in columns)
            )
        rows.append(
            f"{'total':<34}" + "".join(f"{sum(result.stages[column].values()):>12.2f}" for column in columns)
        )
        rows.append(
            f"\n{result.database}'s statements: how often sent, mean and p95 ms from execute to its return "
            "(SQLite may step through rows after that: the stages above include the fetch)"
        )
        rows.append(f"{'sent':>6}{'mean':>8}{'p95':>8}  statement")
        for label, sent, mean, p95 in result.per_statement:
            rows.append(f"{sent:>6}{mean:>8.2f}{p95:>8.2f}  {label}")
    rows.append(
        "\ngoals on Home: "
        + (
            "included (bot.services.goals.goal_progress + bot.views.goals.goal_lines)"
            if goal_progress is not None and goal_lines is not None
            else "NOT included (bot.services.goals.goal_progress / bot.views.goals.goal_lines not found)"
        )
    )
    for result in results:
        rows.append(
            f"{result.database}: card p95 {result.card.p95:.2f} ms, Home p95 {result.home.p95:.2f} ms "
            f"(goal < {GOAL_P95_MS:.0f}), statements constant: "
            f"{'yes' if all(c['light'] == c['heavy'] for c in result.fixed.values()) else 'NO'}"
        )
    met = all(result.met for result in results)
    rows.append(
        f"goal: p95 under {GOAL_P95_MS:.0f} ms and a fixed number of statements on "
        f"{' and '.join(result.database for result in results)}: {'MET' if met else 'NOT MET'}"
    )
    return "\n".join(rows)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="people in the workspace")
    parser.add_argument("--years", type=int, default=2, help="years of entries per person")
    parser.add_argument("--samples", type=int, default=300, help="random people timed (card and Home)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the data and the sample")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 people")
    parser.add_argument("--postgres-url", help="also run on a scratch database beside this one")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True, help="run on SQLite")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the timed samples")
    args = parser.parse_args(argv)
    if args.quick:
        args.people = 100
    if not args.sqlite and not args.postgres_url:
        parser.error("nothing to run: give --postgres-url or drop --no-sqlite")
    time_the_stages()
    print(machine())
    print(load_average("before"), flush=True)

    results: list[Result] = []
    if args.sqlite:
        with sqlite_database() as url:
            results.append(run_on(url, "sqlite", args))
    if args.postgres_url:
        with scratch_database(args.postgres_url, prefix="learnfit_bench") as url:
            results.append(run_on(url, "postgresql", args))
    print(report(results, args))
    print(load_average("after"))
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
