"""`learnfit web` as Slack meets it: a real process on a real port, signed requests over HTTP, the fake Slack
Web API for everything the app says back, and the SQLite file it writes."""

from __future__ import annotations

import hashlib
import hmac
import json
import selectors
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.localslack import FakeSlack
from bot.localslack.payloads import signed_headers
from bot.settings import Settings
from models import LearningEntry, Person, Skill
from models.learning import entry_skills
from tests.conftest import ANA, BO, BOT_TOKEN, KEN, SIGNING_SECRET
from tests.support.environment import app_environment
from tests.support.manifest import manifest_bot_scopes
from tests.support.payloads import CHANNEL_ID, TEAM_ID, TEST_TEAM
from tests.support.processes import LEARNFIT_WEB, STARTUP_SECONDS, free_port, learnfit_web

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
        server = stack.enter_context(
            learnfit_web(
                workdir, slack_api_url=fake.base_url, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET
            )
        )
        yield WebProcess(server.process, server.url, server.database, fake, server.log)


def learn_body(web: WebProcess, text: str, *, user: str) -> tuple[bytes, str]:
    """A /learn form body and the key of its response_url on the fake."""
    response_url = web.fake.response_url()
    key = urlsplit(response_url).path.rsplit("/", 1)[-1]
    return TEST_TEAM.command_body(
        "/learn", text, user_id=user, channel_id=CHANNEL_ID, response_url=response_url
    ), key


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


def test_learn_over_http_is_stored_before_the_ack_which_carries_the_confirmation(web: WebProcess) -> None:
    body, key = learn_body(web, LEARN_TEXT, user=ANA)

    reply = web.post_signed(body)

    assert reply.status == 200
    assert reply.seconds < ACK_DEADLINE_SECONDS
    confirmation = json.loads(reply.body)
    assert "45m" in confirmation["text"]
    assert "Paired with Ana on task cancellation" in confirmation["text"]
    shown = json.dumps(confirmation["blocks"])
    assert "45m" in shown
    assert "Paired with Ana on task cancellation" in shown
    assert "#python" in shown and "#asyncio" in shown
    assert_logged_once(web, ANA)  # stored by the time Slack had its answer

    # A redelivery carries the same trigger_id: Learnfit answers again but keeps one entry.
    again = web.post_signed(body)

    assert again.status == 200
    assert "45m" in json.loads(again.body)["text"]  # the same entry shown again, not an error
    assert_logged_once(web, ANA)
    assert [call for call in web.fake.calls_to("response_url") if call.path == key] == []


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
    barrier, _ = learn_body(web, "5m barrier", user=KEN)
    assert web.post_signed(barrier).status == 200  # stored before its ack
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


# ---------------------------------------------------------------------- traffic nobody signed

MiB = 1024 * 1024
CAP: int = Settings.model_fields["max_request_body_bytes"].default
JSON = "application/json"


