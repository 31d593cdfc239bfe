"""Thread replies and reactions on help questions, from the Events API.

A reply in a question's thread is recorded as an answer (who and when; the words stay in Slack), an edit or
deletion of it is noted, and the asker's :white_check_mark: on the question resolves it. Slack retries a
delivery with the same event_id, so each is handled once (ProcessedEvent), and an answer is unique per
message besides.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.deps import Deps
from bot.flows.questions import redraw
from bot.gateway import SlackGateway
from bot.services.help import (
    answer_changed,
    first_delivery,
    question_at,
    question_card,
    record_answer,
    resolve_question,
)
from bot.services.people import Workspace, note_external
from bot.views.help import credit_prompt_message

RESOLVE_REACTION = "white_check_mark"
# Messages people write; bot_message and the channel's own notices (joins, topic changes) are not answers.
REPLY_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})


def _from_a_bot(message: dict[str, Any], context: BoltContext) -> bool:
    return (
        bool(message.get("bot_id") or message.get("bot_profile"))
        or message.get("user") == context.bot_user_id
    )


def thread_message(
    body: dict[str, Any],
    event: dict[str, Any],
    context: BoltContext,
    workspace: Workspace,
    deps: Deps,
    actor_is_external: bool,
) -> None:
    """A reply in a question's thread is an answer; its edit or deletion is noted."""
    channel_id = event.get("channel")
    if not channel_id:
        return
    subtype = event.get("subtype")
    if subtype in REPLY_SUBTYPES:
        _record_reply(deps, workspace, body["event_id"], channel_id, event, context, actor_is_external)
    elif subtype == "message_changed":
        changed = event.get("message") or {}
        if changed.get("thread_ts") and changed.get("ts") and not _from_a_bot(changed, context):
            with deps.sessions() as session, session.begin():
                answer_changed(session, workspace, channel_id, changed["ts"], now=deps.clock(), deleted=False)
    elif subtype == "message_deleted":
        deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if deleted_ts:
            with deps.sessions() as session, session.begin():
                answer_changed(session, workspace, channel_id, deleted_ts, now=deps.clock(), deleted=True)


def _record_reply(
    deps: Deps,
    workspace: Workspace,
    event_id: str,
    channel_id: str,
    event: dict[str, Any],
    context: BoltContext,
    external: bool,
) -> None:
    """A person's reply in a question's thread, recorded as an answer once per delivery; a partner from
    another organisation who replies is marked, so that they are never nudged or put in a team."""
    thread_ts, ts, user_id = event.get("thread_ts"), event.get("ts"), event.get("user")
    if not thread_ts or not ts or thread_ts == ts or not user_id or _from_a_bot(event, context):
        return
    with deps.sessions() as session, session.begin():
        question = question_at(session, workspace, channel_id, thread_ts)
        # Only deliveries about a question are remembered: other chatter leaves no trace.
        if question is None or not first_delivery(session, workspace.team_id, event_id, now=deps.clock()):
            return
        recorded = record_answer(session, question, user_id=user_id, message_ts=ts, now=deps.clock())
        if recorded and external:
            note_external(session, workspace, user_id, now=deps.clock())


def reaction_added(
    body: dict[str, Any], event: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> None:
    """The asker's :white_check_mark: on their question resolves it; anyone else's is just a reaction."""
    item = event.get("item") or {}
    if event.get("reaction") != RESOLVE_REACTION or item.get("type") != "message":
        return
    with deps.sessions() as session, session.begin():
        question = question_at(session, workspace, item.get("channel", ""), item.get("ts", ""))
        if question is None or question.asker.user_id != event.get("user"):
            return
        if not first_delivery(session, workspace.team_id, body["event_id"], now=deps.clock()):
            return
        if not resolve_question(question, now=deps.clock()):
            return
        card = question_card(session, question)
    redraw(gateway, card)
    # A reaction carries no trigger to open a form with, so the asker gets a button in their DM.
    gateway.dm(card.asker, credit_prompt_message(card))
