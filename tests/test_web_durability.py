"""Nothing acknowledged is lost: `learnfit web` as real processes, killed or stopped in the middle of a burst
of `/learn` from four clients, and two of them sharing one PostgreSQL database.

An acknowledged `/learn` is a 200 whose body is the confirmation: the entry was committed before it was sent.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot import db
from bot.forms.learning import LEARNING_MODAL
from bot.localslack import FakeSlack
from bot.localslack.payloads import interactive_body, signed_headers
from models import LearningEntry
from tests.conftest import ANA, BO, BOT_TOKEN, KEN, SIGNING_SECRET
from tests.support.databases import scratch_database
from tests.support.manifest import manifest_bot_scopes
from tests.support.payloads import CHANNEL_ID, TEST_TEAM, learning_form
from tests.support.processes import LearnfitWeb, learnfit_web

CLIENTS = 4
ACKED_BEFORE_STOPPING = 40  # enough that the signal lands while requests are in flight
STOP_SECONDS = 30  # what platforms allow between SIGTERM and SIGKILL
PEOPLE = (ANA, BO, KEN)
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_for_web(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of each kind for the processes to share (PostgreSQL when the run has one)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'web.db'}"
        db.upgrade(url)
        yield url
        return
    server_url = os.environ.get("LEARNFIT_TEST_DATABASE_URL")
    if not server_url:
        pytest.skip("LEARNFIT_TEST_DATABASE_URL is not set: PostgreSQL runs in CI's second pass")
    with scratch_database(server_url, prefix="learnfit_web") as url:
        db.upgrade(url)
        yield url


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack(scopes=",".join(manifest_bot_scopes())).start()
    for user_id, name, tz in (
        (ANA, "ana", "Europe/London"),
        (BO, "bo", "America/New_York"),
        (KEN, "ken", None),
    ):
        fake.add_user(user_id, name, tz=tz)
    fake.add_channel(CHANNEL_ID, "general")
    yield fake
    fake.stop()


@contextmanager
def web(workdir: Path, fake: FakeSlack, database_url: str, *, workers: int) -> Iterator[LearnfitWeb]:
    workdir.mkdir(parents=True, exist_ok=True)
    with learnfit_web(
        workdir,
        slack_api_url=fake.base_url,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        database_url=database_url,
        workers=workers,
    ) as server:
        yield server


@dataclass(frozen=True)
class Sent:
    trigger_id: str
    status: int | None  # None: no HTTP answer (refused, reset): Slack would show the person an error
    confirmation: str | None  # the ack's text


def post(base_url: str, body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Sent:
    request = urllib.request.Request(
        f"{base_url}/slack/events",
        data=body,
        headers=signed_headers(body, SIGNING_SECRET, content_type=content_type),
    )
    trigger = ""
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return Sent(trigger, response.status, json.loads(text).get("text") if text else None)
    except urllib.error.HTTPError as error:
        return Sent(trigger, error.code, None)
    except OSError:  # refused once the server stopped listening, or reset while in its backlog
        return Sent(trigger, None, None)


class Burst:
    """Four clients sending `/learn` back to back, each with its own trigger id, until told to stop or the
    server stops answering."""

    def __init__(self, base_url: str, fake: FakeSlack) -> None:
        self.base_url = base_url
        self.fake = fake
        self.sent: list[Sent] = []
        self.lock = threading.Condition()
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=CLIENTS)

    def __enter__(self) -> Burst:
        for client in range(CLIENTS):
            self.pool.submit(self._client, client)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.pool.shutdown(wait=True)

    def _client(self, client: int) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            trigger = f"{client}.{number}.burst"
            body = TEST_TEAM.command_body(
                "/learn",
                f"10m Burst note {client}-{number}",
                user_id=PEOPLE[client % len(PEOPLE)],
                channel_id=CHANNEL_ID,
                response_url=self.fake.response_url(),
                trigger_id=trigger,
            )
            sent = post(self.base_url, body)
            with self.lock:
                self.sent.append(Sent(trigger, sent.status, sent.confirmation))
                self.lock.notify_all()
            if sent.status is None:
                return

    def wait_for_acks(self, count: int) -> None:
        with self.lock:
            assert self.lock.wait_for(lambda: len(self.acked()) >= count, timeout=60), self.sent[-3:]

    def acked(self) -> list[Sent]:
        return [sent for sent in self.sent if sent.status == 200]


def stored_keys(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return [key for key in session.scalars(select(LearningEntry.idempotency_key)) if key]
    finally:
        engine.dispose()


def assert_refused(base_url: str) -> None:
    """The port stops answering soon after the parent died (Linux kills its workers with it)."""
    deadline = time.monotonic() + 10
    while post(base_url, b"").status is not None:
        assert time.monotonic() < deadline, "a worker is still serving after its parent was killed"
        time.sleep(0.05)  # real processes dying: there is no clock of ours to move


def assert_every_ack_was_a_stored_confirmation(burst: Burst, database_url: str) -> None:
    stored = stored_keys(database_url)
    assert len(stored) == len(set(stored))  # nothing stored twice
    acked = burst.acked()
    assert len(acked) >= ACKED_BEFORE_STOPPING
    for sent in acked:
        assert sent.confirmation, sent
        if "busy" in sent.confirmation:  # it queued too long for a thread: said so, and stored nothing
            assert f"command:{sent.trigger_id}" not in stored, f"answered busy but stored: {sent}"
            continue
        assert sent.confirmation.startswith("Logged"), sent
        assert f"command:{sent.trigger_id}" in stored, f"acknowledged but lost: {sent}"
    # What got no answer was never confirmed; what got one was a confirmation (no 5xx, no empty ack).
    assert {sent.status for sent in burst.sent} <= {200, None}


def test_sigkill_in_a_burst_loses_no_acknowledged_learn(
    tmp_path: Path, fake: FakeSlack, database_for_web: str
) -> None:
    with web(tmp_path / "web", fake, database_for_web, workers=2) as server:
        with Burst(server.url, fake) as burst:
            burst.wait_for_acks(ACKED_BEFORE_STOPPING)
            server.process.send_signal(signal.SIGKILL)  # the parent; its workers die with it
            server.process.wait(timeout=STOP_SECONDS)
        assert_every_ack_was_a_stored_confirmation(burst, database_for_web)
        assert_refused(server.url)  # no orphaned worker is still serving


def test_sigterm_in_a_burst_confirms_every_acknowledged_learn_and_exits_0(
    tmp_path: Path, fake: FakeSlack, database_for_web: str
) -> None:
    with web(tmp_path / "web", fake, database_for_web, workers=2) as server:
        with Burst(server.url, fake) as burst:
            burst.wait_for_acks(ACKED_BEFORE_STOPPING)
            stopped_at = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            assert server.process.wait(timeout=STOP_SECONDS) == 0
            assert time.monotonic() - stopped_at < STOP_SECONDS
        assert_every_ack_was_a_stored_confirmation(burst, database_for_web)
        assert "Traceback" not in server.log.read_text()


def test_two_web_processes_on_one_postgresql_store_retries_and_double_submissions_once(
    tmp_path: Path, fake: FakeSlack, database_for_web: str
) -> None:
    if database_for_web.startswith("sqlite"):
        pytest.skip("two hosts share a server database; the embedded SQLite file belongs to one host")
    with ExitStack() as stack:
        first = stack.enter_context(web(tmp_path / "one", fake, database_for_web, workers=1))
        second = stack.enter_context(web(tmp_path / "two", fake, database_for_web, workers=1))
        command = TEST_TEAM.command_body(
            "/learn",
            "30m Shared database",
            user_id=ANA,
            channel_id=CHANNEL_ID,
            response_url=fake.response_url(),
            trigger_id="1.retried",
        )
        view = {"id": "V0TWICE", "type": "modal", "callback_id": LEARNING_MODAL, "private_metadata": ""}
        submission = interactive_body(
            TEST_TEAM.view_submission(view, learning_form(), user_id=BO, view_id="V0TWICE")
        )

        with ThreadPoolExecutor(max_workers=4) as pool:  # a retry and a double click, one to each host
            answers = list(
                pool.map(
                    lambda target: post(*target),
                    [
                        (first.url, command),
                        (second.url, command),
                        (first.url, submission),
                        (second.url, submission),
                    ],
                )
            )

    assert [answer.status for answer in answers] == [200, 200, 200, 200]
    # Both hosts confirm the command (one of them as already logged); the form closes on both.
    assert all("logged" in (answer.confirmation or "").lower() for answer in answers[:2])
    stored = stored_keys(database_for_web)
    assert sorted(stored) == ["command:1.retried", "view:V0TWICE"]
    engine = create_engine(database_for_web)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(LearningEntry)) == 2
    engine.dispose()
