"""Only Slack gets in: signatures, replay windows, workspaces, health."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from bot.localslack.payloads import SlackPayloads, signed_headers
from bot.views.learning import OPEN_LOG_MODAL
from models import Person
from tests.conftest import ANA, BO, KEN
from tests.helpers import button_value, entries
from tests.support.payloads import CHANNEL_ID, TEST_TEAM

OTHER_TEAM = SlackPayloads(team_id="T0OTHER", team_domain="another-workspace")
ORG_TEAM = SlackPayloads(
    team_id="T0ORG", team_domain="org-workspace", enterprise_id="E0ORG", enterprise_name="Learnfit Org"
)


def learn_body(text: str, response_url: str) -> bytes:
    return TEST_TEAM.command_body(
        "/learn", text, user_id=ANA, channel_id=CHANNEL_ID, response_url=response_url
    )


def test_forged_signature_gets_401_and_stores_nothing(slack, fake_slack, session):
    body = learn_body("30m forged", fake_slack.response_url())
    headers = signed_headers(body, "not-the-secret", content_type="application/x-www-form-urlencoded")

    response = slack.client.post("/slack/events", data=body, headers=headers)

    assert response.status_code == 401
    assert entries(session) == [] and fake_slack.calls_to("response_url") == []


def test_stale_request_over_five_minutes_old_gets_401(slack, fake_slack, session):
    body = learn_body("30m replayed", fake_slack.response_url())

    reply = slack.post(body, timestamp=int(time.time()) - 301)

    assert reply.status == 401
    assert entries(session) == []


def test_request_signed_a_moment_ago_is_accepted(slack, session):
    body = learn_body("30m fresh", slack.fake.response_url())

    assert slack.post(body, timestamp=int(time.time()) - 240).status == 200
    assert len(entries(session)) == 1


def test_url_verification_challenge_is_answered(slack):
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}).encode()

    reply = slack.post(body, content_type="application/json")

    assert reply.status == 200 and reply.json == {"challenge": "c-123"}


def test_same_user_id_in_two_workspaces_are_two_people(slack, fake_slack, session):
    logged = slack.command("/learn", "30m in the first workspace", user=ANA)
    entry_id = button_value(logged.json, "entry_undo")

    slack.command("/learn", "20m in the second workspace", user=ANA, team=OTHER_TEAM)
    # Undo from the second workspace with the first workspace's entry id finds nothing.
    slack.click("entry_undo", user=ANA, value=entry_id, team=OTHER_TEAM)

    stored = entries(session)
    assert [(entry.team_id, entry.what) for entry in stored] == [
        ("T0LEARN", "in the first workspace"),
        ("T0OTHER", "in the second workspace"),
    ]
    assert stored[0].person_id != stored[1].person_id


def test_people_met_in_an_enterprise_org_workspace_belong_to_its_org(slack, session):
    slack.command("/learn", "30m in the org", user=ANA, team=ORG_TEAM)
    slack.click(OPEN_LOG_MODAL, user=BO, channel_id=None, team=ORG_TEAM)
    slack.event(ORG_TEAM.app_home_opened(KEN))

    people = session.execute(select(Person.user_id, Person.team_id, Person.enterprise_id)).all()
    assert sorted(people) == [(ANA, "T0ORG", "E0ORG"), (BO, "T0ORG", "E0ORG"), (KEN, "T0ORG", "E0ORG")]


def test_healthz_reports_the_database(slack):
    response = slack.client.get("/healthz")

    assert response.status_code == 200 and response.get_json() == {"ok": True, "database": "ok"}


def test_unknown_paths_are_404(slack):
    assert slack.client.get("/nope").status_code == 404
    assert slack.client.get("/slack/install").status_code == 404  # single-workspace mode has no OAuth


class EndlessBody:
    """A request body that never ends, as a server that does not check lengths would hand it on; it counts
    what is read of it."""

    def __init__(self) -> None:
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "read to the end: of an endless body"
        self.bytes_read += size
        return b"a" * size


def post_endlessly(slack, **environ: str) -> tuple[str, EndlessBody]:
    """POST /slack/events with an endless body, given to the WSGI app as any server might: the status."""
    body = EndlessBody()
    statuses: list[str] = []
    request = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": body,
        **environ,
    }
    b"".join(slack.client.application(request, lambda status, headers: statuses.append(status)))
    return statuses[0], body


def test_a_body_of_unknown_length_is_read_only_to_one_byte_past_the_cap(slack, settings):
    status, body = post_endlessly(slack)  # chunked, or no length given

    assert status == "413 Request Entity Too Large"
    assert body.bytes_read == settings.max_request_body_bytes + 1


@pytest.mark.parametrize(
    "declared",
    [lambda cap: str(cap + 1), lambda cap: str(200 * 1024 * 1024), lambda cap: "9" * 5000],
    ids=["cap-plus-one", "200MiB", "5000-digits"],
)
def test_a_body_declared_over_the_cap_is_not_read_at_all(slack, settings, declared):
    status, body = post_endlessly(slack, CONTENT_LENGTH=declared(settings.max_request_body_bytes))

    assert status == "413 Request Entity Too Large"
    assert body.bytes_read == 0
