"""Time to confirmation of `/learn`: Learnfit against a bare Bolt app on the same server stack.

Starts `learnfit web` and bench/bare_bolt_app.py as subprocesses (each with WEB_CONCURRENCY worker processes,
by default one per CPU), both talking to a fake Slack Web API in its own process, and sends each the same
signed `/learn` requests over HTTP, one client and then 4 clients at once. A request is confirmed when the
person could see the confirmation: in the ack's body (an ephemeral message), or, for an app that acks empty
and answers later, when its reply reaches the request's `response_url` on the fake Slack.

SQLite always (a scratch file); PostgreSQL too when a server URL is given (a scratch database beside it,
migrated first, dropped afterwards):

    python bench/ack_latency.py [--requests 400 --warmup 40 --clients 4 --retries 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-sqlite] [--strict]
        [--bare-replies-later]

(LEARNFIT_TEST_DATABASE_URL, when set, stands for --database-url.) Every request has its own trigger_id and
must be stored exactly once; exact retries (the same body again, alone and racing the original) must store
nothing more. Goals, as ratios to the bare app measured in the same run: sequential p50 at most 1.2x; with 4
clients, p99 at most 3x + 30 ms and confirmations per second at least half. A miss prints MISS; only
--strict turns it into a non-zero exit status (a lost, doubled or refused request always does).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

# Run as a script, only this file's folder is on sys.path; the repo root holds `bench` and `tests` too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, func, select

from bench.report import Percentiles, load_average, machine
from bot import db
from bot.localslack.payloads import SlackPayloads, signed_headers
from models import LearningEntry
from tests.support.databases import scratch_database
from tests.support.environment import app_environment
from tests.support.processes import LearnfitWeb, free_port, learnfit_web, serving

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
TEAM_ID = "T0LEARN"  # FakeSlack's default team
FORM = "application/x-www-form-urlencoded"
WORKSPACE = SlackPayloads(
    team_id=TEAM_ID, team_domain="learnfit-test", channel_names={"C0GENERAL": "general"}
)
USERS = [f"U0BENCH{n}" for n in range(10)]  # entries spread over a few people, as in a real workspace
LEARN_TEXT = "45m #python #asyncio Paired with Ana on task cancellation"
CONFIRMED = "Logged"  # how both apps' confirmation text starts ("Already logged" shows in its blocks)
REPLY_SECONDS = 30  # how long an app that answers on response_url gets, after its ack
ROUND = 50  # requests per server before the other takes its turn: both meet the same load on the machine
SETTLE_SECONDS = 1.0
BARE_APP = Path(__file__).with_name("bare_bolt_app.py")

# Goals: Learnfit against the bare app, measured in the same run.
SEQUENTIAL_P50_RATIO = 1.2
CONCURRENT_P99_RATIO, CONCURRENT_P99_SLACK_MS = 3.0, 30.0
CONCURRENT_THROUGHPUT_RATIO = 0.5


# ---------------------------------------------------------------------- the fake Slack, in its own process


def _serve_fake_slack(conn: Connection) -> None:
    """Runs in a child process, so the fake's work never takes the GIL from the timing client."""
    from bot.localslack import FakeSlack

    with FakeSlack() as fake:
        for user_id in USERS:
            fake.add_user(user_id, user_id.lower(), tz="Europe/London")
        fake.add_channel("C0GENERAL", "general")
        conn.send((fake.base_url, fake.response_url("bench")))
        while True:
            request = conn.recv()
            if request[0] == "stop":
                return
            _, keys, timeout = request
            conn.send(_first_replies(fake, set(keys), timeout))


def _first_replies(fake: object, keys: set[str], timeout: float) -> dict[str, float]:
    """When (time.monotonic, the same clock on every process of this machine) each response_url key was
    first posted to; keys still unanswered after `timeout` are left out."""
    from bot.localslack import FakeSlack

    assert isinstance(fake, FakeSlack)
    deadline = time.monotonic() + timeout
    seen: dict[str, float] = {}
    while True:
        for call in fake.calls_to("response_url"):
            if call.path in keys and call.path not in seen:
                seen[call.path] = call.at
        if len(seen) == len(keys) or time.monotonic() > deadline:
            return seen
        time.sleep(0.01)  # another process is still answering; there is no event to wait on across processes


