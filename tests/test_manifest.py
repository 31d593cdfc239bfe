"""manifest.yml creates the app in one paste, with exactly what the code uses."""

from __future__ import annotations

from bot.app import BOT_SCOPES
from bot.listeners.shortcuts.save_message import SAVE_AS_LEARNING
from tests.support.manifest import manifest

MANIFEST = manifest()


def test_bot_scopes_are_exactly_the_ones_the_code_uses():
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_commands_shortcut_home_and_urls_are_declared():
    features = MANIFEST["features"]
    assert [command["command"] for command in features["slash_commands"]] == [
        "/learn",
        "/fitness",
        "/ask",
        "/goal",
        "/team",
    ]
    assert [shortcut["callback_id"] for shortcut in features["shortcuts"]] == [SAVE_AS_LEARNING]
    assert features["app_home"]["home_tab_enabled"] is True
    settings = MANIFEST["settings"]
    urls = {command["url"] for command in features["slash_commands"]}
    urls |= {settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]}
    assert all(url.endswith("/slack/events") for url in urls)
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "message.channels",
        "message.groups",
        "reaction_added",
    ]
    assert MANIFEST["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
