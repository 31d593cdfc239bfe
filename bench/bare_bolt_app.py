"""The baseline for bench/ack_latency.py: a bare Bolt app whose only listener acks /learn, served by the same
stack as `learnfit web` (bot.server: the same WSGI wrapper, waitress, threads and SIGTERM handling).

    SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=xoxb-... SLACK_API_URL=http://.../api/ \\
        python bench/bare_bolt_app.py --port 3001
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import create_engine

from bot.server import build_wsgi_app, serve
from bot.settings import load_settings


def build_bare_app(signing_secret: str, token: str, api_url: str) -> App:
    # Like Learnfit: a client on the fake Slack (auth.test at start-up) and the ack-first default.
    app = App(signing_secret=signing_secret, client=WebClient(token=token, base_url=api_url))

    @app.command("/learn")
    def learn(ack: Ack) -> None:
        ack()

    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()  # the variables `learnfit web` reads, and its request body cap
    assert settings.slack_signing_secret and settings.slack_bot_token
    app = build_bare_app(settings.slack_signing_secret, settings.slack_bot_token, settings.slack_api_url)
    # An in-memory database only so /healthz answers as Learnfit's does; no listener touches it.
    serve(
        build_wsgi_app(app, create_engine("sqlite://"), settings),
        host=args.host,
        port=args.port,
        max_body_bytes=settings.max_request_body_bytes,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
