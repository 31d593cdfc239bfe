"""Peer help: the posted question, and what the asker and helpers are told."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from bot.parsing.ask import ASK_EXAMPLE, HELP_CHANNEL_EXAMPLE
from bot.services.help import MAX_DETAILS_LENGTH, MAX_QUESTION_LENGTH, MAX_SUGGESTIONS, Expert, QuestionCard
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    message,
    option,
    overflow,
    problem_message,
    section,
)
from bot.views.format import (
    channel_link,
    counted,
    duration,
    escape,
    mention,
    mentions,
    shown,
    skill_tags,
)
from bot.views.values import ButtonValue, RowId, UserId
from models import QuestionStatus, Urgency

OPEN_ASK_MODAL = "open_ask_modal"
OFFER_HELP = "help_offer"
RESOLVE_QUESTION = "help_resolve"
EDIT_QUESTION = "help_edit"
WITHDRAW_QUESTION = "help_withdraw"
REPOST_QUESTION = "help_repost"
INVITE_EXPERT = "help_invite"
CREDIT_HELPERS = "help_credit"
LOG_HELP_LEARNING = "help_log_learning"
CLOSE_QUESTION = "help_close"
QUESTION_MENU = "help_question_menu"
KEEP_QUESTION = "help_keep_question"
KEEP_WAITING = "help_keep_waiting"

URGENCY_LABELS = {
    Urgency.LOW: "Whenever you have a moment",
    Urgency.NORMAL: "Today or tomorrow",
    Urgency.HIGH: "Urgent: blocking my work",
}
_HEADINGS = {
    QuestionStatus.UNPOSTED: ":raising_hand: *{asker} asks:*",
    QuestionStatus.OPEN: ":raising_hand: *{asker} asks:*",
    QuestionStatus.RESOLVED: ":white_check_mark: *Resolved* · {asker} asked:",
    QuestionStatus.WITHDRAWN: ":no_entry_sign: *Withdrawn by {asker}*, who asked:",
}


def _where(channel_id: str | None) -> str:
    return channel_link(channel_id) if channel_id and channel_id[0] in "CG" else "that conversation"


def quote(card: QuestionCard, limit: int = 150) -> str:
    return f"“{shown(card.text, limit)}”"


def _skills(card: QuestionCard) -> str:
    return skill_tags(card.skills)


# ---------------------------------------------------------------------- the question in the channel


def question_message(card: QuestionCard) -> dict[str, Any]:
    """The question as posted: who asks, the words, skills and urgency, and its buttons while it is open."""
    asker = mention(card.asker)
    blocks: list[Block] = [
        section(
            f"{_HEADINGS[card.status].format(asker=asker)}\n{shown(card.text, MAX_QUESTION_LENGTH - 200)}"
        )
    ]
    if card.details:
        blocks.append(section(shown(card.details, MAX_DETAILS_LENGTH - 100)))
    facts = [item for item in (_skills(card), URGENCY_LABELS[card.urgency]) if item]
    if card.status is QuestionStatus.OPEN:
        facts.append("Reply in the thread to help.")
    elif card.status is QuestionStatus.RESOLVED:
        facts.append(f"Helped by {mentions(card.helpers)}" if card.helpers else "Resolved by the asker")
    blocks.append(context(" · ".join(facts)))
    if card.status is QuestionStatus.OPEN:
        # Everyone in the channel sees the same message, so it offers only what everyone may do. The
        # asker's own actions (Resolved, Edit, Withdraw) are in their private confirmation, and again
        # whenever they click I can help on their own question; every click is checked server side.
        blocks.append(actions(button("I can help", OFFER_HELP, value=str(card.id), style="primary")))
    status = {QuestionStatus.RESOLVED: "Resolved: ", QuestionStatus.WITHDRAWN: "Withdrawn: "}
    return message(f"{status.get(card.status, '')}{asker} asks: {shown(card.text, 150)}", blocks)


def reposted_message(card: QuestionCard) -> dict[str, Any]:
    """What the old message says once the asker reposted the question as a new one."""
    text = f":arrows_counterclockwise: {mention(card.asker)} reposted this question: {quote(card)}"
    return message(text, [section(text)])


def offer_thread_message(helper: str) -> dict[str, Any]:
    text = f":raised_hand: {mention(helper)} can help with this."
    return message(text, [section(text)])


def invite_thread_message(expert: str, inviter: str) -> dict[str, Any]:
    text = f":wave: {mention(expert)}, {mention(inviter)} thinks you may know about this. Reply here if you can help."
    return message(text, [section(text)])


def thanks_thread_message(card: QuestionCard, helpers: Sequence[str]) -> dict[str, Any]:
    text = f":tada: Thank you {mentions(helpers)}! {mention(card.asker)} credited your help on this question."
    return message(text, [section(text)])


# ---------------------------------------------------------------------- what the asker sees


# Which message an Invite button sits on, so the click redraws the same one.
InvitedFrom = Literal["asked", "follow_up"]


class InviteValue(ButtonValue):
    """An Invite button's value: ids only (the question, the peer, the peers invited already) and which
    message it sits on. The click checks each again: the asker's question, a peer still suggested for it."""

    question_id: RowId = Field(alias="q")
    expert: UserId = Field(alias="u")
    invited: tuple[UserId, ...] = Field(default=(), alias="in", max_length=MAX_SUGGESTIONS)
    on: InvitedFrom