class FakeSlackProcess:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_fake_slack, args=(child,), daemon=True)
        self._process.start()
        self.base_url, bench_url = self._conn.recv()
        self.response_url_root = bench_url.rsplit("/", 1)[0]  # .../response; a request's key follows

    def first_replies(self, keys: Sequence[str], timeout: float) -> dict[str, float]:
        self._conn.send(("replies", list(keys), timeout))
        replies: dict[str, float] = self._conn.recv()
        return replies

    def stop(self) -> None:
        self._conn.send(("stop",))
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()


# ---------------------------------------------------------------------- the servers under test


@contextmanager
def bare_bolt(env: dict[str, str], workdir: Path, *, reply_later: bool) -> Iterator[Server]:
    """bench/bare_bolt_app.py on a free port, its output in bare.log."""
    port = free_port()
    argv = [sys.executable, str(BARE_APP), "--port", str(port), *(["--reply-later"] if reply_later else [])]
    with serving(
        argv, port=port, env={**env, "PORT": str(port)}, cwd=workdir, log=workdir / "bare.log"
    ) as process:
        yield Server("bare Bolt", port, process.pid)


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    pid: int  # the parent; its forked workers do the serving

    def cpu_seconds(self) -> float:
        """CPU time (user + system) so far of the server's processes: the parent and its live workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        pending = [self.pid]
        while pending:
            pid = pending.pop()
            try:
                # Fields after the command's closing parenthesis: state is the 3rd, utime the 14th, stime 15th.
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except FileNotFoundError:  # a worker gone between two reads
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
            pending += [int(child) for child in children]
        return total


# ---------------------------------------------------------------------- Slack's side of the conversation


@dataclass(frozen=True)
class Command:
    """One /learn invocation: its form body, and the key of its response_url on the fake Slack."""

    body: bytes
    key: str
    trigger_id: str


class Commands:
    """/learn form bodies, each with its own trigger_id and response_url as Slack gives every invocation."""

    def __init__(self, response_url_root: str) -> None:
        self._root = response_url_root
        self._serial = 0

    def next(self) -> Command:
        self._serial += 1
        n = self._serial
        key = f"bench-{n}"
        trigger_id = f"{n}.{TEAM_ID}.bench{n:08d}"
        body = WORKSPACE.command_body(
            "/learn",
            LEARN_TEXT,
            user_id=USERS[n % len(USERS)],
            channel_id="C0GENERAL",
            response_url=f"{self._root}/{key}",
            trigger_id=trigger_id,
        )
        return Command(body, key, trigger_id)

    def batch(self, count: int) -> list[Command]:
        return [self.next() for _ in range(count)]


@dataclass(frozen=True)
class Sent:
    command: Command
    started: float  # time.monotonic() as the request went out
    acked: float
    confirmed_in_ack: bool
    refusal: str | None  # what the app answered instead of a confirmation, if it did


def send(port: int, command: Command, *, retry: bool = False) -> Sent:
    """One signed request on a fresh connection (Slack promises no keep-alive)."""
    headers = signed_headers(command.body, SIGNING_SECRET, content_type=FORM)  # Slack's work: not timed
    if retry:  # as Slack marks a delivery it repeats
        headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        started = time.monotonic()
        connection.request("POST", "/slack/events", body=command.body, headers=headers)
        response = connection.getresponse()
        body = response.read()
        acked = time.monotonic()
    finally:
        connection.close()
    if response.status != 200:
        return Sent(command, started, acked, False, f"HTTP {response.status}")
    if not body:  # an empty ack: the confirmation comes on response_url
        return Sent(command, started, acked, False, None)
    text = str(json.loads(body).get("text", ""))
    if text.startswith(CONFIRMED):
        return Sent(command, started, acked, True, None)
    return Sent(command, started, acked, False, text[:120])


def send_all(port: int, commands: list[Command], clients: int) -> list[Sent]:
    if clients <= 1:
        return [send(port, command) for command in commands]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(lambda command: send(port, command), commands))


# ---------------------------------------------------------------------- figures


@dataclass
class Tally:
    """One server's measured requests in one phase, over all its rounds."""

    seconds_to_confirm: list[float] = field(default_factory=list)
    busy_seconds: float = 0.0  # first request out to last confirmation, summed over rounds
    cpu_seconds: float = 0.0  # the server's processes', over the phase
    in_ack: int = 0
    on_response_url: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def latency(self) -> Percentiles:
        return Percentiles.of(self.seconds_to_confirm)

    @property
    def per_second(self) -> float:
        return len(self.seconds_to_confirm) / self.busy_seconds

    @property
    def cpu_ms_each(self) -> float:
        return self.cpu_seconds / len(self.seconds_to_confirm) * 1000


