"""`learnfit web` as Slack meets it: a real process on a real port, signed requests over HTTP, the fake Slack
Web API for everything the app says back, and the SQLite file it writes."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from bot.localslack import FakeSlack, RecordedCall
from bot.localslack.payloads import signed_headers
from models import LearningEntry, Person, Skill
from models.learning import entry_skills
from tests.conftest import ANA, BO, BOT_TOKEN, KEN, SIGNING_SECRET
from tests.support.environment import app_environment
from tests.support.manifest import manifest_bot_scopes
from tests.support.payloads import CHANNEL_ID, TEAM_ID, TEST_TEAM
from tests.support.processes import LEARNFIT_WEB, STARTUP_SECONDS, free_port, serving

FORM = "application/x-www-form-urlencoded"
LEARN_TEXT = "45m #python #asyncio Paired with Ana on task cancellation"
ACK_DEADLINE_SECONDS = 3  # Slack shows the person an error if the ack takes longer


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    seconds: float


@dataclass
class WebProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    database: Engine
    fake: FakeSlack
    log: Path

    def post(self, body: bytes, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(f"{self.base_url}/slack/events", data=body, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read(), time.perf_counter() - started)
        except urllib.error.HTTPError as error:  # urllib raises for 4xx/5xx; the status is what we test
            return Reply(error.code, error.read(), time.perf_counter() - started)

    def post_signed(
        self, body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
    ) -> Reply:
        return self.post(body, signed_headers(body, secret, timestamp=timestamp, content_type=FORM))


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    workdir = tmp_path_factory.mktemp("web")
    with ExitStack() as stack:
        fake = FakeSlack(scopes=",".join(manifest_bot_scopes())).start()
        stack.callback(fake.stop)
        for user_id, name, tz in (
            (ANA, "ana", "Europe/London"),
            (BO, "bo", "America/New_York"),
            (KEN, "ken", "Asia/Tokyo"),
        ):
            fake.add_user(user_id, name, tz=tz)
        fake.add_channel("C0GENERAL", "general")
        port = free_port()
        database_url = f"sqlite:///{workdir / 'learnfit.db'}"
        env = app_environment(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.base_url,
            DATABASE_URL=database_url,
            PORT=str(port),
        )
        log = workdir / "web.log"
        # cwd is a scratch directory so a developer's .env in the repo cannot leak into the process.
        process = stack.enter_context(serving(LEARNFIT_WEB, port=port, env=env, cwd=workdir, log=log))
        database = create_engine(database_url)
        stack.callback(database.dispose)
        yield WebProcess(process, f"http://127.0.0.1:{port}", database, fake, log)


def learn_body(web: WebProcess, text: str, *, user: str) -> tuple[bytes, str]:
    """A /learn form body and the key of its response_url on the fake."""
    response_url = web.fake.response_url()
    key = urlsplit(response_url).path.rsplit("/", 1)[-1]
    return TEST_TEAM.command_body(
        "/learn", text, user_id=user, channel_id=CHANNEL_ID, response_url=response_url
    ), key


def responses_to(fake: FakeSlack, key: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
    """Wait for `count` posts to one response_url, however many other response URLs were posted to."""
    deadline = time.monotonic() + timeout
    seen = 1
    while True:
        calls = fake.wait_for("response_url", seen, timeout=max(0.0, deadline - time.monotonic()))
        mine = [call for call in calls if call.path == key]
        if len(mine) >= count:
            return mine
        seen = len(calls) + 1


def entries_of(web: WebProcess, user_id: str) -> list[tuple[LearningEntry, set[str]]]:
    with Session(web.database) as session:
        entries = session.scalars(
            select(LearningEntry)
            .join(Person, LearningEntry.person_id == Person.id)
            .where(LearningEntry.team_id == TEAM_ID, Person.user_id == user_id)
        ).all()
        return [
            (
                entry,
                set(
                    session.scalars(
                        select(Skill.name)
                        .join(entry_skills, entry_skills.c.skill_id == Skill.id)
                        .where(Skill.team_id == TEAM_ID, entry_skills.c.entry_id == entry.id)
                    )
                ),
            )
            for entry in entries
        ]


def entry_count(web: WebProcess) -> int:
    with Session(web.database) as session:
        return session.scalar(select(func.count()).select_from(LearningEntry)) or 0


def assert_logged_once(web: WebProcess, user_id: str) -> None:
    [(entry, skills)] = entries_of(web, user_id)
    assert entry.minutes == 45
    assert entry.source == "command"
    assert entry.what == "Paired with Ana on task cancellation"
    assert skills == {"python", "asyncio"}


def test_learn_over_http_acks_at_once_then_confirms_and_stores_one_entry(web: WebProcess) -> None:
    body, key = learn_body(web, LEARN_TEXT, user=ANA)

    reply = web.post_signed(body)

    assert (reply.status, reply.body) == (200, b"")
    assert reply.seconds < ACK_DEADLINE_SECONDS
    [confirmation] = responses_to(web.fake, key)
    assert "45 min" in confirmation.args["text"]
    assert "Paired with Ana on task cancellation" in confirmation.args["text"]
    shown = json.dumps(confirmation.args["blocks"])
    assert "45 min" in shown
    assert "Paired with Ana on task cancellation" in shown
    assert "#python" in shown and "#asyncio" in shown
    assert_logged_once(web, ANA)

    # A redelivery carries the same trigger_id: Learnfit answers again but keeps one entry.
    again = web.post_signed(body)

    assert again.status == 200
    second = responses_to(web.fake, key, count=2)[1]
    assert "45 min" in second.args["text"]  # the same entry shown again, not the error message
    assert_logged_once(web, ANA)


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [("not-the-signing-secret", 0), (SIGNING_SECRET, 301)],
    ids=["forged-signature", "stale-timestamp"],
)
def test_unverifiable_requests_get_401_and_store_nothing(
    web: WebProcess, secret: str, age_seconds: int
) -> None:
    body, key = learn_body(web, LEARN_TEXT, user=BO)
    before = entry_count(web)

    reply = web.post_signed(body, secret=secret, timestamp=int(time.time()) - age_seconds)

    assert reply.status == 401
    # A genuine request afterwards, answered in full, shows the app kept going and never ran the forged one.
    barrier, barrier_key = learn_body(web, "5m barrier", user=KEN)
    assert web.post_signed(barrier).status == 200
    responses_to(web.fake, barrier_key)
    assert entries_of(web, BO) == []
    assert entry_count(web) == before + 1
    assert [call for call in web.fake.calls_to("response_url") if call.path == key] == []
    assert [call for call in web.fake.calls_to("users.info") if call.args.get("user") == BO] == []


def test_healthz_reports_ok(web: WebProcess) -> None:
    with urllib.request.urlopen(f"{web.base_url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        health = json.loads(response.read())
    assert health["ok"] is True


def test_web_without_signing_secret_exits_with_one_line_naming_it(tmp_path: Path) -> None:
    env = app_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never called: the check comes first
        DATABASE_URL=f"sqlite:///{tmp_path / 'learnfit.db'}",
        PORT=str(free_port()),
    )

    result = subprocess.run(
        LEARNFIT_WEB,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
    )

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "SLACK_SIGNING_SECRET" in lines[0]
    assert "Traceback" not in result.stderr
