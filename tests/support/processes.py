"""Server processes started as a host starts them: on a free port, ready once /healthz answers, stopped with
SIGTERM (and killed if they do not stop)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine

from tests.support.environment import app_environment

STARTUP_SECONDS = 20
STOP_SECONDS = 30  # what platforms allow between SIGTERM and SIGKILL
LEARNFIT_WEB = [sys.executable, "-m", "bot.cli", "web", "--host", "127.0.0.1"]


class NotServing(RuntimeError):
    """The process exited, or did not answer /healthz in time (the message carries its log)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    argv: list[str], *, port: int, env: dict[str, str], cwd: Path, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The process `argv` starts, its output in `log`, once it answers /healthz on `port`."""
    with log.open("wb") as output:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(process, port, log)
        yield process
    finally:
        stop(process)


@dataclass(frozen=True)
class LearnfitWeb:
    """A running `learnfit web`: where it answers, its database (URL and engine) and its log."""

    process: subprocess.Popen[bytes]
    port: int
    database_url: str
    database: Engine
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def learnfit_web(
    workdir: Path,
    *,
    slack_api_url: str,
    bot_token: str,
    signing_secret: str,
    database_url: str | None = None,
    workers: int | None = None,
) -> Iterator[LearnfitWeb]:
    """`learnfit web` on a free port, talking to the Slack API at `slack_api_url`, once it answers /healthz.

    `workdir` holds its database (unless `database_url` names a migrated one) and web.log and is its cwd, so
    a developer's .env in the repo cannot leak in. `workers` sets WEB_CONCURRENCY (default: one per CPU).
    """
    port = free_port()
    database_url = database_url or f"sqlite:///{workdir / 'learnfit.db'}"
    env = app_environment(
        SLACK_BOT_TOKEN=bot_token,
        SLACK_SIGNING_SECRET=signing_secret,
        SLACK_API_URL=slack_api_url,
        DATABASE_URL=database_url,
        PORT=str(port),
        **({"WEB_CONCURRENCY": str(workers)} if workers else {}),
    )
    log = workdir / "web.log"
    with serving(LEARNFIT_WEB, port=port, env=env, cwd=workdir, log=log) as process:
        database = create_engine(database_url)
        try:
            yield LearnfitWeb(process, port, database_url, database, log)
        finally:
            database.dispose()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NotServing(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=0.5) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet (refused), or a 503 while the database is unreachable
            pass
        time.sleep(0.05)  # a real process starting up: there is no clock of ours to move
    raise NotServing(
        f"{process.args!r} did not answer /healthz within {STARTUP_SECONDS}s:\n{log.read_text()}"
    )
