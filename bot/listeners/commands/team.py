"""/team: learning teams and their weekly digests, managed by a workspace admin or a team's leads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.listeners.commands.ask import handle_help_channel_command
from bot.listeners.common import PersonScope, person_scope
from bot.parsing import CommandError
from bot.parsing.team import (
    AddMembers,
    CreateTeam,
    ListTeams,
    MakeLeads,
    PreviewDigest,
    RemoveMembers,
    SetDigestChannel,
    SetDigestTime,
    SetHelpChannel,
    ShowTeamHelp,
    TeamRequest,
    parse_team,
)
from bot.services import digests, teams
from bot.services.nudges import zone
from bot.services.people import Workspace
from bot.services.teams import SlackUser, TeamError
from bot.views.nudges import moment_label
from bot.views.teams import (
    TeamLine,
    digest_message,
    plain_team_message,
    schedule_text,
    team_error_message,
    team_help_message,
    team_list_message,
)

logger = logging.getLogger(__name__)


def _is_admin(client: WebClient, user_id: str) -> bool:
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        logger.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def _slack_users(client: WebClient, user_ids: tuple[str, ...]) -> list[SlackUser]:
    users = []
    for user_id in user_ids:
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError:
            users.append(SlackUser(user_id, deleted=True))
            continue
        users.append(
            SlackUser(
                user_id, tz=user.get("tz"), is_bot=bool(user.get("is_bot")), deleted=bool(user.get("deleted"))
            )
        )
    return users


def _channel_problem(client: WebClient, channel_id: str) -> str | None:
    """Why the digest could not be posted in a channel, if it could not."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") == "missing_scope":
            return None  # the app may not read channels (no channels:read): the first digest will tell
        return (
            f"I can't see <#{channel_id}>. Invite Learnfit there first (`/invite @Learnfit`), then try again."
        )
    if channel.get("is_archived"):
        return f"<#{channel_id}> is archived; pick another channel."
    if not channel.get("is_member"):
        return f"Learnfit isn't in <#{channel_id}> yet. Invite it (`/invite @Learnfit`), then try again."
    return None


def _mentions(people: list[Any]) -> str:
    return ", ".join(f"<@{person.user_id}>" for person in people)


def _handle(
    scope: PersonScope, request: TeamRequest, is_admin: Callable[[], bool], users: list[SlackUser]
) -> dict[str, Any]:
    session, person, now = scope.session, scope.person, scope.now
    workspace = Workspace(person.team_id, person.enterprise_id)
    if isinstance(request, ListTeams):
        lines = [
            TeamLine(
                summary.team.name,
                summary.members,
                summary.leads,
                summary.team.digest_weekday,
                summary.team.digest_minute,
                summary.team.digest_channel_id,
            )
            for summary in teams.team_summaries(session, workspace)
        ]
        return team_list_message(lines)
    if isinstance(request, CreateTeam):
        team = teams.create_team(session, person, request.name, now=now, is_admin=is_admin)
        return plain_team_message(
            f":tada: Created *{team.name}*, led by you. Add people with `/team add {team.name} @ana @bo`. "
            f"Its digest: {schedule_text(team.digest_weekday, team.digest_minute, None)}."
        )
    team = teams.resolve_team(session, person, request.team, is_admin=is_admin)
    teams.check_can_manage(session, team, person, is_admin=is_admin)
    name = f"*{team.name}*"
    if isinstance(request, AddMembers | MakeLeads | RemoveMembers):
        people, refused = teams.people_for(session, workspace, users, now=now)
        notes = [f"Left out (a bot or a deactivated account): {_mentions_ids(refused)}."] if refused else []
        if isinstance(request, AddMembers):
            added = teams.add_members(session, team, people)
            already = [someone for someone in people if someone not in added]
            text = f"Added {_mentions(added)} to {name}." if added else f"Nobody new to add to {name}."
            if already:
                notes.append(f"Already in {name}: {_mentions(already)}.")
        elif isinstance(request, MakeLeads):
            promoted = teams.make_leads(session, team, people, now=now)
            text = (
                f"{_mentions(promoted)} now lead {name}: they get its digest and can manage it."
                if promoted
                else f"They already lead {name}."
            )
        else:
            removed = teams.remove_members(session, team, people, now=now)
            text = f"Removed {_mentions(removed)} from {name}." if removed else f"They weren't in {name}."
            if teams.lead_count(session, team) == 0:
                notes.append(
                    f":warning: {name} has no lead now, so its digest goes nowhere: `/team lead @someone`."
                )
        return plain_team_message("\n".join([text, *notes]))
    if isinstance(request, SetDigestTime):
        teams.set_digest_time(session, team, request.weekday, request.minute, now=now)
        tz = digests.team_timezone(session, team)
        following = (
            f" The next one: {moment_label(team.next_digest_at.astimezone(zone(tz)))} ({tz})."
            if team.next_digest_at
            else ""
        )
        return plain_team_message(
            f"{name}'s digest: {schedule_text(team.digest_weekday, team.digest_minute, team.digest_channel_id)}."
            + following
        )
    if isinstance(request, SetDigestChannel):
        teams.set_digest_channel(session, team, request.channel_id)
        where = f"in <#{request.channel_id}>" if request.channel_id else "to each lead's DM"
        return plain_team_message(f"{name}'s digest now goes {where}.")
    assert isinstance(request, PreviewDigest)
    # This week's digest now: the seven days up to and including today.
    tz = digests.team_timezone(session, team)
    end_day = now.astimezone(zone(tz)).date() + timedelta(days=1)
    return digest_message(digests.build_digest(session, team, end_day=end_day, tz=tz), preview=True)


def _mentions_ids(user_ids: list[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)


def register(app: App, deps: Deps) -> None:
    @app.command("/team")
    def team_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        try:
            request = parse_team(command.get("text", ""))
        except CommandError as exc:
            ack(**team_error_message(exc.message))
            return
        if isinstance(request, ShowTeamHelp):
            ack(**team_help_message())
            return
        if isinstance(request, SetHelpChannel):
            ack()  # where /ask posts is peer help's setting: its handler answers
            handle_help_channel_command(deps, context, client, command, respond, request.text)
            return
        ack()
        user_id = command["user_id"]
        # Slack calls first, so no database transaction waits on them.
        admin: dict[str, bool] = {}

        def is_admin() -> bool:
            if "answer" not in admin:
                admin["answer"] = _is_admin(client, user_id)
            return admin["answer"]

        if not isinstance(request, ListTeams):
            is_admin()
        users = (
            _slack_users(client, request.user_ids)
            if isinstance(request, AddMembers | MakeLeads | RemoveMembers)
            else []
        )
        if isinstance(request, SetDigestChannel) and request.channel_id:
            problem = _channel_problem(client, request.channel_id)
            if problem:
                respond(**team_error_message(problem))
                return
        try:
            with person_scope(deps, context, client, user_id) as scope:
                reply = _handle(scope, request, is_admin, users)
        except TeamError as exc:
            reply = team_error_message(exc.message)
        respond(**reply)
