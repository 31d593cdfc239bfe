"""The scheduler as a process: `learnfit scheduler --once --now`, the previews, APScheduler's jobs, and the
token it uses in each workspace (the installation's bot in OAuth mode, refreshed when it rotates)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot import cli
from bot.app import build_app
from bot.server import build_wsgi_app
from bot.settings import Settings
from models import Delivery, DeliveryStatus, slack_bots, slack_installations
from scheduler import build_scheduler
from tests.conftest import ANA, BOT_TOKEN, SIGNING_SECRET
from tests.support.driver import SlackDriver
from tests.test_scheduler import FakeTimer, dm_posts, make_runner

TUESDAY_NUDGE = datetime(2026, 11, 24, 16, tzinfo=UTC)
ADMIN = "U0ADMIN"


@pytest.fixture
def environment(monkeypatch, tmp_path, fake_slack, database_url):
    """The scheduler process reads the same settings as the web process, from the environment."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake_slack.base_url,
    }.items():
        monkeypatch.setenv(name, value)


def test_scheduler_once_at_a_given_instant_sends_what_is_due_then(slack, fake_slack, environment, capsys):
    slack.command("/fitness", "nudges on", user=ANA)

    assert cli.main(["scheduler", "--once", "--now", "2026-11-24T15:59:00Z"]) == 0
    assert dm_posts(fake_slack) == []
    assert cli.main(["scheduler", "--once", "--now", "2026-11-24T16:05:00Z"]) == 0
    assert cli.main(["scheduler", "--once", "--now", "2026-11-24T16:06:00Z"]) == 0

    assert dm_posts(fake_slack) == [ANA]
    out = capsys.readouterr().out
    assert "scheduler run at 2026-11-24T16:05:00+00:00: nudge_sent=1" in out


def test_scheduler_refuses_a_time_without_a_timezone(environment, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["scheduler", "--now", "2026-11-24T16:05:00"])

    assert exited.value.code == 2
    assert "needs a timezone" in capsys.readouterr().err


def test_nudge_preview_prints_the_nudge_and_sends_nothing(slack, fake_slack, clock, environment, capsys):
    slack.command("/learn", "20m #sql Read about joins", user=ANA)
    fake_slack.reset()

    assert cli.main(["nudge", "--user", ANA]) == 0

    out = capsys.readouterr().out
    assert f"person: {ANA} in T0LEARN (Europe/London)" in out
    assert "schedule: next nudge Tue 24 Nov 16:00" in out
    assert '"action_id": "nudge_log_now"' in out
    assert fake_slack.calls == []
    assert cli.main(["nudge", "--user", "U0NOBODY"]) == 2


def test_digest_dry_run_prints_the_digest_and_its_recipients_and_sends_nothing(
    slack, fake_slack, environment, capsys
):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/learn", "20m #sql Read about joins", user=ADMIN)
    fake_slack.reset()

    assert cli.main(["digest", "--team", "Platform", "--dry-run"]) == 0

    out = capsys.readouterr().out
    assert f"recipients: {ADMIN}" in out and "next digest: Mon 30 Nov 09:00" in out
    assert "Platform: a week of learning" in out or "A quiet week for" in out
    assert fake_slack.calls == []
    with pytest.raises(SystemExit):
        cli.main(["digest", "--team", "Platform"])  # sending is the scheduler's job


def test_apscheduler_ticks_every_minute_and_runs_the_hourly_jobs_in_utc(settings, engine, sleeps):
    runner = make_runner(settings, engine, sleeps, FakeTimer())

    scheduler = build_scheduler(runner)

    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"tick", "schedule_missing", "housekeeping"}
    assert jobs["tick"].trigger.interval == timedelta(minutes=1)
    assert jobs["schedule_missing"].trigger.interval == timedelta(hours=1)
    assert jobs["housekeeping"].trigger.interval == timedelta(hours=1)
    assert jobs["housekeeping"].func == runner.housekeeping
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
    assert str(scheduler.timezone) == "UTC"


# ---------------------------------------------------------------------- many workspaces (OAuth)


@pytest.fixture
def oauth_settings(fake_slack, database_url):
    return Settings(
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
    )


@pytest.fixture
def installed(oauth_settings, fake_slack, deps, engine, sleeps, session):
    """Install through OAuth, then have Ana use the app: the installation's bot token is in the store."""
    app = build_app(oauth_settings, deps, engine=engine, process_before_response=True, sleep=sleeps.append)
    driver = SlackDriver(build_wsgi_app(app, engine, oauth_settings), SIGNING_SECRET, fake_slack)
    page = driver.client.get("/slack/install")
    state = re.search(r"state=([\w-]+)", page.get_data(as_text=True))[1]
    fake_slack.add_oauth_code("scheduler-code", user_id=ANA)
    assert driver.client.get(f"/slack/oauth_redirect?code=scheduler-code&state={state}").status_code == 200
    driver.command("/fitness", "nudges on", user=ANA)
    return session.scalar(select(slack_bots.c.bot_token))


def test_in_oauth_mode_each_workspace_is_nudged_with_its_installations_bot_token(
    installed, oauth_settings, fake_slack, engine, sleeps
):
    runner = make_runner(oauth_settings, engine, sleeps, FakeTimer())

    runner.run_due(now=TUESDAY_NUDGE)

    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.token == installed and post.token != BOT_TOKEN


def test_a_rotating_token_about_to_expire_is_refreshed_first_and_a_failed_refresh_loses_nothing(
    installed, oauth_settings, fake_slack, engine, sleeps, session
):
    soon = datetime.now(UTC) + timedelta(minutes=2)
    for table in (slack_bots, slack_installations):
        session.execute(update(table).values(bot_refresh_token="xoxe-1-refresh", bot_token_expires_at=soon))
    session.commit()
    runner = make_runner(oauth_settings, engine, sleeps, FakeTimer())

    runner.run_due(now=TUESDAY_NUDGE)

    [refresh] = fake_slack.calls_to("oauth.v2.access")[-1:]
    assert refresh.args["grant_type"] == "refresh_token" and refresh.args["refresh_token"] == "xoxe-1-refresh"
    assert fake_slack.calls_to("chat.postMessage") == []
    [delivery] = session.scalars(select(Delivery)).all()
    assert (delivery.status, delivery.error) == (DeliveryStatus.CLAIMED, "no_token")  # retried next tick
