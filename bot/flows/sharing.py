"""Working out loud: post one of a person's shared entries as a card in a channel they picked, once.

Every check comes before the post, each refusal shown under the form's channel field: the entry is the
clicker's own, still there and shared with the team; the channel is a channel (never a DM); Learnfit can
see it and is in it (it never joins one by itself); the person is in it too, so nobody posts where they
are not. Then the share is claimed under the form's view id, so a double submission posts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.flows.scope import person_scope
from bot.forms import share_entry
from bot.gateway import SlackGateway
from bot.services.entry_shares import claim_share, find_share, record_post, release_share, shareable_entry
from bot.services.people import Workspace
from bot.views.sharing import entry_card_message
from bot.views.values import CHANNEL_ID


@dataclass(frozen=True)
class SharedEntry:
    channel_id: str
    permalink: str | None


def share_entry_in_channel(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    *,
    entry_id: int | None,
    channel_id: str,
    key: str,
) -> SharedEntry | None:
    """The post made, or None when this form was submitted before (its post is made already); raises
    FormErrors for anything that stops it, with nothing posted."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        if find_share(scope.session, scope.person, key) is not None:
            return None
        entry = shareable_entry(scope.session, scope.person, entry_id) if entry_id else None
        if entry is None:
            raise share_entry.CHANNEL_PICK.refused(share_entry.NOT_SHAREABLE)
        card = entry_card_message(entry, user_id)
    _check_channel(gateway, user_id, channel_id)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        # Looked up again in the claim's transaction: Undo may have removed it while Slack was asked.
        entry = shareable_entry(scope.session, scope.person, entry_id) if entry_id else None
        if entry is None:
            raise share_entry.CHANNEL_PICK.refused(share_entry.NOT_SHAREABLE)
        share, duplicate = claim_share(
            scope.session, scope.person, entry, channel_id, now=scope.now, idempotency_key=key
        )
        share_id = share.id
    if duplicate:
        return None
    return _post(deps, gateway, share_id, channel_id, card)


def _check_channel(gateway: SlackGateway, user_id: str, channel_id: str) -> None:
    if not CHANNEL_ID.fullmatch(channel_id) or channel_id.startswith("D"):
        raise share_entry.CHANNEL_PICK.refused(share_entry.NOT_A_CHANNEL)
    info = gateway.channel(channel_id)
    if isinstance(info, str):
        raise share_entry.CHANNEL_PICK.post_refused(info)
    if info.get("is_im") or info.get("is_mpim"):
        raise share_entry.CHANNEL_PICK.refused(share_entry.NOT_A_CHANNEL)
    if info.get("is_archived"):
        raise share_entry.CHANNEL_PICK.post_refused("is_archived")
    if not info.get("is_member"):
        raise share_entry.CHANNEL_PICK.post_refused("not_in_channel")
    if not gateway.is_in_channel(user_id, channel_id):
        raise share_entry.CHANNEL_PICK.refused(share_entry.NOT_IN_IT)


def _post(
    deps: Deps, gateway: SlackGateway, share_id: int, channel_id: str, card: dict[str, Any]
) -> SharedEntry:
    posted = gateway.post(channel_id, card)
    with deps.sessions() as session, session.begin():
        if posted.error is not None:
            release_share(session, share_id)
        else:
            record_post(session, share_id, posted.ts, now=deps.clock())
    if posted.error is not None:
        raise share_entry.CHANNEL_PICK.post_refused(posted.error)
    return SharedEntry(channel_id, gateway.permalink(posted.channel or channel_id, posted.ts))