def raw_request(headers: Sequence[tuple[str, str | bytes]], body: bytes = b"") -> bytes:
    """A request as bytes, for what urllib will not send: a header twice, a value that is not text, a length
    that no body follows."""
    lines = [b"POST /slack/events HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [
        name.encode() + b": " + (value if isinstance(value, bytes) else value.encode())
        for name, value in headers
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def connect(web: WebProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", urlsplit(web.base_url).port or 80), timeout=10)


def status_of(connection: socket.socket) -> int:
    """The status of the answer, read to the end (the server closes the connection after it)."""
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return int(answer.split(b" ", 2)[1])


def has_answered(connection: socket.socket) -> bool:
    """Whether the server has begun its answer (looked at without waiting)."""
    with selectors.DefaultSelector() as selector:
        selector.register(connection, selectors.EVENT_READ)
        return bool(selector.select(timeout=0))


def exchange(web: WebProcess, request: bytes) -> int:
    with connect(web) as connection:
        connection.sendall(request)
        return status_of(connection)


def refusals(web: WebProcess) -> list[str]:
    return [line for line in web.log.read_text().splitlines() if "refused a request" in line]


def signature(body: bytes, timestamp: str | bytes, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 signature over any timestamp, even one Slack would never send."""
    stamp = timestamp if isinstance(timestamp, bytes) else timestamp.encode()
    return "v0=" + hmac.new(secret.encode(), b"v0:" + stamp + b":" + body, hashlib.sha256).hexdigest()


def signed(body: bytes, content_type: str = FORM) -> list[tuple[str, str | bytes]]:
    stamp = str(int(time.time()))
    return [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("X-Slack-Request-Timestamp", stamp),
        ("X-Slack-Signature", signature(body, stamp)),
    ]


def unsigned(body: bytes, content_type: str = FORM) -> list[tuple[str, str | bytes]]:
    return [("Content-Type", content_type), ("Content-Length", str(len(body)))]


def assert_refused_once(web: WebProcess, request: bytes, status: int) -> None:
    """The answer is `status`, the log gains one line for it, and nothing in the log is a traceback."""
    before = refusals(web)

    assert exchange(web, request) == status

    logged = refusals(web)[len(before) :]
    assert len(logged) == 1, logged
    assert str(status) in logged[0]
    assert "Traceback" not in web.log.read_text()


@pytest.mark.parametrize(
    "declared",
    [CAP + 1, 2 * MiB, 200 * MiB, 10**30],
    ids=["cap-plus-one", "2MiB", "200MiB", "10^30"],
)
def test_a_body_declared_over_the_cap_is_refused_before_any_of_it_is_sent(
    web: WebProcess, declared: int
) -> None:
    # Only the headers go out: the 413 arrives without the server waiting for the body it would have read.
    head = raw_request([("Content-Type", FORM), ("Content-Length", str(declared))])

    assert_refused_once(web, head, 413)


def test_a_body_of_exactly_the_cap_is_read_then_judged_by_its_signature(web: WebProcess) -> None:
    body = b"a=" + b"b" * (CAP - 2)

    assert_refused_once(web, raw_request(unsigned(body), body), 401)


def test_a_chunked_body_without_a_length_is_refused_once_it_passes_the_cap(web: WebProcess) -> None:
    chunk = b"a" * (64 * 1024)
    before = refusals(web)
    sent = 0
    with connect(web) as connection:
        connection.sendall(raw_request([("Content-Type", FORM), ("Transfer-Encoding", "chunked")]))
        try:
            # Stream up to 200 MiB, stopping as soon as the server has answered.
            while sent < 200 * MiB and not has_answered(connection):
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection once it had answered
        try:
            status: int | None = status_of(connection)
        except ConnectionResetError:
            # Closing with the rest of the body unread resets the connection, which can overtake the answer.
            status = None

    assert status in (413, None)
    assert sent < 32 * MiB  # the cap, and what the sockets' buffers held before the answer
    logged = refusals(web)[len(before) :]
    assert len(logged) == 1 and "413" in logged[0], logged
    assert "Traceback" not in web.log.read_text()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


MALFORMED_BODIES = {
    "not-utf8": (b"command=%2Flearn&text=caf\xe9", FORM),
    "utf8-surrogate": (b"command=%2Flearn&text=\xed\xa0\x80", FORM),
    "payload-not-json": (b"payload=not-json", FORM),
    "payload-cut-short": (urlencode({"payload": '{"type": "block_actions", "user": {'}).encode(), FORM),
    "payload-a-list": (urlencode({"payload": "[]"}).encode(), FORM),
    "payload-a-string": (urlencode({"payload": '"block_actions"'}).encode(), FORM),
    "payload-nested-deeply": (urlencode({"payload": nested(100_000)}).encode(), FORM),
    "json-type-not-json": (b"command=/learn&text=hello", JSON),
    "json-type-with-charset-not-json": (b"hello", "application/json; charset=utf-8"),
    "json-type-a-list": (b'[{"type": "event_callback"}]', JSON),
    "json-type-a-number-of-5000-digits": (b'{"n": 1' + b"0" * 5000 + b"}", JSON),
    "form-type-opening-brace": (b"{text=hello", FORM),
}


@pytest.mark.parametrize(("body", "content_type"), MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
@pytest.mark.parametrize(("sign", "status"), [(signed, 400), (unsigned, 401)], ids=["signed", "unsigned"])
def test_a_body_bolt_cannot_parse_gets_400_if_signed_and_401_if_not(
    web: WebProcess,
    body: bytes,
    content_type: str,
    sign: Callable[[bytes, str], list[tuple[str, str | bytes]]],
    status: int,
) -> None:
    assert_refused_once(web, raw_request(sign(body, content_type), body), status)


def bad_timestamps(now: int) -> dict[str, str | bytes]:
    return {
        "empty": "",
        "letters": "abc",
        "exponent": "1e9",
        "plus-sign": f"+{now}",
        "decimal": f"{now}.0",
        "underscores": f"{now:_}",
        "negative": f"-{now}",
        "5000-digits": "9" * 5000,
        "arabic-digits": "".join(chr(0x0660 + int(digit)) for digit in str(now)).encode(),
        "six-minutes-ahead": str(now + 360),
        "six-minutes-old": str(now - 360),
    }


@pytest.mark.parametrize("case", bad_timestamps(0).keys())
def test_a_malformed_or_far_off_timestamp_gets_401_even_with_a_signature_over_it(
    web: WebProcess, case: str
) -> None:
    body = b"command=%2Flearn&text=5m"
    timestamp = bad_timestamps(int(time.time()))[case]
    headers = [
        *unsigned(body),
        ("X-Slack-Request-Timestamp", timestamp),
        ("X-Slack-Signature", signature(body, timestamp)),
    ]

    assert_refused_once(web, raw_request(headers, body), 401)


def bad_signatures(body: bytes, stamp: str) -> dict[str, str | bytes]:
    right = signature(body, stamp)
    return {
        "empty": "",
        "prefix-only": "v0=",
        "one-digit-short": right[:-1],
        "one-digit-long": right + "0",
        "other-version": "v1=" + right.removeprefix("v0="),
        "upper-case": "v0=" + right.removeprefix("v0=").upper(),
        "not-ascii": b"v0=" + b"\xe9" * 64,
        "5000-characters": "v0=" + "a" * 4997,
    }


@pytest.mark.parametrize("case", bad_signatures(b"", "0").keys())
def test_a_signature_header_of_the_wrong_shape_gets_401(web: WebProcess, case: str) -> None:
    body = b"command=%2Flearn&text=5m"
    stamp = str(int(time.time()))
    headers = [
        *unsigned(body),
        ("X-Slack-Request-Timestamp", stamp),
        ("X-Slack-Signature", bad_signatures(body, stamp)[case]),
    ]

    assert_refused_once(web, raw_request(headers, body), 401)


@pytest.mark.parametrize(
    "length",
    ["abc", "-1", "1e3", "0x10", "9" * 5000],
    ids=["letters", "negative", "exponent", "hex", "5000-digits"],
)
def test_a_content_length_that_is_not_a_number_gets_400(web: WebProcess, length: str) -> None:
    assert_refused_once(web, raw_request([("Content-Type", FORM), ("Content-Length", length)]), 400)


def test_repeated_headers_are_refused(web: WebProcess) -> None:
    body = b"command=%2Flearn&text=5m"
    [content_type, length, stamp, sign] = signed(body)

    assert_refused_once(web, raw_request([content_type, length, stamp, stamp, sign], body), 401)
    assert_refused_once(web, raw_request([content_type, length, stamp, sign, sign], body), 401)
    assert_refused_once(web, raw_request([content_type, length, length, stamp, sign]), 400)  # refused unread
    assert_refused_once(web, raw_request(unsigned(body), body), 401)  # and none at all


def test_the_log_holds_no_secret_token_or_request_body(web: WebProcess) -> None:
    body, _ = learn_body(web, "5m #secrets Rotated the deploy keys", user=KEN)
    assert web.post_signed(body).status == 200
    unsigned_body = b"command=%2Flearn&text=5m+a+note+nobody+signed"
    assert exchange(web, raw_request(unsigned(unsigned_body), unsigned_body)) == 401

    log = web.log.read_text()

    assert SIGNING_SECRET not in log and BOT_TOKEN not in log
    for text in ("Rotated the deploy keys", "Rotated+the+deploy+keys", "nobody signed", "nobody+signed"):
        assert text not in log
