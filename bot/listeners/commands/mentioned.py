"""What Slack says of the people a command mentions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.gateway import SlackGateway
from bot.services.teams import SlackUser


def mentioned_users(gateway: SlackGateway, user_ids: Sequence[str]) -> list[SlackUser]:
    """What Slack says of each person mentioned; one it cannot find is left out like a deactivated account."""
    found = [gateway.user(user_id) for user_id in user_ids]
    return [
        SlackUser(
            user.user_id,
            tz=user.tz,
            is_bot=user.is_bot,
            deleted=user.deleted or not user.found,
            team_id=user.team_id,
            enterprise_id=user.enterprise_id,
        )
        for user in found
    ]
