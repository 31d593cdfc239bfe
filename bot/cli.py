"""The `learnfit` command: web, socket, db (migrations), scheduler, nudge and digest previews, playground."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.error import BoltError
from sqlalchemy import Engine

from bot import db
from bot.settings import ConfigError, Settings, load_settings

log = logging.getLogger("learnfit")

WEB_LOCK_TIMEOUT_SECONDS = 2.0


def _prepare_database(settings: Settings, **engine_options: Any) -> Engine:
    """The embedded SQLite database migrates itself; a server database must be migrated by release."""
    engine = db.make_engine(settings.database_url, **engine_options)
    if settings.database_url.startswith("sqlite"):
        db.upgrade(settings.database_url)
    elif db.current_revision(engine) != db.head_revision():
        raise ConfigError(
            "the database is not migrated: run `learnfit db upgrade` (the Procfile's release step does)"
        )
    return engine


def _build(
    settings: Settings,
    engine: Engine,
    *,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    from bot.app import build_app
    from bot.deps import Deps

    try:
        return build_app(
            settings,
            Deps(sessions=db.make_sessionmaker(engine)),
            engine=engine,
            process_before_response=process_before_response,
            listener_executor=listener_executor,
        )
    except BoltError as exc:
        raise ConfigError(f"Slack refused the app's credentials: {exc}") from None


def run_web(settings: Settings, host: str) -> int:
    """Serve Slack over HTTP with WEB_CONCURRENCY worker processes, built here and forked."""
    from bot.app import LISTENER_THREADS
    from bot.server import build_wsgi_app, waitress_for
    from bot.serving import listen, serve

    settings.require_http()
    # Work before an ack gives up in time for Slack's 3 seconds, and the person is told it was busy.
    engine = _prepare_database(settings, lock_timeout=WEB_LOCK_TIMEOUT_SECONDS)
    executor = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="learnfit-listener")
    app = _build(settings, engine, listener_executor=executor)
    listening = listen(host, settings.port)
    engine.dispose()  # the parent serves nothing: its workers open their own connections
    workers = settings.web_concurrency or os.cpu_count() or 1
    log.info(
        "Learnfit listening on http://%s:%s/slack/events (%s, %d worker processes)",
        host,
        settings.port,
        settings.install_mode,
        workers,
    )
    return serve(
        waitress_for(build_wsgi_app(app, engine, settings), max_body_bytes=settings.max_request_body_bytes),
        listening,
        workers=workers,
        # A forked worker opens its own database connections; it never uses its parent's.
        after_fork=lambda: engine.dispose(close=False),
        before_exit=lambda: executor.shutdown(wait=True),
    )


def run_socket(settings: Settings) -> None:
    """Slack over Socket Mode until SIGTERM or Ctrl-C; then no new events, and the work in hand finishes."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import LISTENER_THREADS

    settings.require_socket()
    engine = _prepare_database(settings, lock_timeout=WEB_LOCK_TIMEOUT_SECONDS)
    executor = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="learnfit-listener")
    app = _build(settings, engine, listener_executor=executor)
    handler = SocketModeHandler(app, settings.slack_app_token)
    stopping = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_args: stopping.set())
    log.info("Learnfit connecting to Slack in Socket Mode")
    handler.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
    while not stopping.wait(1.0):
        pass
    log.info("stopping: no new events; finishing the work in hand")
    handler.close()  # type: ignore[no-untyped-call]
    executor.shutdown(wait=True)


def run_db(settings: Settings, action: str) -> None:
    url = settings.database_url
    if action == "upgrade":
        db.upgrade(url)
    elif action == "downgrade":
        db.downgrade(url)
    elif action == "check":
        db.check(url)
    print(f"database at revision {db.current_revision(db.make_engine(url)) or 'base (empty)'}")


def run_scheduler(settings: Settings, *, once: bool, now: datetime | None) -> None:
    from scheduler import build_runner, run_forever, run_once

    engine = _prepare_database(settings)
    runner = build_runner(settings, engine)
    if once or now is not None:
        print(f"scheduler run at {(now or datetime.now(UTC)).isoformat()}: {run_once(runner, now)}")
        return
    run_forever(runner)


def run_preview(settings: Settings, args: argparse.Namespace) -> None:
    from scheduler.previews import PreviewError, preview_digest, preview_nudge

    engine = _prepare_database(settings)
    now = datetime.now(UTC)
    try:
        with db.make_sessionmaker(engine)() as session:
            if args.command == "nudge":
                print(preview_nudge(session, args.user, team_id=args.team, now=now))
            else:
                print(preview_digest(session, args.team, team_id=args.workspace, now=now))
            session.rollback()  # a preview changes nothing
    except PreviewError as exc:
        raise ConfigError(str(exc)) from None


def run_playground(port: int, database: Path) -> None:
    """The app and a local Slack on one port: no Slack settings, its own SQLite file."""
    from bot.playground.web import create_server
    from bot.server import serve_server

    server, playground = create_server(database.resolve(), port=port)
    log.info("Learnfit playground on http://127.0.0.1:%s/ (database %s)", port, database)
    try:
        serve_server(server)
    finally:
        playground.close()


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time like 2026-11-24T16:05:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a timezone, e.g. 2026-11-24T16:05:00Z")
    return moment.astimezone(UTC)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="learnfit", description="Learnfit: learning in the flow of work, on Slack."
    )
    commands = root.add_subparsers(dest="command", required=True)
    web = commands.add_parser("web", help="serve Slack over HTTP on $PORT")
    web.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    commands.add_parser("socket", help="connect to Slack in Socket Mode (development)")
    database = commands.add_parser("db", help="database migrations")
    database.add_argument("action", choices=["upgrade", "downgrade", "check", "current"])
    scheduler = commands.add_parser("scheduler", help="send nudges and digests when they are due")
    scheduler.add_argument("--once", action="store_true", help="run every due job once, then exit")
    scheduler.add_argument("--now", type=_instant, help="act as if it were this instant (implies --once)")
    nudge = commands.add_parser("nudge", help="preview a person's nudge (sends nothing)")
    nudge.add_argument("--user", required=True, help="Slack user id (U...)")
    nudge.add_argument("--team", help="Slack workspace id (T...), if the user is in several")
    digest = commands.add_parser("digest", help="preview a team's digest (sends nothing)")
    digest.add_argument("--team", required=True, help="the learning team's name")
    digest.add_argument("--workspace", help="Slack workspace id (T...), if several have that team")
    digest.add_argument("--dry-run", action="store_true", required=True, help="print it; send nothing")
    playground = commands.add_parser("playground", help="try Learnfit in a browser with a local Slack")
    playground.add_argument("--port", type=int, default=3000, help="port on 127.0.0.1 (default 3000)")
    playground.add_argument(
        "--db",
        type=Path,
        default=Path("learnfit-playground.db"),
        help="its SQLite file (default %(default)s)",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "playground":  # needs no settings: a fake Slack and its own database
            run_playground(args.port, args.db)
            return 0
        settings = load_settings()
        if args.command == "web":
            return run_web(settings, args.host)
        if args.command == "socket":
            run_socket(settings)
        elif args.command == "db":
            run_db(settings, args.action)
        elif args.command == "scheduler":
            run_scheduler(settings, once=args.once, now=args.now)
        elif args.command in ("nudge", "digest"):
            run_preview(settings, args)
    except ConfigError as exc:
        print(f"learnfit: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
