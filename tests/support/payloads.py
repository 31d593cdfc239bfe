"""The test workspace's Slack requests (FakeSlack's default team), and what a person picks or types in them."""

from __future__ import annotations

from typing import Any

from bot.localslack.payloads import SlackPayloads

TEAM_ID = "T0LEARN"
CHANNEL_ID = "C0GENERAL"
MESSAGE_TS = "1700000000.000100"  # the message a clicked button sits on, where which one does not matter
TEST_TEAM = SlackPayloads(
    team_id=TEAM_ID, team_domain="learnfit-test", channel_names={CHANNEL_ID: "general", "C0HELP": "help"}
)


def button(action_id: str, value: str | None = None) -> dict[str, Any]:
    """A clicked button as block_actions reports it in `actions`."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "b1",
        "type": "button",
        "text": {"type": "plain_text", "text": "Button"},
    }
    if value is not None:
        action["value"] = value
    return action


def menu_option(value: str) -> dict[str, Any]:
    """An option picked in an overflow menu, as block_actions reports it in `selected_option`."""
    return {"text": {"type": "plain_text", "text": "Option"}, "value": value}


def overflow_pick(action_id: str, value: str) -> dict[str, Any]:
    """An overflow menu's option picked, as block_actions reports it in `actions`."""
    return {
        "action_id": action_id,
        "block_id": "b1",
        "type": "overflow",
        "selected_option": menu_option(value),
    }


def form_values(**fields: dict[str, Any]) -> dict[str, Any]:
    """state.values with each block's single element under action_id 'value'."""
    return {block_id: {"value": element} for block_id, element in fields.items()}


def text_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def radio_value(value: str) -> dict[str, Any]:
    return {
        "type": "radio_buttons",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def select_value(value: str) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def date_value(value: str) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def url_value(value: str | None) -> dict[str, Any]:
    return {"type": "url_text_input", "value": value}


def learning_form(
    *,
    what: str = "Read the asyncio docs",
    minutes: str = "45m",
    kind: str = "formal",
    skills: str = "#python, asyncio",
    day: str = "2026-11-23",
    link: str | None = "https://docs.python.org/3/library/asyncio.html",
    visibility: str = "private",
    goal: str | None = None,
) -> dict[str, Any]:
    """The learning form as a person fills it in; `goal` is the goal picked (its id), if the form offers one."""
    picked_goal = {"goal": select_value(goal)} if goal is not None else {}
    return form_values(
        what=text_value(what),
        minutes=text_value(minutes),
        kind=radio_value(kind),
        skills=text_value(skills),
        day=date_value(day),
        link=url_value(link),
        visibility=radio_value(visibility),
        **picked_goal,
    )