def confirm(fake: FakeSlackProcess, sent: list[Sent], tally: Tally) -> None:
    """Add when each request was confirmed (in its ack, or on its response_url) to `tally`."""
    later = [item for item in sent if not item.confirmed_in_ack and item.refusal is None]
    replies = fake.first_replies([item.command.key for item in later], REPLY_SECONDS) if later else {}
    confirmed_at: list[float] = []
    for item in sent:
        if item.refusal is not None:
            tally.problems.append(f"{item.command.trigger_id}: {item.refusal}")
            continue
        if item.confirmed_in_ack:
            at = item.acked
            tally.in_ack += 1
        elif item.command.key in replies:
            at = replies[item.command.key]
            tally.on_response_url += 1
        else:
            tally.problems.append(f"{item.command.trigger_id}: no confirmation within {REPLY_SECONDS}s")
            continue
        tally.seconds_to_confirm.append(at - item.started)
        confirmed_at.append(at)
    if confirmed_at:
        tally.busy_seconds += max(confirmed_at) - min(item.started for item in sent)


def measure(
    servers: Sequence[Server],
    fake: FakeSlackProcess,
    commands: Commands,
    args: argparse.Namespace,
    clients: int,
) -> tuple[dict[str, Tally], list[Command]]:
    """Each server's tally, its turns taken in rounds of ROUND requests, and the commands sent to Learnfit."""
    tallies = {server.name: Tally() for server in servers}
    sent_to_learnfit: list[Command] = []
    for server in servers:
        warmup = commands.batch(args.warmup)
        confirm(fake, send_all(server.port, warmup, clients), Tally())
        if server.name == "learnfit":
            sent_to_learnfit += warmup
    # Each server's CPU over the whole phase: work it does after an ack lands during the other's round.
    cpu_before = {server.name: server.cpu_seconds() for server in servers}
    remaining = args.requests
    while remaining > 0:
        size = min(ROUND, remaining)
        remaining -= size
        for server in servers:
            batch = commands.batch(size)
            confirm(fake, send_all(server.port, batch, clients), tallies[server.name])
            if server.name == "learnfit":
                sent_to_learnfit += batch
    time.sleep(SETTLE_SECONDS)  # the last round's work after its acks
    for server in servers:
        tallies[server.name].cpu_seconds = server.cpu_seconds() - cpu_before[server.name]
    return tallies, sent_to_learnfit


