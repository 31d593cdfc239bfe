"""The playground's JSON endpoints drive the real app through the built-in local Slack."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.playground.core import BOT_TOKEN
from tests.playground_support import ANA, BO, PlaygroundClient, running_playground
from tests.support.environment import app_environment
from tests.support.processes import free_port


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[PlaygroundClient]:
    with running_playground(tmp_path) as client:
        yield client


def _texts(messages: list[dict]) -> str:
    return json.dumps([(m.get("text"), m.get("blocks")) for m in messages])


def test_learn_command_replies_to_the_asker_only_and_home_shows_it(playground: PlaygroundClient) -> None:
    assert playground.post("send", user=ANA, channel="C0GENERAL", text="/learn 30m #python x")["ok"]

    mine = playground.state(ANA)["messages"]
    assert [m["ephemeral"] for m in mine] == [True]
    assert "30m" in _texts(mine)
    assert playground.state(BO)["messages"] == []
    assert playground.state(ANA)["home"] is None  # Ana has not opened Home: nothing was published
    assert playground.post("home", user=ANA)["ok"]
    home = playground.state(ANA)["home"]
    assert home is not None and "python" in json.dumps(home["blocks"])


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


# ---------------------------------------------------------------------- emoji, files, what people type


def _get(playground: PlaygroundClient, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(playground.base_url + path, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_emoji_are_slacks_short_names_and_aliases(playground: PlaygroundClient) -> None:
    status, headers, body = _get(playground, "/playground/emoji")
    emoji = json.loads(body)

    assert status == 200 and headers["Content-Type"] == "application/json"
    assert {name: emoji[name] for name in ("white_check_mark", "busts_in_silhouette", "raised_hands")} == {
        "white_check_mark": "✅",
        "busts_in_silhouette": "👥",
        "raised_hands": "🙌",
    }
    assert (emoji["tada"], emoji["seedling"], emoji["lock"]) == ("🎉", "🌱", "🔒")
    assert emoji["+1"] == emoji["thumbsup"] == "👍"  # Slack's aliases
    assert emoji["warning"] == "⚠️"  # with VS16, so it shows as an emoji, not a text glyph
    assert emoji["flag-jp"] == "🇯🇵" and emoji["skin-tone-3"] == "🏼"  # Slack's own spellings
    assert "not_an_emoji" not in emoji


def test_an_export_is_a_file_message_in_the_dm_downloadable_by_its_owner_only(
    playground: PlaygroundClient,
) -> None:
    playground.post("send", user=ANA, channel="C0GENERAL", text="/learn 30m #python <b>&amp; asyncio")
    playground.post("send", user=ANA, channel="C0GENERAL", text="/fitness export")

    [shared] = [m for m in playground.state(ANA)["messages"] if m.get("files")]
    [file] = shared["files"]
    assert shared["channel"] == f"D{ANA}" and "1 row," in shared["text"]
    assert (file["filetype"], file["mimetype"]) == ("csv", "text/csv")
    assert not [m for m in playground.state(BO)["messages"] if m.get("files")]

    status, headers, body = _get(playground, f"/playground/file?user={ANA}&id={file['id']}")
    assert status == 200 and body.decode().count("\n") == 2
    assert "<b>&amp; asyncio" in body.decode()
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == f"attachment; filename*=UTF-8''{file['name']}"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    for user, file_id in ((BO, file["id"]), (ANA, "F0NOPE"), ("U0NOBODY", file["id"])):
        assert _get(playground, f"/playground/file?user={user}&id={file_id}")[0] == 400


def test_a_picture_an_image_block_shows_is_served_inline_to_whoever_sees_the_block(
    playground: PlaygroundClient,
) -> None:
    app = WebClient(token=BOT_TOKEN, base_url=f"{playground.base_url}/api/")
    chart = app.files_upload_v2(content=b"\x89PNG fake", filename="chart.png")["file"]
    page = app.files_upload_v2(content=b"<script>alert(1)</script>", filename="page.html")["file"]
    assert _get(playground, f"/playground/file?user={BO}&id={chart['id']}")[0] == 400  # not shown yet

    app.chat_postMessage(
        channel="C0GENERAL",
        text="charts",
        blocks=[
            {"type": "image", "slack_file": {"id": chart["id"]}, "alt_text": "minutes a day"},
            {"type": "image", "slack_file": {"id": page["id"]}, "alt_text": "not a picture"},
        ],
    )

    status, headers, body = _get(playground, f"/playground/file?user={BO}&id={chart['id']}")
    assert (status, headers["Content-Type"], body) == (200, "image/png", b"\x89PNG fake")
    assert headers["Content-Disposition"].startswith("inline")
    _, headers, _ = _get(playground, f"/playground/file?user={BO}&id={page['id']}")
    assert headers["Content-Type"] == "application/octet-stream"  # never run as the playground's own page
    assert headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("&lt;b&gt; & <!channel>", "&amp;lt;b&amp;gt; &amp; &lt;!channel&gt;"),
        ("thanks @bo, see #help", "thanks <@U0BO|bo>, see <#C0HELP|help>"),
        ("<@U0LEA> @nobody #nowhere", "&lt;@U0LEA&gt; @nobody #nowhere"),
        ("naïve 🙂 \u202etxt", "naïve 🙂 \u202etxt"),
    ],
)
def test_what_a_person_types_reaches_the_app_as_slack_sends_it(
    playground: PlaygroundClient, typed: str, sent: str
) -> None:
    playground.post("send", user=ANA, channel="C0GENERAL", text=typed)

    [message] = playground.state(BO)["messages"]
    assert message["text"] == sent


def test_the_fitness_chart_is_served_on_the_same_port_for_the_page_to_show(
    playground: PlaygroundClient,
) -> None:
    assert playground.post("send", user=ANA, channel="C0GENERAL", text="/learn 30m #python x")["ok"]
    assert playground.post("send", user=ANA, channel="C0GENERAL", text="/fitness")["ok"]

    card = playground.state(ANA)["messages"][-1]
    [image] = [block for block in card["blocks"] if block["type"] == "image"]
    status, headers, body = _get(playground, f"/playground/file?user={ANA}&id={image['slack_file']['id']}")
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert _get(playground, f"/playground/file?user={ANA}&id=F0NEVER")[0] == 400
