"""/ask: post a question to peers in one line, open the ask form, or show help; and the help channel
setting that `/team help-channel #channel` hands to `handle_help_channel_command`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.ask import AskModalContext
from bot.listeners.common import person_scope, workspace_of
from bot.listeners.help_questions import is_workspace_admin, open_ask_modal, publish_question
from bot.parsing.ask import (
    OpenAskModal,
    SetHelpChannel,
    ShowAskHelp,
    parse_ask,
    parse_help_channel,
)
from bot.parsing.learn import CommandError
from bot.services.help import ask_question, help_channel_of, question_card, set_help_channel
from bot.views.help import (
    admins_only_message,
    ask_error_message,
    ask_help_message,
    duplicate_ask_message,
    help_channel_message,
)


def register(app: App, deps: Deps) -> None:
    @app.command("/ask")
    def ask(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        # Parsing is pure and fast, so mistakes and help are answered in the ack itself.
        try:
            request = parse_ask(command.get("text", ""))
        except CommandError as exc:
            ack(**ask_error_message(exc.message))
            return
        if isinstance(request, ShowAskHelp):
            ack(**ask_help_message())
            return
        ack()
        user_id, channel_id = command["user_id"], command.get("channel_id")
        if isinstance(request, OpenAskModal):
            open_ask_modal(
                deps, context, client, command["trigger_id"], AskModalContext(channel_id=channel_id)
            )
            return
        with person_scope(deps, context, client, user_id) as scope:
            asked = ask_question(
                scope.session,
                scope.person,
                request.draft,
                origin_channel_id=channel_id,
                now=scope.now,
                # Slack gives each invocation its own trigger id, so a redelivery cannot post twice.
                idempotency_key=f"command:{command['trigger_id']}",
            )
            scope.session.flush()
            question_id = asked.question.id
            duplicate = duplicate_ask_message(question_card(scope.session, asked.question))
        if asked.duplicate:
            respond(**duplicate)
            return
        published = publish_question(deps, workspace_of(context), client, question_id)
        if published is not None:
            respond(**published.reply)


def handle_help_channel_command(
    deps: Deps, context: BoltContext, client: WebClient, command: dict[str, Any], respond: Respond, text: str
) -> None:
    """`/team help-channel [#channel | off]`, for the /team listener to call (after its ack) with the words
    after the subcommand. Anyone may see the setting; only a workspace admin or owner may change it."""
    try:
        request = parse_help_channel(text)
    except CommandError as exc:
        respond(**ask_error_message(exc.message))
        return
    workspace = workspace_of(context)
    if not isinstance(request, SetHelpChannel):
        with deps.sessions() as session:
            respond(**help_channel_message(help_channel_of(session, workspace), changed=False))
        return
    if not is_workspace_admin(client, command["user_id"]):
        respond(**admins_only_message())
        return
    with deps.sessions() as session, session.begin():
        set_help_channel(session, workspace, request.channel_id, now=deps.clock())
    respond(**help_channel_message(request.channel_id, changed=True))
