"""Start-up: settings from the environment, and one clear line when something is missing."""

from __future__ import annotations

import pytest

from bot import cli
from bot.settings import ConfigError, InstallMode, Settings, load_settings

ENV = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "DATABASE_URL",
    "SLACK_API_URL",
    "PORT",
    "MAX_REQUEST_BODY_BYTES",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_sqlite_in_the_working_folder_slack_and_port_3000(tmp_path):
    settings = load_settings()

    assert settings.database_url == f"sqlite:///{tmp_path / 'learnfit.db'}"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert settings.max_request_body_bytes == 1024 * 1024
    assert settings.install_mode is InstallMode.SINGLE_WORKSPACE


def test_environment_and_dotenv_are_read(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("SLACK_SIGNING_SECRET=from-dotenv\nPORT=8080\n")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/learnfit")

    settings = load_settings()

    assert settings.slack_signing_secret == "from-dotenv" and settings.port == 8080
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.database_url == "postgresql+psycopg://u:p@db.internal/learnfit"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "eighty"}, "PORT: "),
        ({"MAX_REQUEST_BODY_BYTES": "1000"}, "MAX_REQUEST_BODY_BYTES: "),  # below 64 KiB: Slack's would fail
        ({"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET is not set"),
        ({"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}, "not both"),
    ],
)
def test_contradictory_or_malformed_settings_are_one_line(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert message in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("env", "check", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "require_http", "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_SIGNING_SECRET": "s"}, "require_http", "SLACK_BOT_TOKEN is not set"),
        (
            {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxp-user"},
            "require_http",
            "starting with xoxb-",
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "require_socket", "SLACK_APP_TOKEN is not set"),
        (
            {"SLACK_APP_TOKEN": "xapp-1", "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "s"},
            "require_socket",
            "Socket Mode serves one workspace",
        ),
    ],
)
def test_each_run_mode_names_the_setting_it_misses(monkeypatch, env, check, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError, match=message):
        getattr(load_settings(), check)()


def test_oauth_mode_needs_no_bot_token(monkeypatch):
    monkeypatch.setenv("SLACK_CLIENT_ID", "1")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "s")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "x")

    settings = load_settings()
    settings.require_http()

    assert settings.install_mode is InstallMode.OAUTH


def test_cli_prints_one_line_and_exits_2_on_a_missing_setting(capsys):
    assert cli.main(["web"]) == 2

    err = capsys.readouterr().err
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith("learnfit: SLACK_SIGNING_SECRET is not set")
    assert "Traceback" not in err


def test_cli_db_upgrade_then_current_reports_head(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")

    assert cli.main(["db", "upgrade"]) == 0
    assert cli.main(["db", "current"]) == 0

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == lines[-2] and lines[-1].startswith("database at revision 0")


def test_settings_class_reads_aliases_only():
    assert Settings(PORT=4000).port == 4000