def _expert_blocks(
    card: QuestionCard, experts: Sequence[Expert], invited: Sequence[str], on: InvitedFrom
) -> list[Block]:
    if not experts:
        return []
    blocks: list[Block] = [section("*Peers who may know* (only you see this):")]
    for expert in experts:
        facts = [mention(expert.user_id)]
        if expert.minutes:
            facts.append(f"{duration(expert.minutes)} of shared learning on these skills")
        if expert.credits:
            facts.append(f"helped {counted(expert.credits, 'time')} on them")
        if expert.user_id in invited:
            blocks.append(section(" · ".join([*facts, ":white_check_mark: invited"])))
            continue
        value = InviteValue(question_id=card.id, expert=expert.user_id, invited=tuple(invited), on=on).dump()
        blocks.append(
            section(" · ".join(facts), accessory=button("Invite to the thread", INVITE_EXPERT, value=value))
        )
    return blocks


class QuestionChoice(StrEnum):
    """What the asker's `⋯` menu on their question offers; its value is `choice:question id`."""

    EDIT = "edit"
    WITHDRAW = "withdraw"


def asker_controls(card: QuestionCard) -> Block:
    """The asker's own row: Resolved, and Edit and Withdraw… in the `⋯` menu (Withdraw asks first)."""
    value = str(card.id)
    return actions(
        button("Resolved", RESOLVE_QUESTION, value=value, style="primary"),
        overflow(
            QUESTION_MENU,
            option("Edit question", f"{QuestionChoice.EDIT}:{value}"),
            option("Withdraw question…", f"{QuestionChoice.WITHDRAW}:{value}"),
        ),
    )


def _no_experts_note(card: QuestionCard) -> str:
    if card.skills:
        return (
            f"No one has shared learning on {'this skill' if len(card.skills) == 1 else 'these skills'} yet, "
            f"so I have no one to suggest: your question is in {_where(card.channel_id)} for everyone there."
        )
    return (
        "Add `#skills` to a question and I suggest peers who have learned about them. Your question is in "
        f"{_where(card.channel_id)} for everyone there."
    )


def asked_message(
    card: QuestionCard, experts: Sequence[Expert], invited: Sequence[str] = ()
) -> dict[str, Any]:
    """The asker's private confirmation: their own controls, and the peers they may invite (or, kindly,
    that there are none yet)."""
    text = f":white_check_mark: Your question is posted in {_where(card.channel_id)}: {quote(card)}"
    blocks: list[Block] = [
        section(text),
        context(
            "Replies come in its thread. Click *Resolved* here (or react :white_check_mark: on your "
            "question) once you have your answer, and credit who helped."
        ),
        asker_controls(card),
        *(_expert_blocks(card, experts, invited, "asked") or [context(_no_experts_note(card))]),
    ]
    return message(text, blocks)


def withdraw_question_message(card: QuestionCard) -> dict[str, Any]:
    """Withdraw… in the asker's menu: one more click to be sure (an overflow option has no dialog)."""
    text = (
        f"Withdraw {quote(card)}? Its message in {_where(card.channel_id)} stays, marked as withdrawn, "
        "and peers can no longer offer help on it."
    )
    value = str(card.id)
    blocks: list[Block] = [
        section(f":warning: {text}"),
        actions(
            button("Withdraw", WITHDRAW_QUESTION, value=value, style="danger"),
            button("Keep it", KEEP_QUESTION, value=value),
        ),
    ]
    return message(text, blocks)


