"""The baseline for bench/ack_latency.py: a bare Bolt app whose only listener confirms /learn in its ack, served
by the same stack as `learnfit web` (bot.serving: one socket, WEB_CONCURRENCY forked workers; bot.server:
the same WSGI wrapper and waitress).

    SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=xoxb-... SLACK_API_URL=http://.../api/ [WEB_CONCURRENCY=2] \\
        python bench/bare_bolt_app.py --port 3001
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

# Run as a script, only this file's folder is on sys.path; the repo root holds `bot`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy import create_engine

from bot.app import LISTENER_THREADS
from bot.server import build_wsgi_app, waitress_for
from bot.serving import listen, serve
from bot.settings import load_settings


def confirmation(what: str) -> dict[str, Any]:
    """A confirmation the size of Learnfit's: an ephemeral section, context and two buttons."""
    return {
        "text": f"Logged: {what}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f":white_check_mark: Logged: {what}"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Today · Visible to your team"}]},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": label}
                    for label in ("edit", "undo")
                ],
            },
        ],
        "response_type": "ephemeral",
    }


def build_bare_app(
    signing_secret: str, token: str, api_url: str, executor: ThreadPoolExecutor, *, reply_later: bool
) -> App:
    # Like Learnfit: a client on the fake Slack (auth.test at start-up), the ack-first default, and its
    # listener executor.
    app = App(
        signing_secret=signing_secret,
        client=WebClient(token=token, base_url=api_url),
        listener_executor=executor,
    )

    @app.command("/learn")
    def learn(ack: Ack, respond: Respond, command: dict[str, Any]) -> None:
        reply = confirmation(command.get("text", "")[:100])
        if reply_later:  # how an app that acks empty confirms: on the request's response_url
            ack()
            respond(**reply)
        else:
            ack(**reply)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--reply-later", action="store_true", help="ack empty, then confirm on the response_url"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()  # the variables `learnfit web` reads: body cap, WEB_CONCURRENCY
    assert settings.slack_signing_secret and settings.slack_bot_token
    executor = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bare-listener")
    app = build_bare_app(
        settings.slack_signing_secret,
        settings.slack_bot_token,
        settings.slack_api_url,
        executor,
        reply_later=args.reply_later,
    )
    # An in-memory database only so /healthz answers as Learnfit's does; no listener touches it.
    engine = create_engine("sqlite://")
    listening = listen(args.host, args.port)
    return serve(
        waitress_for(build_wsgi_app(app, engine, settings), max_body_bytes=settings.max_request_body_bytes),
        listening,
        workers=settings.web_concurrency or os.cpu_count() or 1,  # as `learnfit web` counts them
        after_fork=lambda: engine.dispose(close=False),
        before_exit=lambda: executor.shutdown(wait=True),
    )


if __name__ == "__main__":
    sys.exit(main())
