"""A running playground for tests: its own SQLite file, a free port, served from a thread."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.playground.core import Playground
from bot.playground.web import create_server

ANA, BO, KEN, LEA = "U0ANA", "U0BO", "U0KEN", "U0LEA"


class PlaygroundClient:
    """Drives the page's JSON endpoints, as the browser does."""

    def __init__(self, base_url: str, playground: Playground) -> None:
        self.base_url = base_url
        self.playground = playground

    def state(self, user: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/playground/state?user={user}", timeout=30) as reply:
            return json.load(reply)

    def post(self, route: str, **body: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base_url}/playground/{route}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return json.load(reply)
        except urllib.error.HTTPError as exc:
            return json.load(exc)


@contextmanager
def running_playground(folder: Path) -> Iterator[PlaygroundClient]:
    server, playground = create_server(folder / "learnfit-playground.db", port=0)
    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except OSError:
            # close() from this thread pulls the sockets out from under the loop's select(): expected then.
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, name="playground", daemon=True)
    thread.start()
    try:
        yield PlaygroundClient(f"http://127.0.0.1:{server.effective_port}", playground)
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=10)
        playground.close()
