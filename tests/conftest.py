"""Fixtures: a real database (SQLite, or PostgreSQL via LEARNFIT_TEST_DATABASE_URL), the fake Slack Web API,
a controllable clock, and the real Bolt app behind its WSGI entry point."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, create_engine, delete
from sqlalchemy.orm import Session

import models
from bot import db
from bot.app import build_app
from bot.deps import Deps
from bot.localslack import FakeSlack
from bot.server import build_wsgi_app
from bot.settings import Settings
from tests.support.databases import scratch_database
from tests.support.driver import SlackDriver
from tests.support.manifest import manifest_bot_scopes

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
# A Tuesday, mid-morning in London.
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

ANA = "U0ANA"  # London
BO = "U0BO"  # New York
KEN = "U0KEN"  # Tokyo


class FakeClock:
    """The app's clock in tests: it only moves when a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def set(self, now: datetime) -> None:
        self.now = now


class DeferredWork:
    """The app's `later` in tests: work waits here until the test runs it, each when its time has come on
    the clock (which moves forward to it)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.waiting: list[tuple[datetime, Callable[[], None]]] = []

    def __call__(self, seconds: float, work: Callable[[], None]) -> None:
        self.waiting.append((self.clock.now + timedelta(seconds=seconds), work))

    def run(self) -> int:
        """Run what waits, in the order it falls due; how many pieces of work ran."""
        waiting, self.waiting = sorted(self.waiting, key=lambda item: item[0]), []
        for due, work in waiting:
            self.clock.set(max(self.clock.now, due))
            work()
        return len(waiting)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("LEARNFIT_TEST_DATABASE_URL")
    if not server_url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'learnfit.db'}"
        db.upgrade(url)
        yield url
        return
    with scratch_database(server_url) as url:
        db.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("engine")
    with engine.begin() as connection:
        for table in reversed(models.Base.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture(scope="session")
def reader_engine(database_url: str) -> Iterator[Engine]:
    """A plain engine for assertions: its reads never take the write lock the app's SQLite engine takes."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(reader_engine: Engine) -> Iterator[Session]:
    """A session for reading what the app stored."""
    with Session(reader_engine) as session:
        yield session


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture(scope="session")
def _fake_slack_server() -> Iterator[FakeSlack]:
    # The fake answers missing_scope for any method the manifest's scopes do not cover, as Slack does.
    with FakeSlack(scopes=",".join(manifest_bot_scopes())) as fake:
        fake.add_user(ANA, "ana", tz="Europe/London", real_name="Ana Lima")
        fake.add_user(BO, "bo", tz="America/New_York", real_name="Bo Chen")
        fake.add_user(KEN, "ken", tz="Asia/Tokyo", real_name="Ken Sato")
        fake.add_channel("C0GENERAL", "general")
        fake.add_channel("C0HELP", "help")
        fake.add_channel("C0OUTSIDE", "outside", is_member=False)
        yield fake


@pytest.fixture
def fake_slack(_fake_slack_server: FakeSlack) -> Iterator[FakeSlack]:
    _fake_slack_server.reset()
    _fake_slack_server.delete_files()
    yield _fake_slack_server
    assert not _fake_slack_server.violations, (
        f"Block Kit sent to Slack breaks its limits: {_fake_slack_server.violations}"
    )


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
    )


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the app's Slack client asked for (429 Retry-After, 5xx backoff), instead of sleeping."""
    return []


@pytest.fixture
def later(clock: FakeClock) -> DeferredWork:
    return DeferredWork(clock)


@pytest.fixture
def deps(engine: Engine, clock: FakeClock, later: DeferredWork) -> Deps:
    return Deps(sessions=db.make_sessionmaker(engine), clock=clock, later=later)


@pytest.fixture
def slack(
    settings: Settings, deps: Deps, engine: Engine, fake_slack: FakeSlack, sleeps: list[float]
) -> SlackDriver:
    app = build_app(settings, deps, engine=engine, process_before_response=True, sleep=sleeps.append)
    return SlackDriver(build_wsgi_app(app, engine, settings), SIGNING_SECRET, fake_slack)
