"""Submitting the help forms: asking (or editing a question), and crediting the people who helped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.deps import Deps
from bot.flows.answered_before import offer_answered_before
from bot.flows.questions import (
    Asked,
    ask_once,
    load_card,
    may_manage,
    publish_question,
    redraw,
    reply_in_thread,
)
from bot.forms import ask, credit
from bot.gateway import SlackGateway
from bot.listeners.payload import view_key
from bot.listeners.views.submission import ack_after
from bot.services.help import (
    QuestionCard,
    QuestionDraft,
    credit_helpers,
    get_question,
    question_card,
    resolve_question,
    update_question,
)
from bot.services.people import Workspace
from bot.views.help import resolved_message, thanks_thread_message
from bot.views.search import answered_before_message
from models import QuestionStatus

EDITABLE = (QuestionStatus.OPEN, QuestionStatus.UNPOSTED)
CREDITABLE = (QuestionStatus.OPEN, QuestionStatus.RESOLVED)


@dataclass(frozen=True)
class _Credited:
    card: QuestionCard
    helpers: list[str]  # newly credited
    newly_resolved: bool


def submit_question(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id = body["user"]["id"]
    modal_context = ask.AskModalContext.load(view.get("private_metadata"))
    saved = ack_after(ack, _save_question, deps, workspace, gateway, user_id, modal_context, view)
    if saved is None or saved.duplicate:
        return
    if modal_context.question_id is not None:  # an edit: the question's message shows it
        redraw(gateway, saved.card)
        return
    answered = offer_answered_before(deps, workspace, gateway, user_id, saved.card.id)
    if answered:
        gateway.notify(
            user_id, answered_before_message(saved.card, answered), channel_id=modal_context.channel_id
        )
        return
    published = publish_question(deps, workspace, gateway, saved.card.id)
    if published is not None:
        gateway.notify(user_id, published.reply, channel_id=modal_context.channel_id)


def _save_question(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    modal_context: ask.AskModalContext,
    view: dict[str, Any],
) -> Asked:
    form = ask.parse_ask_form(view["state"]["values"])
    # The picked channel comes back in the payload: a private one only for someone in it.
    if form.channel_id and not gateway.sees_channel(user_id, form.channel_id):
        raise ask.channel_not_seen()
    editing = _editable_card(deps, workspace, gateway, user_id, modal_context.question_id)
    if editing is not None:
        return Asked(_update(deps, workspace, editing.id, form.draft), duplicate=False)
    return ask_once(
        deps,
        workspace,
        gateway,
        user_id,
        form.draft,
        origin_channel_id=modal_context.channel_id,
        channel_id=form.channel_id,
        idempotency_key=view_key(view),
    )


def submit_credit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id = body["user"]["id"]
    modal_context = credit.CreditModalContext.load(view.get("private_metadata"))
    credited = ack_after(
        ack, _credit, deps, workspace, gateway, user_id, modal_context, view, bot_user_id=context.bot_user_id
    )
    if credited is None or not (credited.newly_resolved or credited.helpers):
        return  # refused, a double submission, or nothing new to say
    card = credited.card
    redraw(gateway, card)
    if credited.helpers:
        reply_in_thread(gateway, card, thanks_thread_message(card, credited.helpers))
    gateway.notify(
        user_id,
        resolved_message(card, credited.helpers, newly_resolved=credited.newly_resolved),
        channel_id=modal_context.channel_id,
    )


def _credit(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    modal_context: credit.CreditModalContext,
    view: dict[str, Any],
    *,
    bot_user_id: str | None,
) -> _Credited:
    """Resolve the question (if still open) and credit the helpers picked, once each."""
    card = _creditable_card(deps, workspace, gateway, user_id, modal_context.question_id)
    # The app itself never gets credit, even if someone picks it.
    helpers = [
        helper for helper in credit.parse_credit_form(view["state"]["values"]) if helper != bot_user_id
    ]
    if card.asker in helpers:
        raise credit.refused(credit.ASKER_PICKED)
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, card.id)
        assert question is not None
        now = deps.clock()
        newly_resolved = resolve_question(question, now=now)
        credited = credit_helpers(session, question, helpers, now=now, lookup_profile=gateway.profile_of)
        session.flush()
        return _Credited(question_card(session, question), credited, newly_resolved)


def _editable_card(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, question_id: int | None
) -> QuestionCard | None:
    """The question being edited (None when asking a new one), still open and the person's to manage."""
    if question_id is None:
        return None
    card = load_card(deps, workspace, question_id, user_id)
    if card is None or card.status not in EDITABLE:
        raise ask.refused(ask.CLOSED)
    if not may_manage(gateway, card, user_id):
        raise ask.refused(ask.NOT_YOURS)
    return card


def _update(deps: Deps, workspace: Workspace, question_id: int, draft: QuestionDraft) -> QuestionCard:
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        assert question is not None
        update_question(session, question, draft, now=deps.clock())
        session.flush()
        return question_card(session, question)


def _creditable_card(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, question_id: int | None
) -> QuestionCard:
    """The question to credit helpers on: not withdrawn, and the person's to manage."""
    card = load_card(deps, workspace, question_id, user_id)
    if card is None or card.status not in CREDITABLE:
        raise credit.refused(credit.WITHDRAWN)
    if not may_manage(gateway, card, user_id):
        raise credit.refused(credit.NOT_YOURS)
    return card
