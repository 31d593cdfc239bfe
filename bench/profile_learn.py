"""Where one `/learn` spends its time, in process: the real app behind its WSGI entry point, run to the end of
its work on the calling thread (process_before_response), profiled with pyinstrument; plus the SQL it sends.

    pip install pyinstrument   # not a dependency: only this script uses it
    python bench/profile_learn.py [--requests 300] [--database-url postgresql+psycopg://...] [--html out.html]

bench/ack_latency.py measures; this explains. The profile is wall-clock: time waiting on the database or
on the fake Slack shows where it is waited for.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyinstrument import Profiler
from sqlalchemy import event

from bench.ack_latency import FORM, LEARN_TEXT, SIGNING_SECRET, TEAM_ID, USERS, WORKSPACE
from bench.report import Percentiles, load_average, machine
from bot import db
from bot.app import build_app
from bot.deps import Deps
from bot.localslack import FakeSlack
from bot.localslack.payloads import signed_headers
from bot.server import build_wsgi_app
from bot.settings import Settings
from tests.support.databases import scratch_database


@contextmanager
def database(server_url: str | None) -> Iterator[str]:
    if server_url:
        with scratch_database(server_url, prefix="learnfit_bench") as url:
            db.upgrade(url)
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="learnfit-profile-") as folder:
        url = f"sqlite:///{folder}/learnfit.db"
        db.upgrade(url)
        yield url


def environ(body: bytes) -> dict[str, Any]:
    headers = signed_headers(body, SIGNING_SECRET, content_type=FORM)
    return {
        "REQUEST_METHOD": "POST",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "CONTENT_TYPE": FORM,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **{
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in headers.items()
            if name != "Content-Type"
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--clients", type=int, default=1, help="requests at once (threads; no profile then)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a scratch database beside it)")
    parser.add_argument("--html", help="also write pyinstrument's HTML here")
    args = parser.parse_args(argv)
    print(machine())
    print(load_average("before"))
    with FakeSlack() as fake, database(args.database_url) as url:
        for user_id in USERS:
            fake.add_user(user_id, user_id.lower(), tz="Europe/London")
        fake.add_channel("C0GENERAL", "general")
        settings = Settings.model_validate(
            {
                "SLACK_BOT_TOKEN": "xoxb-bench-token",
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake.base_url,
                "DATABASE_URL": url,
            }
        )
        engine = db.make_engine(url, lock_timeout=2.0)  # as `learnfit web` makes it
        app = build_app(
            settings, Deps(sessions=db.make_sessionmaker(engine)), engine=engine, process_before_response=True
        )
        wsgi = build_wsgi_app(app, engine, settings)
        seconds: defaultdict[str, list[float]] = defaultdict(list)
        started: dict[int, float] = {}

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            started[id(cursor)] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            shape = " ".join(statement.split())[:100]
            seconds[shape].append(time.perf_counter() - started.pop(id(cursor), time.perf_counter()))

        def one(n: int) -> None:
            body = WORKSPACE.command_body(
                "/learn",
                LEARN_TEXT,
                user_id=USERS[n % len(USERS)],
                channel_id="C0GENERAL",
                response_url=f"{fake.base_url}../response/p{n}",
                trigger_id=f"{n}.{TEAM_ID}.profile{n:08d}",
            )
            status: list[str] = []
            reply = b"".join(wsgi(environ(body), lambda s, h: status.append(s)))
            assert status == ["200 OK"], (status, reply)

        for n in range(args.warmup):
            one(n)
        seconds.clear()
        numbers = range(args.warmup, args.warmup + args.requests)
        # pyinstrument follows one thread: with several clients, only the SQL timings are shown.
        profiler = Profiler(interval=0.0005) if args.clients == 1 else None
        began = time.perf_counter()
        if profiler is not None:
            with profiler:
                for n in numbers:
                    one(n)
        else:
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                list(pool.map(one, numbers))
        elapsed = time.perf_counter() - began
        print(
            f"{args.requests} /learn in process, {args.clients} client(s): "
            f"{args.requests / elapsed:.0f} per second"
        )
        print(
            f"\nSQL per /learn ({'PostgreSQL' if args.database_url else 'SQLite'}): "
            "count, then ms: mean, p50, p99, max"
        )
        for shape, times in sorted(seconds.items(), key=lambda item: -sum(item[1])):
            ms = Percentiles.of(times) if len(times) > 1 else Percentiles(*[times[0] * 1000] * 4)
            print(
                f"{len(times) / args.requests:5.1f} {sum(times) / len(times) * 1000:7.2f} {ms.p50:7.2f} "
                f"{ms.p99:7.2f} {ms.max:7.2f}  {shape}"
            )
        total = sum(map(sum, seconds.values())) / args.requests * 1000
        count = sum(map(len, seconds.values())) / args.requests
        print(f"{count:5.1f} statements, {total:.2f} ms in the database per /learn")
        if profiler is not None:
            print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False))
            if args.html:
                Path(args.html).write_text(profiler.output_html())
        engine.dispose()
    print(load_average("after"))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
