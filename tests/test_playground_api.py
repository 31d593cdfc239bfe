"""The playground's JSON endpoints drive the real app through the built-in local Slack."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.playground_support import ANA, BO, PlaygroundClient, running_playground
from tests.support.environment import app_environment
from tests.support.processes import free_port


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[PlaygroundClient]:
    with running_playground(tmp_path) as client:
        yield client


def _texts(messages: list[dict]) -> str:
    return json.dumps([(m.get("text"), m.get("blocks")) for m in messages])


def test_learn_command_replies_to_the_asker_only_and_updates_home(playground: PlaygroundClient) -> None:
    assert playground.post("home", user=ANA)["ok"]
    home_before = playground.state(ANA)["home"]

    assert playground.post("send", user=ANA, channel="C0GENERAL", text="/learn 30m #python x")["ok"]

    mine = playground.state(ANA)["messages"]
    assert [m["ephemeral"] for m in mine] == [True]
    assert "30m" in _texts(mine)
    assert playground.state(BO)["messages"] == []
    home_after = playground.state(ANA)["home"]
    assert home_after is not None and home_after != home_before
    assert "python" in json.dumps(home_after["blocks"])


def test_undo_button_round_trips_and_replaces_the_reply(playground: PlaygroundClient) -> None:
    playground.post("send", user=ANA, channel="C0GENERAL", text="/learn 30m #python x")
    [reply] = playground.state(ANA)["messages"]
    undo = next(
        element
        for block in reply["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if "undo" in element["action_id"]
    )

    answer = playground.post(
        "action",
        user=ANA,
        surface="ephemeral",
        channel="C0GENERAL",
        ts=reply["ts"],
        action={**undo, "block_id": "b1"},
    )

    assert answer["ok"], answer
    [replaced] = playground.state(ANA)["messages"]
    assert replaced["ts"] == reply["ts"]
    assert replaced["text"] != reply["text"]


def test_modal_submit_with_a_bad_field_shows_the_error_under_it(playground: PlaygroundClient) -> None:
    playground.post("send", user=ANA, channel="C0GENERAL", text="/learn")
    modal = playground.state(ANA)["modal"]
    assert modal is not None and modal["type"] == "modal"

    values = {
        "what": {"value": {"type": "plain_text_input", "value": "Read the asyncio docs"}},
        "minutes": {"value": {"type": "plain_text_input", "value": "lots"}},
    }
    answer = playground.post("submit", user=ANA, view_id=modal["id"], values=values)

    assert answer["ok"] and "minutes" in answer["errors"]
    state = playground.state(ANA)
    assert state["modal"]["id"] == modal["id"]
    assert "minutes" in state["modal_errors"]

    values["minutes"] = {"value": {"type": "plain_text_input", "value": "25"}}
    assert playground.post("submit", user=ANA, view_id=modal["id"], values=values)["errors"] == {}
    assert playground.state(ANA)["modal"] is None


def test_page_and_fake_api_share_the_port(playground: PlaygroundClient) -> None:
    with urllib.request.urlopen(playground.base_url + "/", timeout=10) as page:
        assert b"Learnfit playground" in page.read()
    with urllib.request.urlopen(playground.base_url + "/api/auth.test?token=xoxb-x", timeout=10) as api:
        assert json.load(api)["ok"] is True


def test_learnfit_playground_needs_no_slack_settings(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "playground", "--port", str(port)],
        cwd=tmp_path,
        env=app_environment(PYTHONPATH=str(Path(__file__).parent.parent)),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # the log line comes once the port is bound
            if "Learnfit playground on" in line:
                break
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/playground/state?user=U0LEA", timeout=10
        ) as reply:
            assert json.load(reply)["me"] == "U0LEA"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert (tmp_path / "learnfit-playground.db").exists()


def test_the_askers_check_mark_reaction_reaches_the_app(playground: PlaygroundClient) -> None:
    playground.post("send", user=ANA, channel="C0HELP", text="/ask How do I read a query plan? #postgres")
    [question] = [m for m in playground.state(ANA)["messages"] if not m.get("ephemeral")]
    playground.post("send", user=BO, channel="C0HELP", text="EXPLAIN ANALYZE", thread_ts=question["ts"])

    assert playground.post("react", user=ANA, channel="C0HELP", ts=question["ts"], name="white_check_mark")[
        "ok"
    ]

    [card] = [m for m in playground.state(ANA)["messages"] if m["ts"] == question["ts"]]
    assert card["reactions"] == ["white_check_mark"]
    assert "Resolved" in json.dumps(card["blocks"])


def test_save_as_learning_opens_the_form_prefilled_from_the_message(playground: PlaygroundClient) -> None:
    playground.post("send", user=BO, channel="C0GENERAL", text="TIL: pytest's tmp_path is per test")
    [message] = playground.state(ANA)["messages"]

    assert playground.post("shortcut", user=ANA, channel="C0GENERAL", ts=message["ts"])["ok"]

    modal = playground.state(ANA)["modal"]
    assert modal is not None and "tmp_path is per test" in json.dumps(modal["blocks"])
    assert playground.state(BO)["modal"] is None
