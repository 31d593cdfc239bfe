"""`learnfit scheduler`: APScheduler (3.x, BlockingScheduler) in its own process, in UTC.

APScheduler 3 cannot share a job store between processes, so it holds no job per person: a tick every
minute asks the database what is due (and hourly jobs schedule whoever has no next time yet, and forget
old event ids). Any number of these processes can run at once; the delivery ledger and row locks keep every send to one.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import UTC, datetime
from typing import Any

# APScheduler 3 ships no type hints: pyproject's mypy overrides let its two classes be Any here.
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from bot import db
from bot.deps import Clock, utc_now
from bot.settings import Settings
from bot.slack_client import Sleep
from scheduler.jobs import Runner
from scheduler.pacing import Pacer
from scheduler.tick import TickReport
from scheduler.workspaces import WorkspaceClients

logger = logging.getLogger(__name__)

TICK_SECONDS = 60
SCHEDULE_MISSING_SECONDS = 3600
HOUSEKEEPING_SECONDS = 3600


def build_runner(
    settings: Settings,
    engine: Engine,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = utc_now,
    pacer: Pacer | None = None,
    worker: str | None = None,
    batch_size: int | None = None,
    stopping: threading.Event | None = None,
) -> Runner:
    """The scheduler's runner, reading the same settings as the web process (database, tokens, API URL)."""
    extra: dict[str, Any] = {"batch_size": batch_size} if batch_size else {}
    return Runner(
        db.make_sessionmaker(engine),
        WorkspaceClients(settings, engine, sleep=sleep),
        pacer=pacer or Pacer(sleep=sleep),
        clock=clock,
        worker=worker,
        stopping=stopping,
        **extra,
    )


def run_once(runner: Runner, now: datetime | None = None) -> TickReport:
    """Every due job once (`learnfit scheduler --once [--now ...]`)."""
    runner.schedule_missing(now)
    runner.housekeeping(now)
    return runner.run_due(now)


def build_scheduler(runner: Runner) -> BlockingScheduler:
    """APScheduler with the periodic jobs (in memory: nothing per person lives in APScheduler)."""
    scheduler = BlockingScheduler(timezone=UTC)
    start = datetime.now(UTC)
    # One instance of each at a time; a tick that overruns is skipped, not queued (the next one catches up).
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": TICK_SECONDS}
    scheduler.add_job(
        runner.run_due, IntervalTrigger(seconds=TICK_SECONDS), id="tick", next_run_time=start, **common
    )
    scheduler.add_job(
        runner.schedule_missing,
        IntervalTrigger(seconds=SCHEDULE_MISSING_SECONDS),
        id="schedule_missing",
        next_run_time=start,
        **common,
    )
    scheduler.add_job(
        runner.housekeeping,
        IntervalTrigger(seconds=HOUSEKEEPING_SECONDS),
        id="housekeeping",
        next_run_time=start,
        **common,
    )
    return scheduler


def run_forever(runner: Runner) -> None:
    scheduler = build_scheduler(runner)

    def stop(signum: int, _frame: object) -> None:
        # The tick finishes the send in hand and hands the rest of its claims back, for the next process.
        if runner.stopping.is_set():  # a second signal while stopping: the first is already being done
            return
        logger.info("signal %s: stopping the scheduler", signum)
        runner.stopping.set()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("Learnfit scheduler running as %s (a tick every %ss, UTC)", runner.worker, TICK_SECONDS)
    scheduler.start()