def send_retries(
    port: int, commands: Commands, earlier: list[Command], count: int
) -> tuple[list[Command], list[str]]:
    """`count` exact retries of requests already confirmed, and `count` pairs of a new request sent twice at
    once (two processes may take them); the new commands, and any retry that was not confirmed."""
    problems: list[str] = []
    step = max(1, len(earlier) // max(count, 1))
    for command in earlier[::step][:count]:
        sent = send(port, command, retry=True)
        if not sent.confirmed_in_ack and sent.refusal is not None:
            problems.append(f"retry of {command.trigger_id}: {sent.refusal}")
    fresh = commands.batch(count)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for command in fresh:
            start = threading.Barrier(2)

            def racing(retry: bool, command: Command = command, start: threading.Barrier = start) -> Sent:
                start.wait()
                return send(port, command, retry=retry)

            for sent in pool.map(racing, (False, True)):
                if sent.refusal is not None:
                    problems.append(f"racing copy of {command.trigger_id}: {sent.refusal}")
    return fresh, problems


def stored_once(database: Engine, commands: list[Command]) -> list[str]:
    """What is wrong with the rows stored for `commands` (one per trigger id): a missing or doubled one, or
    a row no command asked for."""
    with database.connect() as connection:
        rows = connection.execute(
            select(LearningEntry.idempotency_key, func.count()).group_by(LearningEntry.idempotency_key)
        ).all()
    counts = {str(key): count for key, count in rows}
    wanted = {f"command:{command.trigger_id}" for command in commands}
    problems = [f"{key}: stored {counts.get(key, 0)} times" for key in sorted(wanted) if counts.get(key) != 1]
    problems += [f"{key}: stored, never sent" for key in sorted(set(counts) - wanted)]
    return problems


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Goal:
    label: str
    met: bool
    detail: str


def goals(sequential: dict[str, Tally], concurrent: dict[str, Tally], clients: int) -> list[Goal]:
    bare, learnfit = sequential["bare Bolt"].latency, sequential["learnfit"].latency
    p50_ratio = learnfit.p50 / bare.p50
    busy_bare, busy_learnfit = concurrent["bare Bolt"], concurrent["learnfit"]
    p99_bound = CONCURRENT_P99_RATIO * busy_bare.latency.p99 + CONCURRENT_P99_SLACK_MS
    throughput_ratio = busy_learnfit.per_second / busy_bare.per_second
    return [
        Goal(
            f"sequential p50 <= {SEQUENTIAL_P50_RATIO}x bare",
            p50_ratio <= SEQUENTIAL_P50_RATIO,
            f"{learnfit.p50:.1f} vs {bare.p50:.1f} ms: {p50_ratio:.2f}x",
        ),
        Goal(
            f"{clients} clients p99 <= {CONCURRENT_P99_RATIO:g}x bare + {CONCURRENT_P99_SLACK_MS:g} ms",
            busy_learnfit.latency.p99 <= p99_bound,
            f"{busy_learnfit.latency.p99:.1f} ms, bound {p99_bound:.1f} ms",
        ),
        Goal(
            f"{clients} clients confirmations/s >= {CONCURRENT_THROUGHPUT_RATIO:g}x bare",
            throughput_ratio >= CONCURRENT_THROUGHPUT_RATIO,
            f"{busy_learnfit.per_second:.0f} vs {busy_bare.per_second:.0f}/s: {throughput_ratio:.2f}x",
        ),
    ]


def table(title: str, tallies: dict[str, Tally]) -> str:
    header = f"{'':<11}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'conf/s':>8}{'CPU ms':>8}   confirmed in"
    rows = [title, header]
    for name, tally in tallies.items():
        ms = tally.latency
        where = f"ack {tally.in_ack}, response_url {tally.on_response_url}"
        rows.append(
            f"{name:<11}{ms.p50:>8.1f}{ms.p95:>8.1f}{ms.p99:>8.1f}{ms.max:>8.1f}{tally.per_second:>8.0f}{tally.cpu_ms_each:>8.1f}   {where}"
        )
    return "\n".join(rows)


# ---------------------------------------------------------------------- the run


@dataclass
class Outcome:
    goals: list[Goal] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def bench_database(
    label: str,
    learnfit: LearnfitWeb,
    bare: Server,
    fake: FakeSlackProcess,
    args: argparse.Namespace,
) -> Outcome:
    servers = [bare, Server("learnfit", learnfit.port, learnfit.process.pid)]
    commands = Commands(fake.response_url_root)
    outcome = Outcome()
    phases: dict[int, dict[str, Tally]] = {}
    stored: list[Command] = []
    for clients in (1, args.clients):
        print(load_average(f"before {label}, {clients} client(s)"))
        tallies, sent = measure(servers, fake, commands, args, clients)
        phases[clients] = tallies
        stored += sent
        title = (
            f"\n{label}: /learn until confirmed, ms, {args.requests} requests per server, "
            f"{'one client' if clients == 1 else f'{clients} clients at once'} "
            f"(rounds of {ROUND}, after {args.warmup} warm-up)"
        )
        print(table(title, tallies))
        for name, tally in tallies.items():
            outcome.problems += [f"{label} {name}: {problem}" for problem in tally.problems]
    fresh, retry_problems = send_retries(learnfit.port, commands, stored, args.retries)
    outcome.problems += [f"{label} learnfit: {problem}" for problem in retry_problems]
    stored += fresh
    not_once = stored_once(learnfit.database, stored)
    outcome.problems += [f"{label} learnfit: {problem}" for problem in not_once]
    print(
        f"learnfit stored {len(stored) - len(not_once)} of {len(stored)} /learn requests exactly once "
        f"(plus {args.retries} exact retries of stored ones and {args.retries} sent twice at once)"
    )
    print(load_average(f"after {label}"))
    outcome.goals = goals(phases[1], phases[args.clients], args.clients)
    for goal in outcome.goals:
        print(f"{'PASS' if goal.met else 'MISS'}  {label}: {goal.label} ({goal.detail})")
    return outcome


@contextmanager
def migrated_postgres(server_url: str) -> Iterator[str]:
    """A scratch database beside `server_url`, migrated as a release would (`learnfit web` refuses one that
    is not)."""
    with scratch_database(server_url, prefix="learnfit_bench") as url:
        db.upgrade(url)
        yield url


def run(args: argparse.Namespace, workdir: Path) -> int:
    print(machine())
    workers = os.environ.get("WEB_CONCURRENCY") or f"{os.cpu_count()} (one per CPU)"
    print(f"web worker processes per server: {workers}")
    outcomes: list[Outcome] = []
    with ExitStack() as stack:
        fake = FakeSlackProcess()
        stack.callback(fake.stop)
        env = app_environment(
            SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.base_url
        )
        bare = stack.enter_context(bare_bolt(env, workdir, reply_later=args.bare_replies_later))
        labels = ([] if args.no_sqlite else ["SQLite"]) + (["PostgreSQL"] if args.database_url else [])
        for label in labels:
            with ExitStack() as per_database:
                url = None
                if label == "PostgreSQL":
                    url = per_database.enter_context(migrated_postgres(args.database_url))
                folder = workdir / label.lower()  # its database file (SQLite) and web.log
                folder.mkdir()
                learnfit = per_database.enter_context(
                    learnfit_web(
                        folder,
                        slack_api_url=fake.base_url,
                        bot_token=BOT_TOKEN,
                        signing_secret=SIGNING_SECRET,
                        database_url=url,
                    )
                )
                outcomes.append(bench_database(label, learnfit, bare, fake, args))
    problems = [problem for outcome in outcomes for problem in outcome.problems]
    for problem in problems[:20]:
        print(f"PROBLEM {problem}")
    missed = [goal for outcome in outcomes for goal in outcome.goals if not goal.met]
    print(f"\n{len(problems)} problems; {len(missed)} goals missed")
    if problems:
        return 1
    return 1 if missed and args.strict else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="measured requests per server and phase")
    parser.add_argument(
        "--warmup", type=int, default=40, help="unmeasured requests first, per server and phase"
    )
    parser.add_argument("--clients", type=int, default=4, help="clients at once in the concurrent phase")
    parser.add_argument("--retries", type=int, default=20, help="exact retries sent, and pairs sent at once")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LEARNFIT_TEST_DATABASE_URL"),
        help="a PostgreSQL server URL: also bench on a scratch database beside it",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--bare-replies-later",
        action="store_true",
        help="the bare app acks empty and confirms on response_url (the way Learnfit once did)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="learnfit-bench-"))
    outcome = 1
    try:
        outcome = run(args, workdir)
    finally:
        if outcome == 0:
            shutil.rmtree(workdir)
        else:  # the servers' logs and the database are the evidence
            print(f"logs and database kept in {workdir}", file=sys.stderr)
    return outcome


if __name__ == "__main__":
    sys.exit(main())
