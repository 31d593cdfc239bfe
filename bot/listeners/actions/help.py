"""Help question buttons: I can help, Resolved, Edit, Withdraw, Repost, invite a peer, credit helpers,
log what you learned, and the follow-up's Close and Keep waiting."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.learning import open_learning_modal
from bot.flows.questions import (
    load_card,
    may_manage,
    open_ask_modal,
    publish_question,
    redraw,
    reply_in_thread,
)
from bot.forms.ask import AskModalContext
from bot.forms.credit import credit_modal
from bot.forms.learning import ModalContext, ModalPrefill
from bot.gateway import SlackGateway
from bot.listeners.payload import channel_of, id_value, menu_choice
from bot.services.help import (
    QuestionCard,
    get_question,
    offer_help,
    question_card,
    repliers,
    shown_to,
    suggest_experts,
    took_part,
    withdraw_question,
)
from bot.services.people import Workspace, note_external
from bot.views.help import (
    CLOSE_QUESTION,
    CREDIT_HELPERS,
    InviteValue,
    QuestionChoice,
    asked_message,
    closed_message,
    follow_up_message,
    invite_thread_message,
    keep_waiting_message,
    no_longer_open_message,
    not_yours_message,
    offer_notice,
    offer_thanks_message,
    offer_thread_message,
    offered_already_message,
    own_offer_message,
    question_gone_message,
    question_kept_message,
    withdraw_question_message,
    withdrawn_message,
)
from models import EntryKind, QuestionStatus

# Which questions a button still works on.
STILL_OPEN = frozenset({QuestionStatus.OPEN})
REPOSTABLE = frozenset({QuestionStatus.UNPOSTED, QuestionStatus.OPEN})


def _private(respond: Respond, payload: dict[str, Any], *, replace_original: bool = False) -> None:
    """Only the clicker sees it: a new ephemeral message, or their own private message redrawn."""
    if replace_original:
        respond(**payload, replace_original=True)
    else:
        respond(**payload, response_type="ephemeral", replace_original=False)


def _on_private_message(body: dict[str, Any]) -> bool:
    container = body.get("container")
    return isinstance(container, dict) and container.get("is_ephemeral") is True


def _card_to_manage(
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    question_id: int | None,
    *,
    verb: str,
    statuses: frozenset[QuestionStatus] | None,
    asker_only: bool = False,
) -> QuestionCard | None:
    """The question a button is about, if it still exists (for this clicker), is in one of `statuses`
    (None: any) and this clicker may `verb` it (its asker, or unless `asker_only` an admin); otherwise they
    are told why privately, and None."""
    user_id = body["user"]["id"]
    card = load_card(deps, workspace, question_id, user_id)
    if card is None:
        _private(respond, question_gone_message())
    elif statuses is not None and card.status not in statuses:
        _private(respond, no_longer_open_message(card))
    elif not (card.asker == user_id if asker_only else may_manage(gateway, card, user_id)):
        _private(respond, not_yours_message(card, verb))
    else:
        return card
    return None


def open_ask(ack: Ack, body: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway) -> None:
    ack()
    modal_context = AskModalContext(channel_id=channel_of(body))
    open_ask_modal(deps, workspace, gateway, body["trigger_id"], modal_context)


def _channel_seen_by(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, question_id: int | None, user_id: str
) -> bool:
    """Whether the person can see the channel the question was posted in: a question in a private channel
    is only for the people in it (Slack is asked outside any transaction)."""
    with deps.sessions() as session:
        question = get_question(session, workspace, question_id) if question_id else None
        if question is None or question.in_public_channel or not question.channel_id:
            return True
        channel_id = question.channel_id
    return gateway.sees_channel(user_id, channel_id)


def offer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    actor_is_external: bool,
) -> None:
    """I can help: the thread hears it once, and so does the asker, in their DM. A partner from another
    organisation may help too; they are marked so that they are never nudged or put in a team."""
    user_id, question_id = body["user"]["id"], id_value(action)
    if not _channel_seen_by(deps, workspace, gateway, question_id, user_id):
        ack()
        _private(respond, question_gone_message())  # a forged id for a question in someone else's channel
        return
    offered = False
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id) if question_id else None
        card = question_card(session, question) if question and shown_to(question, user_id) else None
        if question and card and card.status is QuestionStatus.OPEN and card.asker != user_id:
            offered = offer_help(session, question, user_id, now=deps.clock())
        if offered and actor_is_external:
            note_external(session, workspace, user_id, now=deps.clock())
    ack()  # the change is stored: now Slack hears back
    if card is None:
        _private(respond, question_gone_message())
    elif card.status is not QuestionStatus.OPEN:
        _private(respond, no_longer_open_message(card))
    elif card.asker == user_id:
        _private(respond, own_offer_message(card))
    elif not offered:
        _private(respond, offered_already_message())
    else:
        reply_in_thread(gateway, card, offer_thread_message(user_id))
        gateway.dm(card.asker, offer_notice(card, user_id))
        _private(respond, offer_thanks_message(card))


def resolve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Resolved on the question, or Credit helpers in the DM after a reaction: the credit modal."""
    ack()
    # Crediting stays possible once resolved (the reaction path resolves first, then asks).
    crediting = action["action_id"] == CREDIT_HELPERS
    still_possible = STILL_OPEN | {QuestionStatus.RESOLVED} if crediting else STILL_OPEN
    card = _card_to_manage(
        body, respond, workspace, deps, gateway, id_value(action), verb="resolve", statuses=still_possible
    )
    if card is None:
        return
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, card.id)
        replied = repliers(session, question) if question else []
    gateway.open_modal(body["trigger_id"], credit_modal(card, replied, channel_id=channel_of(body)))