def question_kept_message(card: QuestionCard) -> dict[str, Any]:
    """Keep it, instead of Withdraw: the asker's controls again."""
    text = f"Your question {quote(card)} stays open."
    return message(text, [section(text), asker_controls(card)])


def withdrawn_message() -> dict[str, Any]:
    return note("Withdrawn: your question's message says so, and peers can no longer offer help on it.")


def duplicate_ask_message(card: QuestionCard) -> dict[str, Any]:
    text = f"You asked this already (Slack sent it twice): {quote(card)}"
    return message(text, [section(text)])


POST_PROBLEMS = {
    "not_in_channel": (
        "Learnfit is not in {where}, so your question is not posted yet. Type `/invite @Learnfit` in {where}, "
        "then click *Repost*."
    ),
    "channel_not_found": (
        "I cannot see {where} (it may be a private channel Learnfit is not in), so your question is not "
        "posted yet. Type `/invite @Learnfit` there, then click *Repost*."
    ),
    "is_archived": (
        "{where} is archived, so your question is not posted yet. Ask a workspace admin to pick a help "
        f"channel with `{HELP_CHANNEL_EXAMPLE}`, then click *Repost*."
    ),
    "no_channel": (
        "There is no help channel, and no channel to post your question in. Ask a workspace admin to pick "
        f"one with `{HELP_CHANNEL_EXAMPLE}` (or `/ask` in a channel), then click *Repost*."
    ),
    "direct_message": (
        "Questions go to a channel where peers can answer, and this is a direct message, so your question "
        f"is not posted yet. Ask a workspace admin to pick a help channel with `{HELP_CHANNEL_EXAMPLE}` "
        "(or invite Learnfit to a channel and `/ask` there), then click *Repost*."
    ),
}


def post_problem(error: str, channel_id: str | None) -> str:
    """Exactly how to fix a post Slack refused, in the asker's words."""
    template = POST_PROBLEMS.get(error)
    if template is None:
        return (
            f"Slack did not let me post your question (`{escape(error)}`). Nothing is lost: click *Repost* in "
            "a minute."
        )
    return template.format(where=_where(channel_id))


def unposted_message(card: QuestionCard) -> dict[str, Any]:
    problem = post_problem(card.post_error or "unknown", card.channel_id)
    blocks: list[Block] = [
        section(f":warning: {problem}"),
        context(f"Your question is kept: {quote(card, 300)}"),
        actions(button("Repost", REPOST_QUESTION, value=str(card.id), style="primary")),
    ]
    return message(problem, blocks)


def offer_notice(card: QuestionCard, helper: str) -> dict[str, Any]:
    text = (
        f":raised_hand: {mention(helper)} can help with your question {quote(card)} "
        f"in {_where(card.channel_id)}. Their replies come in its thread."
    )
    return message(text, [section(text)])


def credit_prompt_message(card: QuestionCard) -> dict[str, Any]:
    """For the asker who resolved with a reaction: Slack gives no trigger to open a form, so ask here."""
    text = f":white_check_mark: You marked {quote(card)} resolved. Who helped? Credit them: it counts for both of you."
    blocks: list[Block] = [
        section(text),
        actions(button("Credit helpers", CREDIT_HELPERS, value=str(card.id), style="primary")),
    ]
    return message(text, blocks)


def resolved_message(card: QuestionCard, credited: Sequence[str], *, newly_resolved: bool) -> dict[str, Any]:
    """The asker's confirmation, with the offer to log what they learned as learning from people."""
    lines = [f":white_check_mark: Resolved: {quote(card)}" if newly_resolved else f"Updated: {quote(card)}"]
    if credited:
        lines.append(
            f"You credited {mentions(credited)}: help given counts for them and help received for you, "
            "as learning from people."
        )
    elif not card.helpers:
        lines.append(
            "No one is credited. If someone helped you elsewhere, you can still thank them in person."
        )
    text = "\n".join(lines)
    blocks: list[Block] = [
        section(text),
        actions(button("Log what you learned", LOG_HELP_LEARNING, value=str(card.id), style="primary")),
    ]
    return message(text, blocks)


