"""How long Slack waits for Learnfit's ack of `/learn`, against a bare Bolt app on the same server stack.

Starts `learnfit web` (a scratch SQLite file) and bench/bare_bolt_app.py as subprocesses, both talking to a
fake Slack Web API, sends each the same signed `/learn` requests over HTTP and prints client-side latency:

    python bench/ack_latency.py --requests 500 --warmup 50 [--concurrency 8]

Goal: learnfit's p50 at most 1.5x the bare app's, and learnfit's p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

# Run as a script, only this file's folder is on sys.path; the repo root holds `bench` and `tests` too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, func, select

from bench.report import Percentiles, load_average, machine
from bot.localslack.payloads import SlackPayloads, signed_headers
from models import LearningEntry
from tests.support.environment import app_environment
from tests.support.processes import free_port, learnfit_web, serving

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
TEAM_ID = "T0LEARN"  # FakeSlack's default team
WORKSPACE = SlackPayloads(
    team_id=TEAM_ID, team_domain="learnfit-test", channel_names={"C0GENERAL": "general"}
)
USERS = [f"U0BENCH{n}" for n in range(10)]  # entries spread over a few people, as in a real workspace
LEARN_TEXT = "45m #python #asyncio Paired with Ana on task cancellation"
DRAIN_SECONDS = 120
BARE_APP = Path(__file__).with_name("bare_bolt_app.py")


# ---------------------------------------------------------------------- the fake Slack, in its own process


def _serve_fake_slack(conn: Connection) -> None:
    """Runs in a child process, so the fake's work after each ack never takes the GIL from the timing client."""
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
            _, method, count, timeout = request
            try:
                conn.send(len(fake.wait_for(method, count, timeout)))
            except AssertionError as exc:
                conn.send(str(exc))


class FakeSlackProcess:
    def __init__(self) -> None:
        self._conn, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve_fake_slack, args=(child,), daemon=True
        )
        self._process.start()
        self.base_url, self.response_url_prefix = self._conn.recv()

    def wait_for(self, method: str, count: int, timeout: float) -> int | str:
        """The number of calls seen once `count` arrived, or the fake's complaint after `timeout`."""
        self._conn.send(("wait_for", method, count, timeout))
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send(("stop",))
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()


# ---------------------------------------------------------------------- the servers under test


@contextmanager
def bare_bolt(env: dict[str, str], workdir: Path) -> Iterator[int]:
    """bench/bare_bolt_app.py on a free port (the port it yields), its output in bare.log."""
    port = free_port()
    argv = [sys.executable, str(BARE_APP), "--port", str(port)]
    with serving(argv, port=port, env={**env, "PORT": str(port)}, cwd=workdir, log=workdir / "bare.log"):
        yield port


# ---------------------------------------------------------------------- Slack's side of the conversation


class Requests:
    """Signed /learn form bodies, each with its own trigger_id as Slack gives every invocation."""

    def __init__(self, response_url_prefix: str) -> None:
        self._prefix = response_url_prefix
        self._serial = 0

    def next(self) -> tuple[bytes, dict[str, str]]:
        self._serial += 1
        n = self._serial
        body = WORKSPACE.command_body(
            "/learn",
            LEARN_TEXT,
            user_id=USERS[n % len(USERS)],
            channel_id="C0GENERAL",
            response_url=f"{self._prefix}-{n}",
            trigger_id=f"{n}.{TEAM_ID}.bench{n:08d}",
        )
        return body, signed_headers(body, SIGNING_SECRET, content_type="application/x-www-form-urlencoded")

    def batch(self, count: int) -> list[tuple[bytes, dict[str, str]]]:
        # Signed up front: signing is Slack's work, not part of the latency we measure.
        return [self.next() for _ in range(count)]


def send(port: int, request: tuple[bytes, dict[str, str]]) -> float:
    """One request on a fresh connection (Slack promises no keep-alive); seconds until the full reply."""
    body, headers = request
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        started = time.perf_counter()
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"port {port} answered {response.status} to a signed /learn")
    return elapsed


