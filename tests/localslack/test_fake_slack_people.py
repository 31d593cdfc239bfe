"""FakeSlack as the playground uses it: ephemerals kept per person, response URLs that act, people's own
messages and reactions, views found by trigger, and the fake served from another WSGI server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.localslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(time_source=lambda: 1_800_000_000.0) as server:
        server.add_user("U0ALICE", "alice")
        server.add_user("U0BOB", "bob")
        server.add_channel("C0GENERAL", "general")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url)


def test_ephemerals_are_kept_for_the_person_they_were_for(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="just for you")

    assert [e["text"] for e in fake.ephemerals("U0ALICE")] == ["just for you"]
    assert fake.ephemerals("U0BOB") == []


def test_message_timestamps_follow_the_time_source(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0GENERAL", text="one")["ts"]
    second = client.chat_postMessage(channel="C0GENERAL", text="two")["ts"]

    assert first.startswith("1800000000.") and second > first


def test_a_response_url_with_a_context_replies_then_replaces_then_deletes(fake: FakeSlack) -> None:
    url = fake.response_url(channel="C0GENERAL", user="U0ALICE")
    WebhookClient(url).send(text="logged")
    [reply] = fake.ephemerals("U0ALICE")

    on_reply = fake.response_url(channel="C0GENERAL", user="U0ALICE", message_ts=reply["ts"])
    WebhookClient(on_reply).send(text="undone", replace_original=True)
    assert [e["text"] for e in fake.ephemerals("U0ALICE")] == ["undone"]

    WebhookClient(on_reply).send(delete_original=True)
    assert fake.ephemerals("U0ALICE") == []


def test_in_channel_responses_are_posted_for_everyone(fake: FakeSlack) -> None:
    WebhookClient(fake.response_url(channel="C0GENERAL", user="U0ALICE")).send(
        text="hello all", response_type="in_channel"
    )

    assert [m["text"] for m in fake.messages("C0GENERAL")] == ["hello all"]


def test_people_post_and_react_once_per_emoji(fake: FakeSlack) -> None:
    message = fake.post_as_user("U0BOB", "C0GENERAL", "an answer", thread_ts="1.0")

    assert fake.react_as_user("U0ALICE", "C0GENERAL", message["ts"], "+1")
    assert not fake.react_as_user("U0ALICE", "C0GENERAL", message["ts"], "+1")
    [stored] = fake.messages("C0GENERAL")
    assert (stored["user"], stored["thread_ts"], stored["reactions"]) == ("U0BOB", "1.0", ["+1"])


def test_views_are_found_by_the_trigger_that_opened_them(fake: FakeSlack, client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": [{"type": "divider"}]}
    opened = client.views_open(trigger_id="123.trigger", view=view)["view"]

    assert fake.view_for_trigger("123.trigger")["id"] == opened["id"]
    updated = fake.put_view(
        {**view, "title": {"type": "plain_text", "text": "Again"}}, replacing=opened["id"]
    )
    assert updated["id"] == opened["id"] and fake.view(opened["id"])["title"]["text"] == "Again"


def test_the_fake_answers_through_wsgi(fake: FakeSlack) -> None:
    statuses: list[str] = []
    body = b"token=xoxb-test"
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/auth.test",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }

    reply = fake.wsgi_app(environ, lambda status, _headers: statuses.append(status))

    assert statuses == ["200 OK"]
    assert json.loads(b"".join(reply))["team_id"] == fake.team_id
