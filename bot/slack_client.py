"""The Web API client every Learnfit process uses: SLACK_API_URL as its base, and retries that fit a UI.

slack_sdk's retry handlers sleep with time.sleep; ours take the sleep function as an argument so the
scheduler can pace itself and tests can record waits instead of spending them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

Sleep = Callable[[float], None]


def retry_after_seconds(headers: Mapping[str, str | list[str]] | None) -> float:
    """Seconds a 429's Retry-After asks for (1 when absent or unreadable). slack_sdk gives the retry handlers
    each header as a list of values, and a SlackApiError's response each as one string: both are read."""
    for name, value in (headers or {}).items():
        if name.lower() != "retry-after":
            continue
        text = value[0] if isinstance(value, list) and value else value
        try:
            return max(0.0, float(str(text)))
        except ValueError:
            return 1.0
    return 1.0


class _InjectedSleep(RetryHandler):
    """slack_sdk's retry step, with the wait spent through `self.sleep` instead of time.sleep."""

    sleep: Sleep

    def _wait_seconds(self, state: RetryState, response: HttpResponse | None) -> float:
        raise NotImplementedError

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        self.sleep(self._wait_seconds(state, response))
        state.increment_current_attempt()


class PatientRateLimitHandler(_InjectedSleep, RateLimitErrorRetryHandler):
    """Waits out a 429 for as long as Retry-After says, unless that is longer than the caller can afford."""

    def __init__(
        self, *, max_retry_count: int = 1, max_wait_seconds: float = 3, sleep: Sleep = time.sleep
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and retry_after_seconds(response.headers) <= self.max_wait_seconds
        )

    def _wait_seconds(self, state: RetryState, response: HttpResponse | None) -> float:
        return retry_after_seconds(response.headers) if response is not None else 1


class ServerErrorRetry(_InjectedSleep, ServerErrorRetryHandler):
    """One quick retry on Slack's 5xx answers, with backoff."""

    def __init__(self, *, max_retry_count: int = 1, sleep: Sleep = time.sleep) -> None:
        super().__init__(
            max_retry_count=max_retry_count,
            interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=0.3),
        )
        self.sleep = sleep

    def _wait_seconds(self, state: RetryState, response: HttpResponse | None) -> float:
        return self.interval_calculator.calculate_sleep_duration(state.current_attempt)


def retry_handlers(*, sleep: Sleep = time.sleep, max_wait_seconds: float = 3) -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=1),
        PatientRateLimitHandler(max_wait_seconds=max_wait_seconds, sleep=sleep),
        ServerErrorRetry(sleep=sleep),
    ]


def make_web_client(
    base_url: str, token: str | None = None, *, sleep: Sleep = time.sleep, timeout: int = 10
) -> WebClient:
    return WebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers(sleep=sleep)
    )
