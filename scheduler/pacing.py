"""Pacing sends to Slack's rate limits, per workspace, with an injected clock and sleep.

Slack allows chat.postMessage about one message per second per channel, plus a workspace-wide limit of
several hundred a minute; users.info is a Tier 4 method (100+ a minute). The pacer spaces calls so a busy
tick stays under those limits instead of living on 429s, and remembers a workspace that answered 429 so
the rest of the batch for that workspace waits (or is handed back) instead of hammering it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

Monotonic = Callable[[], float]
Sleep = Callable[[float], None]

# Calls per second per workspace, by method; methods not named use DEFAULT_RATE.
DEFAULT_RATES: Mapping[str, float] = {"chat.postMessage": 5.0, "users.info": 5.0}
DEFAULT_RATE = 1.0
PER_CHANNEL_SECONDS = 1.0  # chat.postMessage: about one message a second in any one channel
MAX_WAIT_SECONDS = 30.0  # longer than this, a send is handed back to a later tick rather than waited for


class Pacer:
    def __init__(
        self,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = time.sleep,
        rates: Mapping[str, float] | None = DEFAULT_RATES,
        per_channel_seconds: float = PER_CHANNEL_SECONDS,
        max_wait_seconds: float = MAX_WAIT_SECONDS,
    ) -> None:
        """`rates=None` turns pacing off (benchmarks against a local fake); 429 holds still apply."""
        self.monotonic = monotonic
        self.sleep = sleep
        self.rates = dict(rates) if rates is not None else None
        self.per_channel_seconds = per_channel_seconds
        self.max_wait_seconds = max_wait_seconds
        self._next_call: dict[tuple[str, str], float] = {}
        self._next_in_channel: dict[tuple[str, str], float] = {}
        self._held_until: dict[str, float] = {}
        self.waited = 0.0  # seconds spent waiting, for the logs and the benchmark

    def _interval(self, method: str) -> float:
        if self.rates is None:
            return 0.0
        return 1.0 / self.rates.get(method, DEFAULT_RATE)

    def _ready_at(self, workspace: str, method: str, channel: str | None) -> float:
        ready = max(self._next_call.get((workspace, method), 0.0), self._held_until.get(workspace, 0.0))
        if channel is not None and self.rates is not None:
            ready = max(ready, self._next_in_channel.get((workspace, channel), 0.0))
        return ready

    def acquire(self, workspace: str, method: str, channel: str | None = None) -> bool:
        """Wait for this workspace's turn to call `method` (in `channel`); False if that is too far off."""
        now = self.monotonic()
        wait = self._ready_at(workspace, method, channel) - now
        if wait > self.max_wait_seconds:
            return False
        if wait > 0:
            self.sleep(wait)
            self.waited += wait
            now = self.monotonic()
        start = max(now, self._ready_at(workspace, method, channel))
        self._next_call[(workspace, method)] = start + self._interval(method)
        if channel is not None and self.rates is not None:
            self._next_in_channel[(workspace, channel)] = start + self.per_channel_seconds
        return True

    def hold(self, workspace: str, seconds: float) -> None:
        """Slack said 429 with Retry-After: nothing more to this workspace until then."""
        until = self.monotonic() + max(0.0, seconds)
        self._held_until[workspace] = max(self._held_until.get(workspace, 0.0), until)

    def held_for(self, workspace: str) -> float:
        return max(0.0, self._held_until.get(workspace, 0.0) - self.monotonic())
