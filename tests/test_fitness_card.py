"""The fitness card reads at a glance: six lines at most and one row of actions, on `/fitness` and App Home;
one duration format wherever time is shown; and early in a week it compares with the same point of last
week, not with the whole of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest

from bot.views.fitness import CARD_MENU, CardChoice
from tests.conftest import ANA, KEN
from tests.helpers import last_opened_view, last_response, menu_values, text_of
from tests.support.payloads import TEST_TEAM
from tests.test_teams import ADMIN

MAX_CARD_LINES = 6
# What the old formats looked like: "45 min", "+355 min", "on last week's 3h 25m".
MINUTES_FORMAT = re.compile(r"\d+ ?min\b")


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)


def learn(slack, clock, when: datetime, text: str, user: str = ANA) -> None:
    clock.set(when)
    slack.command("/learn", text, user=user)


def text_lines(blocks: list[dict[str, Any]]) -> int:
    """Lines of text as Slack draws them: each line of a section, header, field or context element."""
    texts: list[str] = []
    for block in blocks:
        if block["type"] in ("section", "header"):
            texts += [block["text"]["text"]] if "text" in block else []
            texts += [field["text"] for field in block.get("fields", [])]
        elif block["type"] == "context":
            texts += [element["text"] for element in block["elements"] if "text" in element]
    return sum(len(text.split("\n")) for text in texts)


def card_on_home(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's blocks on App Home: from its heading to the next divider."""
    blocks = view["blocks"]
    start = next(
        index
        for index, block in enumerate(blocks)
        if "Your learning fitness" in block.get("text", {}).get("text", "")
    )
    end = next(index for index in range(start, len(blocks)) if blocks[index]["type"] == "divider")
    return blocks[start + 1 : end]


def a_full_card(slack, clock) -> None:
    """Everything a card can say: a streak with a better best, a rest week, five top skills, a snooze."""
    for day in (2, 3, 4, 9, 10, 11):  # two met weeks, then a broken one
        learn(slack, clock, datetime(2026, 11, day, 12, tzinfo=UTC), f"25m #skill-{day % 5} Reading {day}")
    learn(slack, clock, datetime(2026, 11, 16, 12, tzinfo=UTC), "20m kind:people #pairing Pairing")
    for day, text in ((17, "1h #sql Indexes"), (18, "30m kind:formal #go Course")):
        learn(slack, clock, datetime(2026, 11, day, 12, tzinfo=UTC), text)
    learn(slack, clock, datetime(2026, 11, 23, 9, tzinfo=UTC), "5h 55m #sql A long day of it")
    slack.command("/fitness", "rest", user=ANA)
    slack.command("/fitness", "nudges snooze 7d", user=ANA)


def test_the_card_is_six_lines_at_most_with_one_row_of_actions_on_fitness_and_home(slack, fake_slack, clock):
    a_full_card(slack, clock)

    slack.command("/fitness", "", user=ANA)
    card = last_response(fake_slack)
    shown = text_of(card)
    assert ":palm_tree: rest week" in shown and ":zzz: Nudges snoozed" in shown and "Top skills" in shown
    assert "This week *5h 55m* on 1 day, nothing by now last week" in shown
    assert text_lines(card["blocks"]) <= MAX_CARD_LINES
    assert [block["type"] for block in card["blocks"]].count("actions") == 1
    [row] = [block for block in card["blocks"] if block["type"] == "actions"]
    assert [element["type"] for element in row["elements"]] == ["button", "button", "overflow"]
    assert sum(element.get("style") == "primary" for element in row["elements"]) == 1

    slack.event(TEST_TEAM.app_home_opened(ANA))
    home = fake_slack.calls_to("views.publish")[-1].args["view"]
    on_home = card_on_home(home)
    assert "Top skills" in text_of({"blocks": on_home})
    assert text_lines(on_home) <= MAX_CARD_LINES
    assert not any(block["type"] == "actions" for block in on_home)
    assert [block["type"] for block in home["blocks"]].count("actions") == 1


