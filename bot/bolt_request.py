"""The BoltRequest for a body Slack sent over HTTP, parsed the way Slack encoded it.

Bolt takes any form body that contains the word "payload" anywhere for an interactivity payload, and finds
nothing in it when it has no `payload` field: `/learn 20m read about payload design` would then reach no
listener and the person's entry would be lost. A slash command (a form without `payload`) is read here as
the form it is; everything else is Bolt's own parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context


def bolt_request(
    body: str, *, headers: dict[str, str | Sequence[str]], query: str | None = None
) -> BoltRequest:
    request = BoltRequest(body=body, query=query, headers=headers)
    if request.body or not body or body.lstrip().startswith("{"):
        return request
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" not in form:
        request.body = form
        request.context = build_context(BoltContext({}), form)
    return request
