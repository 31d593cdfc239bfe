"""The scheduler process: periodic ticks that ask each kind of delivery (`scheduler.kinds`) what is due,
and the delivery ledger that makes every nudge, digest and follow-up exactly-once."""

from scheduler.jobs import Runner
from scheduler.process import build_runner, build_scheduler, run_forever, run_once
from scheduler.tick import Outcome, TickReport

__all__ = ["Outcome", "Runner", "TickReport", "build_runner", "build_scheduler", "run_forever", "run_once"]