def edit(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Edit on a question posted before the asker's actions moved into their menu."""
    ack()
    _edit(body, respond, workspace, deps, gateway, id_value(action))


def _edit(
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    question_id: int | None,
) -> None:
    card = _card_to_manage(
        body, respond, workspace, deps, gateway, question_id, verb="edit", statuses=STILL_OPEN
    )
    if card is not None:
        modal_context = AskModalContext(channel_id=channel_of(body), question_id=card.id)
        open_ask_modal(deps, workspace, gateway, body["trigger_id"], modal_context, card)


def question_menu(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """The asker's `⋯` menu: Edit opens the form; Withdraw… asks once more, in place of the message. Both
    are checked like the buttons: the clicker's question (or an admin's), still open."""
    ack()
    choice, rest = menu_choice(action)
    question_id = id_value({"value": rest})
    if choice == QuestionChoice.EDIT:
        _edit(body, respond, workspace, deps, gateway, question_id)
    elif choice == QuestionChoice.WITHDRAW:
        card = _card_to_manage(
            body, respond, workspace, deps, gateway, question_id, verb="withdraw", statuses=STILL_OPEN
        )
        if card is not None:
            _private(respond, withdraw_question_message(card), replace_original=True)


def keep_question(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Keep it, instead of Withdraw: the asker's controls again."""
    ack()
    card = _card_to_manage(
        body, respond, workspace, deps, gateway, id_value(action), verb="withdraw", statuses=STILL_OPEN
    )
    if card is not None:
        _private(respond, question_kept_message(card), replace_original=True)


def withdraw(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Withdraw after the asker's Withdraw…, or Close it in the follow-up: the message says it is withdrawn,
    and what was clicked says so too."""
    card = _card_to_manage(
        body, respond, workspace, deps, gateway, id_value(action), verb="withdraw", statuses=None
    )
    if card is None:
        ack()
        return
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, card.id)
        withdrawn = question is not None and withdraw_question(question, now=deps.clock())
    ack()  # the change is stored: now Slack hears back
    if not withdrawn:
        _private(respond, no_longer_open_message(card))
        return
    redraw(gateway, replace(card, status=QuestionStatus.WITHDRAWN))
    if action["action_id"] == CLOSE_QUESTION:
        _private(respond, closed_message(), replace_original=True)
    else:
        # The asker's private step is replaced; on an older question message (a button everyone saw)
        # the redrawn message stays and the asker alone is told.
        _private(respond, withdrawn_message(), replace_original=_on_private_message(body))


def repost(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    card = _card_to_manage(
        body, respond, workspace, deps, gateway, id_value(action), verb="repost", statuses=REPOSTABLE
    )
    if card is not None and (published := publish_question(deps, workspace, gateway, card.id)) is not None:
        _private(respond, published.reply, replace_original=True)


def invite(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Invite a suggested peer: a thread reply that mentions them, sent only on this click.

    The button's value only names ids (`InviteValue`), and none is taken on trust: the question must be the
    clicker's own and still open, and the peer one its suggestions (worked out again here) still include,
    so a forged value can neither put words in the thread nor mention anyone else. A value that does not
    read so is ignored.
    """
    ack()
    user_id = body["user"]["id"]
    value = InviteValue.load(action.get("value"))
    if value is None:
        return
    card = _card_to_manage(
        body,
        respond,
        workspace,
        deps,
        gateway,
        value.question_id,
        verb="invite peers to",
        statuses=STILL_OPEN,
        asker_only=True,
    )
    if card is None:
        return
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, card.id)
        experts = suggest_experts(session, question) if question else []
    suggested = {expert.user_id for expert in experts}
    invited = [user for user in value.invited if user in suggested]
    if value.expert in suggested and value.expert not in invited:
        reply_in_thread(gateway, card, invite_thread_message(value.expert, user_id))
        invited.append(value.expert)
    build = follow_up_message if value.on == "follow_up" else asked_message
    _private(respond, build(card, experts, invited), replace_original=True)


def log_learning(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Log what you learned from the answers: the learning form, prefilled as learning from people.

    Only for the asker and those who helped on the question (`took_part`); to anyone else, as to an id that
    never was, the question no longer exists, so the button reads no one else's question.
    """
    ack()
    user_id, question_id = body["user"]["id"], id_value(action)
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id) if question_id else None
        readable = (
            question is not None and shown_to(question, user_id) and took_part(session, question, user_id)
        )
        card = question_card(session, question) if question and readable else None
    if card is None:
        _private(respond, question_gone_message())
        return
    prefill = ModalPrefill(
        what=card.text,
        kind=EntryKind.PEOPLE,
        skills=card.skills,
        link=gateway.permalink(card.channel_id, card.message_ts),
    )
    modal_context = ModalContext(channel_id=channel_of(body))
    open_learning_modal(deps, workspace, gateway, user_id, body["trigger_id"], modal_context, prefill)


def keep_waiting(ack: Ack, respond: Respond) -> None:
    ack()
    _private(respond, keep_waiting_message(), replace_original=True)
