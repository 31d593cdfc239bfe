"""Before a question is posted: resolved questions like it that its asker can see in Slack, the question
held back while they read them, and "Post my question anyway", which posts it exactly once.

Which channels the asker can see is Slack's to say (a question in a private channel, a group DM or a DM
is only for the people in it), so Slack is asked between two short transactions, never inside one.
"""

from __future__ import annotations

from bot.deps import Deps
from bot.flows.questions import Published, publish_question
from bot.gateway import SlackGateway
from bot.services.help import get_question, hold_question, release_held
from bot.services.people import Workspace
from bot.services.search import AnsweredBefore, SimilarQuestion, answered_before
from models import QuestionStatus

MAX_SHOWN = 3


def _visible_to(
    gateway: SlackGateway, user_id: str, candidates: list[SimilarQuestion]
) -> list[SimilarQuestion]:
    """The first MAX_SHOWN candidates the person can see: in a public channel, or one they are in."""
    seen: dict[str, bool] = {}
    shown: list[SimilarQuestion] = []
    for candidate in candidates:
        if not candidate.in_public_channel and candidate.channel_id not in seen:
            seen[candidate.channel_id] = gateway.sees_channel(user_id, candidate.channel_id)
        if candidate.in_public_channel or seen[candidate.channel_id]:
            shown.append(candidate)
            if len(shown) == MAX_SHOWN:
                break
    return shown


def offer_answered_before(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, question_id: int
) -> list[AnsweredBefore]:
    """Up to MAX_SHOWN resolved questions like this new, unposted one that `user_id` (its asker) can see,
    with links to their threads; the question is then held back until they post it anyway. Empty when
    there are none: post it as usual."""
    with deps.sessions() as session:
        question = get_question(session, workspace, question_id)
        if question is None or question.status is not QuestionStatus.UNPOSTED:
            return []
        candidates = answered_before(session, question)
    shown = _visible_to(gateway, user_id, candidates)
    if not shown:
        return []
    answered = [
        AnsweredBefore(candidate, gateway.permalink(candidate.channel_id, candidate.message_ts))
        for candidate in shown
    ]
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        if question is not None:
            hold_question(question, now=deps.clock())
    return answered


def post_held_question(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, question_id: int
) -> Published | None:
    """Post a held question once, whatever number of clicks ask for it: None for all but the first."""
    with deps.sessions() as session, session.begin():
        claimed = release_held(session, workspace, question_id, now=deps.clock())
    if not claimed:
        return None
    return publish_question(deps, workspace, gateway, question_id)
