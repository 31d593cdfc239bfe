"""The scheduler process: periodic jobs that ask the services what is due, and the delivery ledger that
makes every nudge, digest and follow-up exactly-once."""

from scheduler.jobs import Outcome, Runner, TickReport
from scheduler.process import build_runner, build_scheduler, run_forever, run_once

__all__ = ["Outcome", "Runner", "TickReport", "build_runner", "build_scheduler", "run_forever", "run_once"]
