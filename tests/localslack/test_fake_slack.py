"""FakeSlack driven by a real slack_sdk WebClient, as the app's tests will drive it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.localslack import BlockKitViolation, FakeSlack, block_kit_problems

DM = "DU0ALICE"


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": action_id}


def modal(title: str = "Log a workout", blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "log_workout",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks if blocks is not None else [section("How did it go?")],
    }


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_user(
            "U0ALICE", "alice", tz="America/New_York", real_name="Alice Adams", status_emoji=":runner:"
        )
        server.add_channel("C0GENERAL", "general")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # No retry handlers: every injected failure must reach the test unretried.
    return WebClient(token="xoxb-test", base_url=fake.base_url, retry_handlers=[])


def api_error(call: Any, *args: Any, **kwargs: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------------- users, auth


def test_users_info_returns_the_added_user_and_records_the_call(fake: FakeSlack, client: WebClient) -> None:
    user = client.users_info(user="U0ALICE")["user"]

    assert user["id"] == "U0ALICE"
    assert user["name"] == "alice"
    assert user["real_name"] == "Alice Adams"
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)  # EST or EDT, whichever applies today
    assert user["tz_label"] in ("EST", "EDT")
    assert user["profile"]["status_emoji"] == ":runner:"
    assert user["deleted"] is False
    [call] = fake.calls_to("users.info")
    assert call.args == {"user": "U0ALICE"}
    assert call.token == "xoxb-test"
    assert call.path == "/api/users.info"


def test_users_info_unknown_user_raises_user_not_found(client: WebClient) -> None:
    error = api_error(client.users_info, user="U0NOBODY")

    assert error.response.status_code == 200
    assert error.response["error"] == "user_not_found"


def test_explicit_tz_offset_wins(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U0BOB", "bob", tz="Asia/Kolkata", tz_offset=19800, deleted=True)

    user = client.users_info(user="U0BOB")["user"]

    assert (user["tz_offset"], user["deleted"]) == (19800, True)


def test_auth_test_describes_the_bot(fake: FakeSlack, client: WebClient) -> None:
    response = client.auth_test()

    assert response["url"] == "https://learnfit-test.slack.com/"
    assert (response["team_id"], response["user_id"], response["bot_id"]) == ("T0LEARN", "U0BOT", "B0BOT")


@pytest.mark.parametrize(
    ("token", "error"),
    [(None, "not_authed"), ("not-a-token", "invalid_auth"), ("xoxb-revoked", "token_revoked")],
)
def test_bad_tokens_are_refused(fake: FakeSlack, token: str | None, error: str) -> None:
    fake.revoke("xoxb-revoked")
    client = WebClient(token=token, base_url=fake.base_url)

    assert api_error(client.auth_test).response["error"] == error


def test_unknown_method(client: WebClient) -> None:
    error = api_error(client.api_call, "learnfit.nothing")

    assert (error.response.status_code, error.response["error"]) == (200, "unknown_method")


def test_form_and_get_requests_are_parsed_and_json_fields_decoded(fake: FakeSlack, client: WebClient) -> None:
    client.api_call("users.info", http_verb="GET", params={"user": "U0ALICE"})
    client.api_call("chat.postMessage", data={"channel": "C0GENERAL", "blocks": json.dumps([section("hi")])})

    get_call, form_call = fake.calls
    assert get_call.args == {"user": "U0ALICE"}
    assert form_call.args["blocks"] == [section("hi")]
    assert fake.messages("C0GENERAL")[0]["blocks"] == [section("hi")]


# ---------------------------------------------------------------------- injected failures


def test_429_with_retry_after_reaches_the_client_once(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("users.info", status=429, retry_after=7)

    error = api_error(client.users_info, user="U0ALICE")

    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"
    assert client.users_info(user="U0ALICE")["ok"] is True
    assert len(fake.calls_to("users.info")) == 2  # failed calls are recorded too


def test_500_answers_plain_text(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=500)

    error = api_error(client.chat_postMessage, channel="C0GENERAL", text="hi")

    assert error.response.status_code == 500
    assert "Internal Server Error" in error.response["error"]
    assert fake.messages() == []


def test_error_failure_repeats_for_times_then_clears(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("users.info", error="account_inactive", times=2)

    errors = [api_error(client.users_info, user="U0ALICE").response["error"] for _ in range(2)]

    assert errors == ["account_inactive", "account_inactive"]
    assert client.users_info(user="U0ALICE")["user"]["id"] == "U0ALICE"


def test_fail_next_needs_an_error_or_failing_status(fake: FakeSlack) -> None:
    with pytest.raises(ValueError):
        fake.fail_next("users.info")


# ---------------------------------------------------------------------- chat


def test_post_message_then_update(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0GENERAL", text="Workout due", blocks=[section("Due")])
    updated = client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="Workout done")

    assert posted["channel"] == "C0GENERAL"
    assert posted["message"]["text"] == "Workout due"
    assert posted["message"]["bot_id"] == "B0BOT"
    assert updated["ts"] == posted["ts"]
    assert updated["message"]["text"] == "Workout done"
    [message] = fake.messages("C0GENERAL")
    assert message["text"] == "Workout done"
    assert message["blocks"] == [section("Due")]  # left out of the update, so kept


def test_timestamps_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C0GENERAL", text=str(n))["ts"] for n in range(5)]

    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5


def test_posting_to_a_user_opens_their_dm(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="U0ALICE", text="Hi Alice")
    opened = client.conversations_open(users="U0ALICE")

    assert posted["channel"] == DM
    assert opened["channel"]["id"] == DM
    assert opened["already_open"] is True
    assert [message["text"] for message in fake.messages(DM)] == ["Hi Alice"]


def test_update_delete_and_permalink_need_a_posted_message(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=DM, text="x")["ts"]

    link = client.chat_getPermalink(channel=DM, message_ts=ts)["permalink"]
    client.chat_delete(channel=DM, ts=ts)

    assert link == f"https://learnfit-test.slack.com/archives/{DM}/p{ts.replace('.', '')}"
    assert api_error(client.chat_update, channel=DM, ts=ts, text="y").response["error"] == "message_not_found"
    assert fake.messages() == []


@pytest.mark.parametrize(
    ("channel", "kwargs", "error"),
    [
        ("C0MISSING", {"text": "x"}, "channel_not_found"),
        ("C0OUTSIDE", {"text": "x"}, "not_in_channel"),
        ("C0OLD", {"text": "x"}, "is_archived"),
        ("C0GENERAL", {}, "no_text"),
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_channel_and_content_errors(
    fake: FakeSlack, client: WebClient, channel: str, kwargs: dict[str, Any], error: str
) -> None:
    fake.add_channel("C0OUTSIDE", "outside", is_member=False)
    fake.add_channel("C0OLD", "old", is_archived=True)

    assert api_error(client.chat_postMessage, channel=channel, **kwargs).response["error"] == error


def test_post_ephemeral_returns_message_ts(client: WebClient) -> None:
    response = client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="only you")

    assert float(response["message_ts"]) > 0


def test_conversations_info(client: WebClient) -> None:
    assert client.conversations_info(channel="C0GENERAL")["channel"]["name"] == "general"
    assert client.conversations_info(channel=DM)["channel"]["user"] == "U0ALICE"
    assert api_error(client.conversations_info, channel="C0NOPE").response["error"] == "channel_not_found"


# ---------------------------------------------------------------------- Block Kit


def test_invalid_blocks_are_recorded_and_answered_invalid_blocks(fake: FakeSlack, client: WebClient) -> None:
    error = api_error(client.chat_postMessage, channel="C0GENERAL", text="x", blocks=[section("y" * 3001)])

    assert error.response["error"] == "invalid_blocks"
    assert "3000" in error.response["response_metadata"]["messages"][0]
    assert fake.violations == [
        BlockKitViolation("chat.postMessage", "blocks[0]: text attribute cannot exceed 3000 characters")
    ]
    assert fake.messages() == []


def test_invalid_view_is_answered_invalid_arguments(fake: FakeSlack, client: WebClient) -> None:
    error = api_error(client.views_open, trigger_id="1.2.abc", view=modal(title="A title far longer than 24"))

    assert error.response["error"] == "invalid_arguments"
    assert "title" in error.response["response_metadata"]["messages"][0]
    assert [violation.method for violation in fake.violations] == ["views.open"]


def test_block_kit_problems_accepts_a_valid_message() -> None:
    blocks = [section("a", block_id="a"), {"type": "actions", "elements": [button("done"), button("skip")]}]

    assert block_kit_problems({"text": "hi", "blocks": blocks}, "message") == []


def test_block_kit_problems_finds_payload_limits() -> None:
    duplicate_ids = [section("a", block_id="same"), section("b", block_id="same")]
    duplicate_actions = [{"type": "actions", "elements": [button("go"), button("go")]}]

    assert block_kit_problems({"blocks": [{"type": "divider"}] * 51}, "message") == [
        "51 blocks; a message allows at most 50"
    ]
    assert block_kit_problems({"text": "x" * 40_001}, "message") == [
        "text is 40001 characters; the limit is 40000"
    ]
    assert block_kit_problems({"blocks": duplicate_ids}, "message") == [
        "block_id 'same' is used more than once"
    ]
    assert block_kit_problems({"blocks": duplicate_actions}, "message") == [
        "blocks[0]: action_id 'go' is used more than once in this block"
    ]
    assert block_kit_problems({"blocks": [{"type": "nonsense"}]}, "message") == [
        "blocks[0]: unknown block type 'nonsense'"
    ]


def test_block_kit_problems_checks_nested_elements() -> None:
    long_button = {**button("go"), "text": {"type": "plain_text", "text": "x" * 76}}

    assert block_kit_problems({"blocks": [{"type": "actions", "elements": [long_button]}]}, "message") == [
        "blocks[0]: text attribute cannot exceed 75 characters"
    ]


def test_block_kit_problems_checks_views() -> None:
    home = {"type": "home", "blocks": [{"type": "divider"}] * 101}

    assert block_kit_problems(modal(), "modal") == []
    assert block_kit_problems(home, "home") == ["view: views must contain between 1 and 100 blocks"]
    assert block_kit_problems(modal(), "home") == ["view type must be 'home', got 'modal'"]


def test_too_long_text_is_answered_msg_too_long(client: WebClient) -> None:
    error = api_error(client.chat_postMessage, channel="C0GENERAL", text="x" * 40_001)

    assert error.response["error"] == "msg_too_long"


# ---------------------------------------------------------------------- views


def test_views_open_update_and_publish(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="1.2.abc", view=modal())["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal(title="Saved"))[
        "view"
    ]
    home = client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [section("Plan")]})["view"]

    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "log_workout"
    assert opened["blocks"] == [section("How did it go?")]
    assert (updated["id"], updated["title"]["text"]) == (opened["id"], "Saved")
    assert updated["hash"] != opened["hash"]
    assert fake.home_view("U0ALICE") == home
    assert api_error(client.views_update, view_id="V0NOPE", view=modal()).response["error"] == "not_found"
    stale = api_error(client.views_update, view_id=opened["id"], hash=opened["hash"], view=modal())
    assert stale.response["error"] == "hash_conflict"


def test_views_open_needs_a_trigger_id(client: WebClient) -> None:
    error = api_error(client.api_call, "views.open", json={"view": modal()})

    assert error.response["error"] == "invalid_arguments"


# ---------------------------------------------------------------------- waiting, response URLs, reset


def test_wait_for_sees_calls_made_on_another_thread(fake: FakeSlack, client: WebClient) -> None:
    go = threading.Event()

    def post_when_told() -> None:
        go.wait()
        client.chat_postMessage(channel=DM, text="from a worker")

    worker = threading.Thread(target=post_when_told)
    worker.start()
    go.set()  # the HTTP round trip takes far longer than entering wait_for, so this waits on the Condition

    started = time.monotonic()
    [call] = fake.wait_for("chat.postMessage", timeout=3)
    waited = time.monotonic() - started
    worker.join()

    assert call.args["text"] == "from a worker"
    assert waited < 1.5  # woken by the recording thread, not by the timeout running out


def test_wait_for_times_out_listing_the_methods_seen(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()

    with pytest.raises(AssertionError, match=r"got 0; methods seen: \{'auth\.test': 1\}"):
        fake.wait_for("chat.postMessage", timeout=0.05)


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url("cmd-1")

    response = WebhookClient(url).send(text="Logged!", response_type="ephemeral", replace_original=False)

    assert (response.status_code, json.loads(response.body)) == (200, {"ok": True})
    [call] = fake.calls_to("response_url")
    assert call.path == "cmd-1"
    assert call.args == {"text": "Logged!", "response_type": "ephemeral", "replace_original": False}


def test_response_url_with_invalid_blocks_is_a_violation(fake: FakeSlack) -> None:
    response = WebhookClient(fake.response_url()).send(text="x", blocks=[{"type": "nonsense"}])

    assert response.status_code == 400
    assert fake.violations == [BlockKitViolation("response_url", "blocks[0]: unknown block type 'nonsense'")]


def test_reset_forgets_activity_but_keeps_users(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel=DM, text="x")
    fake.fail_next("users.info", error="ratelimited")

    fake.reset()

    assert (fake.calls, fake.violations, fake.messages()) == ([], [], [])
    assert client.users_info(user="U0ALICE")["user"]["name"] == "alice"


# ---------------------------------------------------------------------- files, OAuth


def test_files_upload_v2_flow(fake: FakeSlack, client: WebClient) -> None:
    response = client.files_upload_v2(content="a,b\n", filename="x.csv", channel=DM, title="Progress")

    assert [call.method for call in fake.calls] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]
    url_call, upload_call, complete_call = fake.calls
    assert url_call.args == {"filename": "x.csv", "length": "4"}
    assert upload_call.args == {"file_id": response["file"]["id"], "size": 4, "content": b"a,b\n"}
    assert complete_call.args["files"] == [{"id": response["file"]["id"], "title": "Progress"}]
    assert complete_call.args["channel_id"] == DM
    assert response["file"]["title"] == "Progress"


def test_a_file_shared_to_a_conversation_is_a_message_there_with_its_bytes_kept(
    fake: FakeSlack, client: WebClient
) -> None:
    response = client.files_upload_v2(
        content="a,b\n", filename="x.csv", channel=DM, title="Progress", initial_comment="Your <file>"
    )
    unshared = client.files_upload_v2(content=b"\x89PNG", filename="chart.png")

    [message] = fake.messages()
    [shared] = message["files"]
    assert (message["channel"], message["text"], message["upload"]) == (DM, "Your <file>", True)
    assert shared["id"] == response["file"]["id"]
    assert (shared["title"], shared["mimetype"], shared["filetype"], shared["size"]) == (
        "Progress",
        "text/csv",
        "csv",
        4,
    )
    assert fake.file(shared["id"]) == (shared, b"a,b\n")
    assert fake.file(unshared["file"]["id"]) is not None
    assert fake.file("F0NEVER") is None


def test_complete_upload_refuses_a_file_never_uploaded(client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="x.csv", length=4)["file_id"]

    error = api_error(client.files_completeUploadExternal, files=[{"id": file_id}])

    assert error.response["error"] == "file_not_found"


def test_oauth_v2_access_exchanges_a_code_once(fake: FakeSlack) -> None:
    fake.add_oauth_code("code-1", user_id="U0ALICE")
    client = WebClient(base_url=fake.base_url)

    response = client.oauth_v2_access(client_id="1.2", client_secret="s", code="code-1")
    reused = api_error(client.oauth_v2_access, client_id="1.2", client_secret="s", code="code-1")
    unknown = api_error(client.oauth_v2_access, client_id="1.2", client_secret="s", code="nope")

    assert response["access_token"].startswith("xoxb-")
    assert response["token_type"] == "bot"
    assert (response["bot_user_id"], response["app_id"]) == ("U0BOT", "A0LEARN")
    assert response["team"] == {"id": "T0LEARN", "name": "Learnfit Test"}
    assert response["enterprise"] is None
    assert response["authed_user"] == {"id": "U0ALICE"}
    assert (reused.response["error"], unknown.response["error"]) == ("code_already_used", "invalid_code")
    installed = WebClient(token=response["access_token"], base_url=fake.base_url)
    assert installed.auth_test()["bot_id"] == "B0BOT"


def test_a_method_outside_the_tokens_scopes_answers_missing_scope() -> None:
    with FakeSlack(scopes="chat:write") as server:
        server.add_channel("C0GENERAL", "general")
        server.add_channel("G0SECRET", "secret", is_private=True)
        client = WebClient(token="xoxb-scoped", base_url=server.base_url)
        assert client.chat_postMessage(channel="C0GENERAL", text="hi")["ok"]
        for call, args, needed in (
            (client.users_info, {"user": "U0ANYONE"}, "users:read"),
            (client.conversations_info, {"channel": "C0GENERAL"}, "channels:read"),
            (client.conversations_info, {"channel": "G0SECRET"}, "groups:read"),
            (client.files_getUploadURLExternal, {"filename": "a.csv", "length": 3}, "files:write"),
        ):
            error = api_error(call, **args).response
            assert (error["error"], error["needed"], error["provided"]) == (
                "missing_scope",
                needed,
                "chat:write",
            )
