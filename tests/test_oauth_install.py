"""Many workspaces: install through OAuth into slack_sdk's SQLAlchemy stores, then serve with that token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import OAUTH_STATE_SECONDS, build_app
from bot.server import build_wsgi_app
from bot.settings import Settings
from models import slack_installations, slack_oauth_states
from tests.conftest import ANA, SIGNING_SECRET
from tests.helpers import entries
from tests.support.driver import SlackDriver


@pytest.fixture
def oauth_slack(fake_slack, database_url, deps, engine, sleeps):
    settings = Settings(
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
    )
    app = build_app(settings, deps, engine=engine, process_before_response=True, sleep=sleeps.append)
    return SlackDriver(build_wsgi_app(app, engine, settings), SIGNING_SECRET, fake_slack)


def install(oauth_slack, fake_slack, code="code-1"):
    page = oauth_slack.client.get("/slack/install")
    assert page.status_code == 200
    state = re.search(r"state=([\w-]+)", page.get_data(as_text=True))[1]
    fake_slack.add_oauth_code(code, user_id=ANA)
    return oauth_slack.client.get(f"/slack/oauth_redirect?code={code}&state={state}")


def test_install_stores_the_installation_and_later_requests_use_its_token(oauth_slack, fake_slack, session):
    finished = install(oauth_slack, fake_slack)

    assert finished.status_code == 200
    [installation] = session.execute(select(slack_installations)).mappings().all()
    assert installation["team_id"] == "T0LEARN" and installation["bot_token"].startswith("xoxb-")
    assert installation["bot_scopes"]

    oauth_slack.command("/learn", "30m Installed and working", user=ANA)

    assert [entry.what for entry in entries(session)] == ["Installed and working"]
    assert {call.token for call in fake_slack.calls_to("users.info")} == {installation["bot_token"]}


def test_install_page_keeps_a_state_and_a_forged_state_is_refused(oauth_slack, fake_slack, session):
    oauth_slack.client.get("/slack/install")
    assert len(session.execute(select(slack_oauth_states)).all()) == 1

    fake_slack.add_oauth_code("code-2")
    refused = oauth_slack.client.get("/slack/oauth_redirect?code=code-2&state=forged")

    assert refused.status_code == 400
    assert session.execute(select(slack_installations)).all() == []


def test_a_workspace_that_never_installed_is_not_served(oauth_slack, fake_slack, session):
    reply = oauth_slack.command("/learn", "30m Who am I", user=ANA)

    assert entries(session) == []
    assert reply.status == 200
    assert "not installed in this workspace" in fake_slack.calls_to("response_url")[-1].args["text"]
    assert fake_slack.calls_to("users.info") == []


def state_in(page) -> str:
    return re.search(r"state=([\w-]+)", page.get_data(as_text=True))[1]


def states_kept(session) -> int:
    return len(session.execute(select(slack_oauth_states)).all())


def test_expired_states_are_purged_as_new_ones_are_issued(oauth_slack, session, clock):
    for _ in range(30):
        assert oauth_slack.client.get("/slack/install").status_code == 200
    assert states_kept(session) == 30

    clock.advance(timedelta(seconds=OAUTH_STATE_SECONDS))
    oauth_slack.client.get("/slack/install")

    assert states_kept(session) == 1  # the new one: the 30 expired ones went as it was issued


def test_install_page_views_leave_at_most_one_expiry_window_of_states(oauth_slack, session, clock):
    # A view every 20 seconds for five expiry windows: the table holds the last window's, not all of them.
    views_per_window = OAUTH_STATE_SECONDS // 20
    kept = []
    for _ in range(5 * views_per_window):
        oauth_slack.client.get("/slack/install")
        kept.append(states_kept(session))
        clock.advance(timedelta(seconds=20))

    assert max(kept) == views_per_window
    assert kept[-1] == views_per_window


def redirect(oauth_slack, fake_slack, state: str, code: str):
    """Slack sends the browser that was given `state` back to the app, with a code for the installation."""
    fake_slack.add_oauth_code(code, user_id=ANA)
    oauth_slack.client.set_cookie("slack-app-oauth-state", state)  # Bolt checks it is the same browser
    return oauth_slack.client.get(f"/slack/oauth_redirect?code={code}&state={state}")


def test_a_state_is_refused_once_expired_or_once_used(oauth_slack, fake_slack, session, clock):
    expired = state_in(oauth_slack.client.get("/slack/install"))
    clock.advance(timedelta(seconds=OAUTH_STATE_SECONDS))

    # 401 is the state store's refusal (a browser that did not load the page gets 400 before it is asked).
    assert redirect(oauth_slack, fake_slack, expired, "code-late").status_code == 401
    assert session.execute(select(slack_installations)).all() == []

    fresh = state_in(oauth_slack.client.get("/slack/install"))
    assert redirect(oauth_slack, fake_slack, fresh, "code-fresh").status_code == 200
    assert redirect(oauth_slack, fake_slack, fresh, "code-again").status_code == 401
    assert states_kept(session) == 0
    assert len(session.execute(select(slack_installations)).all()) == 1


@pytest.mark.parametrize("body", [b"\xff\xfe", b"{not json", b"payload=[", b"a" * 100_000])
def test_the_oauth_pages_ignore_any_body_sent_with_them(oauth_slack, fake_slack, session, body):
    page = oauth_slack.client.get("/slack/install", data=body)

    assert page.status_code == 200
    fake_slack.add_oauth_code("code-body", user_id=ANA)
    finished = oauth_slack.client.get(
        f"/slack/oauth_redirect?code=code-body&state={state_in(page)}", data=body
    )
    assert finished.status_code == 200
    assert len(session.execute(select(slack_installations)).all()) == 1
