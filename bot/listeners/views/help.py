"""Help modals: asking (or editing a question), and crediting the people who helped."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.common import notify, person_scope, timezone_lookup, workspace_of
from bot.listeners.help_questions import load_card, may_act, publish_question, redraw, reply_in_thread
from bot.parsing.ask import parse_ask_form, selected_users
from bot.parsing.learn import FormErrors
from bot.services.help import (
    ask_question,
    credit_helpers,
    get_question,
    question_card,
    resolve_question,
    update_question,
)
from bot.views.help import (
    ASK_MODAL,
    CREDIT_MODAL,
    AskModalContext,
    credit_modal_context,
    resolved_message,
    thanks_thread_message,
)
from models import QuestionStatus

EDITABLE = (QuestionStatus.OPEN, QuestionStatus.UNPOSTED)


def register(app: App, deps: Deps) -> None:
    @app.view(ASK_MODAL)
    def submit_question(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = body["user"]["id"]
        modal_context = AskModalContext.load(view.get("private_metadata"))
        try:
            form = parse_ask_form(view["state"]["values"])
        except FormErrors as exc:
            ack(response_action="errors", errors=exc.errors)
            return
        workspace = workspace_of(context)
        if modal_context.question_id is not None:
            card = load_card(deps, workspace, modal_context.question_id)
            if card is None or card.status not in EDITABLE:
                ack(
                    response_action="errors",
                    errors={"question": "This question is closed, so it can no longer be edited."},
                )
                return
            if not may_act(client, card, user_id):
                ack(
                    response_action="errors",
                    errors={"question": "Only the asker, or a workspace admin, can edit this question."},
                )
                return
            with deps.sessions() as session, session.begin():
                question = get_question(session, workspace, card.id)
                assert question is not None
                update_question(session, question, form.draft, now=deps.clock())
                session.flush()
                card = question_card(session, question)
            ack()
            redraw(client, card)
            return
        with person_scope(deps, context, client, user_id) as scope:
            asked = ask_question(
                scope.session,
                scope.person,
                form.draft,
                origin_channel_id=modal_context.channel_id,
                channel_id=form.channel_id,
                now=scope.now,
                # A double click on Post submits the same view twice.
                idempotency_key=f"view:{view['id']}",
            )
            scope.session.flush()
            question_id = asked.question.id
        ack()
        if asked.duplicate:
            return
        published = publish_question(deps, workspace, client, question_id)
        if published is not None:
            notify(client, user_id, published.reply, channel_id=modal_context.channel_id)

    @app.view(CREDIT_MODAL)
    def submit_credit(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = body["user"]["id"]
        question_id, channel_id = credit_modal_context(view.get("private_metadata"))
        workspace = workspace_of(context)
        card = load_card(deps, workspace, question_id)
        if card is None or card.status not in (QuestionStatus.OPEN, QuestionStatus.RESOLVED):
            ack(
                response_action="errors",
                errors={"helpers": "This question was withdrawn, so nothing changed."},
            )
            return
        if not may_act(client, card, user_id):
            ack(
                response_action="errors",
                errors={"helpers": "Only the asker, or a workspace admin, can resolve this question."},
            )
            return
        # The app itself never gets credit, even if someone picks it.
        helpers = [
            helper
            for helper in selected_users(view["state"]["values"], "helpers")
            if helper != context.bot_user_id
        ]
        with deps.sessions() as session, session.begin():
            question = get_question(session, workspace, card.id)
            assert question is not None
            now = deps.clock()
            newly_resolved = resolve_question(question, now=now)
            credited = credit_helpers(
                session, question, helpers, now=now, lookup_timezone=timezone_lookup(client)
            )
            session.flush()
            card = question_card(session, question)
        ack()
        if not (newly_resolved or credited):
            return  # a double submission, or nothing new to say
        redraw(client, card)
        if credited:
            reply_in_thread(client, card, thanks_thread_message(card, credited))
        notify(
            client,
            user_id,
            resolved_message(card, credited, newly_resolved=newly_resolved),
            channel_id=channel_id,
        )