def run_requests(port: int, batch: list[tuple[bytes, dict[str, str]]], concurrency: int) -> list[float]:
    if concurrency <= 1:
        return [send(port, request) for request in batch]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda request: send(port, request), batch))


# ---------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figures:
    latency: Percentiles
    per_second: float


def measure(port: int, requests: Requests, count: int, warmup: int, concurrency: int) -> Figures:
    run_requests(port, requests.batch(warmup), concurrency)
    batch = requests.batch(count)
    started = time.perf_counter()
    latencies = run_requests(port, batch, concurrency)
    return Figures(Percentiles.of(latencies), len(latencies) / (time.perf_counter() - started))


def table(title: str, bare: Figures, learnfit: Figures) -> str:
    rows = [title, f"{'':<10}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'req/s':>9}"]
    for name, figures in (("bare Bolt", bare), ("learnfit", learnfit)):
        ms = figures.latency
        rows.append(
            f"{name:<10}{ms.p50:>9.2f}{ms.p95:>9.2f}{ms.p99:>9.2f}{ms.max:>9.2f}{figures.per_second:>9.0f}"
        )
    p50_ratio = learnfit.latency.p50 / bare.latency.p50
    p99_ratio = learnfit.latency.p99 / bare.latency.p99
    met = p50_ratio <= 1.5 and learnfit.latency.p99 < 100
    rows.append(f"ratio learnfit/bare: p50 {p50_ratio:.2f}x, p99 {p99_ratio:.2f}x")
    rows.append(f"goal: p50 ratio <= 1.5 and learnfit p99 < 100 ms: {'MET' if met else 'NOT MET'}")
    return "\n".join(rows)


# ---------------------------------------------------------------------- the run


def drain(fake: FakeSlackProcess, expected: int) -> float:
    """Wait for Learnfit's work after the acks (store, respond, publish Home); seconds it took."""
    started = time.perf_counter()
    seen = fake.wait_for("response_url", expected, DRAIN_SECONDS)
    if isinstance(seen, str):
        raise SystemExit(f"learnfit did not answer every /learn: {seen}")
    return time.perf_counter() - started


def stored_entries(database: Engine) -> int:
    with database.connect() as connection:
        return connection.scalar(select(func.count()).select_from(LearningEntry)) or 0


def run(args: argparse.Namespace, workdir: Path) -> int:
    with ExitStack() as stack:
        fake = FakeSlackProcess()
        stack.callback(fake.stop)
        learnfit = stack.enter_context(
            learnfit_web(
                workdir, slack_api_url=fake.base_url, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET
            )
        )
        # The bare app loads the settings `learnfit web` loads (its /healthz database is its own, in memory).
        env = app_environment(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.base_url,
            DATABASE_URL=learnfit.database_url,
        )
        bare_port = stack.enter_context(bare_bolt(env, workdir))
        requests = Requests(fake.response_url_prefix)
        print(machine())
        print(load_average("before"))

        phases: list[tuple[str, int]] = [("sequential", 1)]
        if args.concurrency > 1:
            phases.append((f"{args.concurrency} client threads", args.concurrency))
        learnfit_sent = 0
        for label, concurrency in phases:
            # The bare app first: Learnfit's work after its acks must not overlap the baseline.
            bare_figures = measure(bare_port, requests, args.requests, args.warmup, concurrency)
            learnfit_figures = measure(learnfit.port, requests, args.requests, args.warmup, concurrency)
            learnfit_sent += args.warmup + args.requests
            backlog = drain(fake, learnfit_sent)
            title = (
                f"\n/learn ack latency, ms, client-side: {args.requests} signed requests per server, "
                f"{label} (after {args.warmup} warm-up)"
            )
            print(table(title, bare_figures, learnfit_figures))
            print(f"learnfit finished its work after the last ack {backlog:.2f} s later")

        stored = stored_entries(learnfit.database)
        print(f"\nlearnfit stored {stored} entries for {learnfit_sent} /learn requests (one per trigger_id)")
        return 0 if stored == learnfit_sent else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="measured requests per server")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests first")
    parser.add_argument("--concurrency", type=int, default=0, help="also run with K client threads")
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
