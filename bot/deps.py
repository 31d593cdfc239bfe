"""What listeners need from the process around them, passed in explicitly (tests pass their own)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

Clock = Callable[[], datetime]
# Run some work once, this many seconds from now, off the request's thread (tests pass one they run by hand).
Later = Callable[[float, Callable[[], None]], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


def run_later(seconds: float, work: Callable[[], None]) -> None:
    """A daemon timer: what it does is a courtesy (a redrawn Home), never worth holding a shutdown for."""
    timer = threading.Timer(seconds, work)
    timer.daemon = True
    timer.start()


@dataclass(frozen=True)
class Deps:
    sessions: sessionmaker[Session]
    clock: Clock = utc_now
    later: Later = run_later
