"""The learning modal: opened by /learn, App Home, Edit and the message shortcut; submitted once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from bot.listeners.shortcuts.save_message import SAVE_AS_LEARNING
from bot.services.home_visits import HOME_REDRAW_GAP
from bot.views.learning import EDIT_ENTRY, OPEN_LOG_MODAL, UNDO_ENTRY
from models import EntryKind, EntrySource, Visibility
from tests.conftest import ANA, BO
from tests.helpers import button_value, entries, initial_values, last_opened_view, last_response, text_of
from tests.support.payloads import (
    CHANNEL_ID,
    TEST_TEAM,
    button,
    learning_form,
)


def submit(slack, view, values, *, user=ANA, view_id="V0MODAL1"):
    return slack.submit(view, values, user=user, view_id=view_id)


def test_learn_alone_opens_the_modal_with_plain_words_for_each_kind(slack, fake_slack):
    reply = slack.command("/learn", "", user=ANA)

    assert reply.status == 200
    view = last_opened_view(fake_slack)
    shown = str(view)
    assert "Log learning" in shown and "pairing, mentoring" in shown and "a course, a book" in shown
    assert initial_values(view) == {
        "what": None,
        "minutes": None,
        "kind": "job",
        "skills": None,
        "day": "2026-11-24",
        "link": None,
        "visibility": "team",
    }


def test_submitting_the_modal_logs_the_entry_and_confirms_where_it_was_opened(slack, fake_slack, session):
    slack.command("/learn", "", user=ANA)

    reply = submit(slack, last_opened_view(fake_slack), learning_form())

    assert reply.status == 200 and reply.body == ""
    [entry] = entries(session)
    assert (entry.what, entry.minutes, entry.kind, entry.source, entry.visibility) == (
        "Read the asyncio docs",
        45,
        EntryKind.FORMAL,
        EntrySource.MODAL,
        Visibility.PRIVATE,
    )
    assert entry.local_day == date(2026, 11, 23)
    assert entry.link == "https://docs.python.org/3/library/asyncio.html"
    [ephemeral] = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.args["channel"] == CHANNEL_ID and ephemeral.args["user"] == ANA
    assert "Read the asyncio docs" in text_of(ephemeral.args)


def test_a_double_submission_stores_one_entry_and_confirms_once(slack, fake_slack, session):
    slack.command("/learn", "", user=ANA)
    view = last_opened_view(fake_slack)

    submit(slack, view, learning_form())
    submit(slack, view, learning_form())

    assert len(entries(session)) == 1
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1


def test_modal_errors_appear_under_each_field_and_nothing_is_stored(slack, fake_slack, session):
    slack.command("/learn", "", user=ANA)

    reply = submit(
        slack,
        last_opened_view(fake_slack),
        learning_form(what="   ", minutes="soon", skills="#ok, not/ok", link="ftp://files"),
    )

    assert reply.json["response_action"] == "errors"
    assert set(reply.json["errors"]) == {"what", "minutes", "skills", "link"}
    assert "45m or 1h30m" in reply.json["errors"]["minutes"]
    assert entries(session) == []


def test_a_day_in_the_future_is_refused_under_the_date(slack, fake_slack, session):
    slack.command("/learn", "", user=ANA)

    reply = submit(slack, last_opened_view(fake_slack), learning_form(day="2026-11-25"))

    assert reply.json == {"response_action": "errors", "errors": {"day": reply.json["errors"]["day"]}}
    assert "has not happened yet" in reply.json["errors"]["day"]
    assert entries(session) == []


def test_modal_confirmation_falls_back_to_the_dm_where_the_app_cannot_post(slack, fake_slack, session):
    slack.command("/learn", "", user=ANA, channel_id="C0OUTSIDE")

    submit(slack, last_opened_view(fake_slack), learning_form())

    assert len(entries(session)) == 1
    [dm] = fake_slack.calls_to("chat.postMessage")
    assert dm.args["channel"] == ANA and "Read the asyncio docs" in text_of(dm.args)


EDITED = {
    "what": "Query plans, with EXPLAIN ANALYZE",
    "minutes": "50",
    "kind": "job",
    "skills": "#sql #postgres",
    "day": "2026-11-24",
    "visibility": "team",
}


def test_edit_opens_the_entry_and_saving_confirms_privately_where_it_was_clicked(slack, fake_slack, session):
    confirmation = slack.command("/learn", "30m #sql Query plans", user=ANA).json
    entry_id = button_value(confirmation, EDIT_ENTRY)

    # The confirmation is ephemeral: Slack offers no way to change it later but its response_url, which
    # a form never carries, so the update is a new private message where Edit was clicked.
    slack.click(EDIT_ENTRY, user=ANA, value=entry_id, response_url=fake_slack.response_url("edit-me"))
    view = last_opened_view(fake_slack)
    assert view["title"]["text"] == "Edit learning"
    assert initial_values(view)["what"] == "Query plans" and initial_values(view)["skills"] == "#sql"
    assert "response_url" not in view["private_metadata"] and "edit-me" not in view["private_metadata"]

    submit(slack, view, learning_form(**EDITED))

    [entry] = entries(session)
    assert (entry.what, entry.minutes) == ("Query plans, with EXPLAIN ANALYZE", 50)
    assert [skill.name for skill in entry.skills] == ["postgres", "sql"]
    assert not [call for call in fake_slack.calls_to("response_url") if call.path.endswith("edit-me")]
    [updated] = fake_slack.calls_to("chat.postEphemeral")
    assert updated.args["channel"] == CHANNEL_ID and updated.args["user"] == ANA
    assert "Updated" in text_of(updated.args)


def _logged_in_dm(slack, fake_slack) -> tuple[str, str]:
    """Log from App Home, whose confirmation comes in the DM: the entry's id and that message's ts."""
    slack.interact(TEST_TEAM.block_actions(button(OPEN_LOG_MODAL), user_id=ANA, channel_id=None))
    submit(slack, last_opened_view(fake_slack), learning_form(), view_id="V0HOME")
    [dm] = fake_slack.messages(f"D{ANA}")
    return button_value(dm, EDIT_ENTRY), dm["ts"]


def test_an_edit_from_the_confirmation_in_the_dm_redraws_it_in_place(slack, fake_slack, session):
    entry_id, ts = _logged_in_dm(slack, fake_slack)
    slack.interact(
        TEST_TEAM.block_actions(
            button(EDIT_ENTRY, entry_id), user_id=ANA, channel_id=f"D{ANA}", message_ts=ts, ephemeral=False
        )
    )

    submit(slack, last_opened_view(fake_slack), learning_form(**EDITED), view_id="V0EDIT")

    [updated] = fake_slack.calls_to("chat.update")
    assert (updated.args["channel"], updated.args["ts"]) == (f"D{ANA}", ts)
    assert "Updated" in text_of(updated.args)
    assert "Query plans, with EXPLAIN ANALYZE" in text_of(fake_slack.messages(f"D{ANA}")[-1])


def test_editing_someone_elses_entry_is_refused(slack, fake_slack, session):
    logged = slack.command("/learn", "30m Query plans", user=ANA)
    entry_id = button_value(logged.json, EDIT_ENTRY)

    slack.click(EDIT_ENTRY, user=BO, value=entry_id)

    assert fake_slack.calls_to("views.open") == []
    assert "no longer exists" in text_of(last_response(fake_slack))


def test_save_as_learning_prefills_the_message_and_its_permalink(slack, fake_slack, session):
    tip = {
        "type": "message",
        "user": BO,
        "text": "Tip: use `EXPLAIN (ANALYZE, BUFFERS)`",
        "ts": "1700000000.000200",
    }
    reply = slack.shortcut(SAVE_AS_LEARNING, tip, user=ANA)

    assert reply.status == 200
    view = last_opened_view(fake_slack)
    values = initial_values(view)
    assert values["what"] == "Tip: use `EXPLAIN (ANALYZE, BUFFERS)`"
    assert values["link"] == "https://learnfit-test.slack.com/archives/C0GENERAL/p1700000000000200"
    assert values["kind"] == "people"  # someone else's message

    submit(slack, view, learning_form(what=values["what"], link=values["link"]))
    [entry] = entries(session)
    assert entry.source is EntrySource.SHORTCUT and entry.link == values["link"]


def test_save_as_learning_still_opens_when_the_permalink_is_unavailable(slack, fake_slack):
    fake_slack.fail_next("chat.getPermalink", error="channel_not_found")

    long_message = {"type": "message", "user": ANA, "text": "x" * 4000, "ts": "1700000000.000300"}
    slack.shortcut(SAVE_AS_LEARNING, long_message, user=ANA)

    values = initial_values(last_opened_view(fake_slack))
    assert values["link"] is None and len(values["what"]) == 3000 and values["kind"] == "job"


def test_home_shows_the_week_and_logs_from_its_button(slack, fake_slack, session, later):
    slack.command("/learn", "25m #go Goroutines", user=ANA)
    slack.event(TEST_TEAM.app_home_opened(ANA))

    home = fake_slack.calls_to("views.publish")[-1].args
    assert home["user_id"] == ANA
    assert "This week *25m* on 1 day" in text_of(home["view"]) and "Goroutines" in text_of(home["view"])

    slack.click(OPEN_LOG_MODAL, user=ANA, channel_id=None)
    submit(slack, last_opened_view(fake_slack), learning_form(day="2026-11-24"))

    assert len(entries(session)) == 2
    [dm] = fake_slack.calls_to("chat.postMessage")  # from Home there is no channel: the DM confirms
    assert dm.args["channel"] == ANA
    # Home was drawn moments ago, when Ana opened it: the change is drawn once the gap has passed.
    assert len(fake_slack.calls_to("views.publish")) == 1
    assert later.run() == 1
    assert "1h 10m" in text_of(fake_slack.calls_to("views.publish")[-1].args["view"])


def test_home_refreshes_after_undo(slack, fake_slack, clock):
    slack.open_home(ANA)
    clock.advance(HOME_REDRAW_GAP)
    logged = slack.command("/learn", "25m Goroutines", user=ANA)
    clock.advance(HOME_REDRAW_GAP)
    slack.click(UNDO_ENTRY, user=ANA, value=button_value(logged.json, UNDO_ENTRY))

    assert "Nothing logged yet" in text_of(fake_slack.calls_to("views.publish")[-1].args["view"])


def test_simultaneous_double_submissions_store_one_entry(slack, fake_slack, session):
    slack.command("/learn", "", user=ANA)
    view = last_opened_view(fake_slack)
    start = threading.Barrier(4)

    def submit_at_once():
        start.wait()
        return submit(slack, view, learning_form(), view_id="V0RACE")

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: submit_at_once(), range(4)))

    assert [reply.status for reply in replies] == [200] * 4
    assert len(entries(session)) == 1
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1
