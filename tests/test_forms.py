"""What every form shares: hidden state that survives tampering, and drafts whose every field has a place."""

from __future__ import annotations

from typing import ClassVar

import pytest

from bot.forms.ask import AskModalContext
from bot.forms.base import DraftForm, FormValues, HiddenState, MessageOrigin
from bot.forms.credit import CreditModalContext
from bot.forms.goal import GoalModalContext
from bot.forms.learning import ModalContext
from bot.forms.share_goal import ShareGoalContext
from bot.services.drafts import Draft

STATES: list[HiddenState] = [
    ModalContext(
        entry_id=7,
        channel_id="C0GENERAL",
        origin=MessageOrigin(channel_id="D0ANA", message_ts="1700000000.000100"),
        from_message=True,
    ),
    GoalModalContext(
        goal_id=3,
        channel_id="D0ANA",
        origin=MessageOrigin(channel_id="D0ANA", message_ts="1700000000.000200"),
    ),
    ShareGoalContext(goal_id=9),
    AskModalContext(channel_id="C0HELP", question_id=5),
    CreditModalContext(question_id=5, channel_id="G0PRIVATE"),
]
ID_FIELDS = {
    ModalContext: "entry_id",
    GoalModalContext: "goal_id",
    ShareGoalContext: "goal_id",
    AskModalContext: "question_id",
    CreditModalContext: "question_id",
}


@pytest.mark.parametrize("state", STATES, ids=lambda state: type(state).__name__)
def test_hidden_state_comes_back_as_it_was_put_in_the_modal(state):
    assert type(state).load(state.dump()) == state
    assert type(state).load(type(state)().dump()) == type(state)()


@pytest.mark.parametrize("state", STATES, ids=lambda state: type(state).__name__)
@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "not json",
        "[1, 2]",
        "null",
        '"a string"',
        '{"ID": "7"}',
        '{"ID": 7.5}',
        '{"ID": true}',
        '{"ID": -1}',
        '{"ID": 0}',
        '{"ID": 99999999999999999999999}',
        '{"ID": {"nested": 1}}',
        {"ID": 7},  # not a string at all
    ],
)
def test_tampered_hidden_state_loads_as_the_empty_state(state, forged):
    if isinstance(forged, str):
        forged = forged.replace("ID", ID_FIELDS[type(state)])
    assert type(state).load(forged) == type(state)()


def test_hidden_state_is_refused_whole_when_any_part_is_wrong():
    assert AskModalContext.load('{"question_id": 5, "channel_id": 42}') == AskModalContext()
    assert ModalContext.load('{"entry_id": 5, "from_message": "yes"}') == ModalContext()


def test_hidden_state_ignores_fields_it_does_not_know():
    assert ShareGoalContext.load('{"goal_id": 4, "from_an_older_version": 1}') == ShareGoalContext(goal_id=4)


@pytest.mark.parametrize(
    "values",
    [None, [], {"skills": None}, {"skills": {"value": "text"}}, {"skills": {"value": {"value": 5}}}],
    ids=["none", "a list", "no block", "no element", "a number"],
)
def test_submitted_values_of_the_wrong_shape_read_as_empty(values):
    form = FormValues(values)
    assert form.text("skills") is None and form.words("skills") == [] and form.choice("skills") is None
    assert form.day("skills") is None and form.conversation("skills") is None and form.users("skills") == []


class _Sample(Draft):
    first_field: ClassVar[str] = "title"
    title: str
    added_later: int = 0


def test_a_draft_field_without_a_place_in_its_form_is_caught_at_import():
    with pytest.raises(TypeError, match=r"_Sample fields with no block in the form: \['added_later'\]"):
        DraftForm(_Sample, blocks={"title": "title"}, stand_ins={}, checked_alone=())
    assert DraftForm(_Sample, blocks={"title": "t", "added_later": "a"}, stand_ins={}, checked_alone=())