def test_the_cards_menu_holds_targets_nudges_and_help(slack, fake_slack):
    slack.command("/fitness", "", user=ANA)
    values = menu_values(last_response(fake_slack), CARD_MENU)
    assert values == [CardChoice.TARGETS, CardChoice.NUDGES, CardChoice.HELP]

    slack.pick(CARD_MENU, CardChoice.TARGETS, user=ANA)
    assert last_opened_view(fake_slack)["callback_id"] == "targets_modal"
    slack.pick(CARD_MENU, CardChoice.NUDGES, user=ANA)
    assert "Nudges are on" in text_of(last_response(fake_slack))
    slack.pick(CARD_MENU, CardChoice.HELP, user=ANA)
    assert "How /fitness works" in text_of(last_response(fake_slack))
    before = len(fake_slack.calls)
    slack.pick(CARD_MENU, "<!channel>", user=ANA)  # not a value the app wrote: nothing happens
    assert [call.method for call in fake_slack.calls[before:]] == []


def test_early_in_the_week_the_card_compares_with_the_same_point_of_last_week(slack, fake_slack, clock):
    learn(slack, clock, datetime(2026, 11, 16, 12, tzinfo=UTC), "30m Monday last week")
    learn(slack, clock, datetime(2026, 11, 17, 18, tzinfo=UTC), "2h Tuesday evening last week")
    learn(slack, clock, datetime(2026, 11, 19, 12, tzinfo=UTC), "55m Thursday last week")
    learn(slack, clock, datetime(2026, 11, 23, 12, tzinfo=UTC), "45m Monday this week")
    clock.set(datetime(2026, 11, 24, 10, tzinfo=UTC))  # Tuesday morning in London

    slack.command("/fitness", "", user=ANA)

    shown = text_of(last_response(fake_slack))
    # By Tuesday 10:00 last week she had logged Monday's 30 minutes; not the 3h 25m of the whole week.
    assert "This week *45m* on 1 day, by now last week 30m" in shown
    assert "3h 25m" not in shown and "\u2212" not in shown and not MINUTES_FORMAT.search(shown)


def test_the_same_point_of_last_week_is_the_persons_own_time_of_day(slack, fake_slack, clock):
    # Ken is in Tokyo: Tuesday 10:00 UTC is 19:00 for him.
    learn(slack, clock, datetime(2026, 11, 17, 9, tzinfo=UTC), "20m Before dinner last Tuesday", user=KEN)
    learn(slack, clock, datetime(2026, 11, 17, 11, tzinfo=UTC), "40m After dinner last Tuesday", user=KEN)
    clock.set(datetime(2026, 11, 24, 10, tzinfo=UTC))

    slack.command("/fitness", "", user=KEN)

    assert "by now last week 20m" in text_of(last_response(fake_slack))


def test_time_is_shown_one_way_on_the_card_confirmations_goals_nudges_and_digests(
    slack, fake_slack, clock, settings, engine, sleeps
):
    from tests.test_scheduler import FakeTimer, make_runner

    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", f"add <@{ANA}|ana>", user=ADMIN)
    learn(slack, clock, datetime(2026, 11, 16, 12, tzinfo=UTC), "5h 55m #sql Last week")
    learn(slack, clock, datetime(2026, 11, 24, 9, tzinfo=UTC), "45m #sql This week")
    slack.command("/goal", "Learn Postgres internals #sql 10h by 2027-01-31", user=ANA)
    for command, text, user in (
        ("/fitness", "", ANA),
        ("/fitness", "history", ANA),
        ("/goal", "list", ANA),
        ("/team", "digest preview", ADMIN),
    ):
        slack.command(command, text, user=user)
    runner = make_runner(settings, engine, sleeps, FakeTimer())
    for tick in (datetime(2026, 11, 24, 16, 1, tzinfo=UTC), datetime(2026, 11, 26, 16, 1, tzinfo=UTC)):
        runner.run_due(now=tick)

    shown = "\n".join(
        [text_of(call.args) for call in fake_slack.calls_to("response_url")]
        + [text_of(call.args) for call in fake_slack.calls_to("chat.postMessage")]
    )
    assert "45m" in shown and "5h 55m" in shown and "Learn Postgres internals" in shown
    assert "a week of learning" in shown and "Log now" in shown  # the digest and Thursday's nudge
    assert not MINUTES_FORMAT.search(shown), MINUTES_FORMAT.findall(shown)


def test_a_newcomers_home_says_how_to_start_once(slack, fake_slack):
    slack.event(TEST_TEAM.app_home_opened(ANA))

    home = fake_slack.calls_to("views.publish")[-1].args["view"]
    assert text_of(home).count("Nothing logged yet") == 1
    types = [block["type"] for block in home["blocks"]]
    assert ("divider", "divider") not in set(pairwise(types))
