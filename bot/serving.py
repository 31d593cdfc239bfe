"""How `learnfit web` runs: one listening socket shared by WEB_CONCURRENCY worker processes, forked from a
parent that restarts a worker that dies and, on SIGTERM, lets every worker finish what it holds.

Each worker is a waitress server. On SIGTERM it stops accepting, answers the requests it has (bounded by
DRAIN_SECONDS, well inside the 30 seconds platforms wait before SIGKILL) and exits 0. Work a listener does
after its ack runs on Bolt's executor threads, which each worker waits for (`before_exit`) before it exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import math
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

# In-flight requests get this long after SIGTERM; then the worker exits whatever is left.
DRAIN_SECONDS = 20.0
# A worker that dies this soon after it started is failing to start: the parent gives up rather than loop.
STARTUP_SECONDS = 5.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h
LOOP_SECONDS = 0.2  # how often a worker's event loop looks up from its sockets to see a stop was asked

BACKLOG = 2048  # connections the kernel holds for the workers while they are busy

logger = logging.getLogger(__name__)

MakeServer = Callable[[socket.socket, dict[int, Any]], BaseWSGIServer]


def listen(host: str, port: int) -> socket.socket:
    """The one listening socket every worker accepts from (the kernel hands each connection to one)."""
    return socket.create_server((host, port), backlog=BACKLOG)


def serve(
    make_server: MakeServer,
    listening: socket.socket,
    *,
    workers: int,
    after_fork: Callable[[], None],
    before_exit: Callable[[], None],
) -> int:
    """Serve until SIGTERM or Ctrl-C; the exit status (0 when every worker stopped cleanly).

    `after_fork` runs first in each worker (fresh connection pools); `before_exit` last (wait for the work
    listeners do after their ack)."""
    if workers <= 1:
        status = run_worker(make_server, listening)
        before_exit()
        return status
    return _Supervisor(make_server, listening, workers, (after_fork, before_exit)).run()


def run_worker(make_server: MakeServer, listening: socket.socket) -> int:
    """One waitress server on `listening`, until SIGTERM; then a bounded drain. Returns 0."""
    stopping = threading.Event()
    _on_stop_signals(stopping.set)
    channels: dict[int, Any] = {}
    server = make_server(listening, channels)
    while not stopping.is_set():
        wasyncore.loop(timeout=LOOP_SECONDS, map=channels, use_poll=True, count=1)
    # Stop accepting (the socket stays open for the other workers), then answer what was already taken.
    server.accepting = False
    server.del_channel(channels)
    deadline = time.monotonic() + DRAIN_SECONDS
    while _in_flight(channels) and time.monotonic() < deadline:
        wasyncore.loop(timeout=0.05, map=channels, use_poll=True, count=1)
    server.task_dispatcher.shutdown(timeout=max(0, math.ceil(deadline - time.monotonic())))
    for channel in list(channels.values()):
        channel.close()
    return 0


def _in_flight(channels: dict[int, Any]) -> bool:
    """A request being read, handled or written back; an idle keep-alive connection is not one."""
    return any(
        isinstance(channel, HTTPChannel)
        and (channel.requests or channel.request is not None or channel.total_outbufs_len)
        for channel in channels.values()
    )


def _on_stop_signals(stop: Callable[[], None]) -> None:
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_args: stop())


class _Supervisor:
    """The parent: forks the workers, restarts one that dies, and on SIGTERM passes it on and waits."""

    def __init__(
        self,
        make_server: MakeServer,
        listening: socket.socket,
        workers: int,
        hooks: tuple[Callable[[], None], Callable[[], None]],
    ) -> None:
        self.make_server = make_server
        self.listening = listening
        self.count = workers
        self.after_fork, self.before_exit = hooks
        self.started: dict[int, float] = {}  # worker pid -> when it was forked
        self.stopping = threading.Event()
        self.failed = False

    def run(self) -> int:
        _on_stop_signals(self.stopping.set)
        for _ in range(self.count):
            self._fork()
        logger.info("serving with %d worker processes", self.count)
        while not self.stopping.is_set() and not self.failed:
            self._reap(restart=True)
            self.stopping.wait(LOOP_SECONDS)
        for pid in self.started:
            _signal(pid, signal.SIGTERM)
        return self._wait_for_workers()

    def _fork(self) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: its own signal handlers, connection pools and server threads
            status = 1
            try:
                _die_with(parent)
                self.after_fork()
                status = run_worker(self.make_server, self.listening)
                self.before_exit()
            except Exception:
                logger.exception("a web worker failed")
            finally:
                logging.shutdown()
                os._exit(status)  # never the parent's exit handlers, nor back into the parent's code
        self.started[pid] = time.monotonic()

    def _reap(self, *, restart: bool) -> None:
        while self.started:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            started = self.started.pop(pid, time.monotonic())
            code = os.waitstatus_to_exitcode(status)
            if not restart:
                self.failed |= code != 0
                continue
            logger.error("web worker %d exited with %d; starting another", pid, code)
            if time.monotonic() - started < STARTUP_SECONDS:
                logger.error("web workers are failing as they start: stopping")
                self.failed = True
                return
            self._fork()

    def _wait_for_workers(self) -> int:
        deadline = time.monotonic() + DRAIN_SECONDS + 5
        while self.started and time.monotonic() < deadline:
            self._reap(restart=False)
            time.sleep(0.05)  # the parent has nothing else to do while its workers drain
        for pid in list(self.started):
            logger.error("web worker %d did not stop in time: killing it", pid)
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.failed = True
        return 1 if self.failed else 0


def _signal(pid: int, number: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.kill(pid, number)


def _die_with(parent: int) -> None:
    """A worker outlives no parent: when the parent is killed outright (SIGKILL, the OOM killer), Linux
    sends the worker SIGKILL too, so no orphan keeps serving an old release."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the supervisor's SIGTERM is all there is
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