def follow_up_message(
    card: QuestionCard, experts: Sequence[Expert], invited: Sequence[str] = ()
) -> dict[str, Any]:
    """The one follow-up for a question nobody has answered in a working day."""
    text = (
        f":hourglass: Your question {quote(card)} in {_where(card.channel_id)} has had no replies for a "
        "working day. Would you like to repost it, close it, or wait a little longer?"
    )
    value = str(card.id)
    blocks: list[Block] = [
        section(text),
        *_expert_blocks(card, experts, invited, "follow_up"),
        actions(
            button("Repost", REPOST_QUESTION, value=value, style="primary"),
            button("Close it", CLOSE_QUESTION, value=value),
            button("Keep waiting", KEEP_WAITING, value=value),
        ),
    ]
    return message(text, blocks)


def note(text: str) -> dict[str, Any]:
    return message(text, [section(text)])


def question_gone_message() -> dict[str, Any]:
    return note("That question no longer exists, so nothing changed.")


def offered_already_message() -> dict[str, Any]:
    return note("You offered already, and the asker knows. Reply in the thread to help.")


def offer_thanks_message(card: QuestionCard) -> dict[str, Any]:
    return note(f"Thank you! {mention(card.asker)} knows you can help. Reply in the thread.")


def closed_message() -> dict[str, Any]:
    """Close on the follow-up, redrawn."""
    return note("Closed: your question is marked as withdrawn.")


def keep_waiting_message() -> dict[str, Any]:
    """Keep waiting on the follow-up, redrawn."""
    return note("Your question stays open. React :white_check_mark: on it once answered.")


def not_yours_message(card: QuestionCard, verb: str) -> dict[str, Any]:
    return note(
        f"Only {mention(card.asker)}, who asked, or a workspace admin can {verb} this question. "
        "Nothing changed. If you know the answer, reply in its thread."
    )


def own_offer_message(card: QuestionCard) -> dict[str, Any]:
    """I can help, clicked by the asker: it is for peers, so the asker gets their own controls instead."""
    text = (
        "This is your own question, so *I can help* is for your peers: when they click it, you hear from me. "
        "Only you see this:"
    )
    return message(text, [section(text), asker_controls(card)])


def no_longer_open_message(card: QuestionCard) -> dict[str, Any]:
    state = {QuestionStatus.RESOLVED: "resolved", QuestionStatus.WITHDRAWN: "withdrawn"}
    return note(f"That question is {state.get(card.status, 'not posted yet')}, so nothing changed.")


def ask_error_message(problem: str) -> dict[str, Any]:
    return problem_message(problem, command="/ask")


def ask_help_message() -> dict[str, Any]:
    text = "How to ask your peers with /ask"
    blocks: list[Block] = [
        section(
            "*Ask in one line:*\n"
            f"`{ASK_EXAMPLE}`\n"
            "`/ask urgency:high Why does our deploy hang at migrations? #deploys`"
        ),
        section(
            "*Skills:* `#tags` at either end (up to 10): they find peers who have learned about them.\n"
            "*Urgency:* `urgency:low`, `urgency:normal` (the default) or `urgency:high`.\n"
            "`/ask` alone opens a form with room for details."
        ),
        section(
            "Your question is posted with your name in the help channel (or where you typed `/ask`). Peers "
            "reply in its thread. Click *Resolved* in my reply to you, or react :white_check_mark: on your "
            "question, when you have your answer, and "
            "credit who helped: it counts as learning from people for both of you."
        ),
    ]
    return message(text, blocks)


# ---------------------------------------------------------------------- settings


def help_channel_message(channel_id: str | None, *, changed: bool) -> dict[str, Any]:
    if channel_id is None:
        text = (
            "Questions from `/ask` now go to the channel where it is typed."
            if changed
            else f"There is no help channel: `/ask` posts where it is typed. Set one with `{HELP_CHANNEL_EXAMPLE}`."
        )
    elif changed:
        text = (
            f":white_check_mark: Questions from `/ask` now go to {channel_link(channel_id)}. "
            f"Make sure Learnfit is in it: type `/invite @Learnfit` in {channel_link(channel_id)}."
        )
    else:
        text = f"Questions from `/ask` go to {channel_link(channel_id)}."
    return note(text)


def admins_only_message() -> dict[str, Any]:
    return ask_error_message(
        "Only a workspace admin or owner can pick the help channel. Nothing changed; ask an admin to run "
        f"`{HELP_CHANNEL_EXAMPLE}`."
    )


def expert_setting_message(suggest: bool) -> dict[str, Any]:
    if suggest:
        return note(
            ":raising_hand: You may be suggested to askers whose questions match what you have shared. "
            "`/fitness expert off` stops it."
        )
    return note(
        "You will not be suggested to askers any more. You can still answer any question. "
        "`/fitness expert on` undoes it."
    )
