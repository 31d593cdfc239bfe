"""/team: learning teams and their weekly digests, managed by a workspace admin or a team's leads; and
`/team help-channel`, where /ask posts (peer help's workspace setting, which only an admin may change)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.listeners.commands.answer_in_ack import answered_in_ack, parse_text
from bot.listeners.commands.mentioned import mentioned_users
from bot.listeners.commands.team_insights import change_access, show_insights
from bot.parsing import CommandError
from bot.parsing.ask import ShowHelpChannel, parse_help_channel
from bot.parsing.team import (
    AddMembers,
    CreateTeam,
    GrantInsightsAccess,
    LeaveTeam,
    ListInsightsAccess,
    ListTeams,
    MakeLeads,
    PreviewDigest,
    RemoveMembers,
    RevokeInsightsAccess,
    SetDigestChannel,
    SetDigestTime,
    SetHelpChannel,
    SetWeeklyPost,
    ShowFeed,
    ShowInsights,
    ShowTeamHelp,
    WeeklyPostOff,
    parse_team,
)
from bot.services import digests, feed, team_posts, teams
from bot.services.help import help_channel_of, set_help_channel
from bot.services.nudges import zone
from bot.services.people import Workspace, zone_of
from bot.services.teams import SlackUser, TeamError, Welcome
from bot.views.feed import feed_message, not_in_team_message
from bot.views.format import escape
from bot.views.help import admins_only_message, ask_error_message, help_channel_message
from bot.views.team_posts import (
    NOT_YOUR_CHANNEL,
    weekly_post_channel_problem,
    weekly_post_off_message,
    weekly_post_on_message,
)
from bot.views.teams import (
    TeamLine,
    added_to_team_message,
    digest_channel_problem,
    digest_channel_set_message,
    digest_message,
    digest_time_set_message,
    leads_made_message,
    members_added_message,
    members_removed_message,
    team_created_message,
    team_error_message,
    team_help_message,
    team_left_message,
    team_list_message,
)
from models import LearningTeam, Person

# What a lead or an admin changes or previews in one team, named or the one they lead.
TeamChange = (
    AddMembers
    | RemoveMembers
    | MakeLeads
    | SetDigestTime
    | SetDigestChannel
    | PreviewDigest
    | SetWeeklyPost
    | WeeklyPostOff
)
MemberChange = AddMembers | RemoveMembers | MakeLeads
SettingChange = SetDigestTime | SetDigestChannel | PreviewDigest
WeeklyPostChange = SetWeeklyPost | WeeklyPostOff
# What anyone may do, lead or not.
ForAnyone = ListTeams | LeaveTeam
# Who besides admins may see insights (only an admin changes it).
InsightsAccess = ListInsightsAccess | GrantInsightsAccess | RevokeInsightsAccess


def team_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    request = parse_text(parse_team, command)
    if isinstance(request, ShowFeed):  # answered in the ack: a read, well inside Slack's three seconds
        ack(**_feed(deps, workspace, gateway, command["user_id"], request))
        return
    if isinstance(request, ShowInsights):
        show_insights(ack, command["user_id"], respond, workspace, deps, gateway)
        return
    if answered_in_ack(request, ack, ShowTeamHelp, team_help_message, team_error_message):
        return
    user_id = command["user_id"]
    if isinstance(request, SetHelpChannel):
        respond(**_help_channel(deps, workspace, gateway, user_id, request.text))
        return
    if isinstance(request, InsightsAccess):
        respond(**change_access(request, user_id, workspace, deps, gateway))
        return
    if isinstance(request, ForAnyone):
        respond(**_for_anyone(deps, workspace, gateway, user_id, request))
        return
    # Slack first, so no database transaction waits on it.
    is_admin = gateway.is_admin(user_id)
    users = mentioned_users(gateway, request.user_ids) if isinstance(request, MemberChange) else []
    problem = _channel_problem(gateway, user_id, request)
    if problem:
        respond(**team_error_message(problem))
        return
    welcomes: list[Welcome] = []
    try:
        with person_scope(deps, workspace, gateway, user_id) as scope:
            if isinstance(request, CreateTeam):
                reply = _create(scope, request, is_admin)
            else:
                reply, welcomes = _change(scope, request, is_admin, users)
    except TeamError as exc:  # nothing it was about is stored
        reply = team_error_message(exc.message)
    respond(**reply)
    for welcome in welcomes:  # after the commit: they are in the team whether or not Slack takes the DM
        gateway.dm(welcome.user_id, added_to_team_message(welcome))


def _channel_problem(gateway: SlackGateway, user_id: str, request: TeamChange | CreateTeam) -> str | None:
    """Why the digest or the weekly post cannot go to the channel the request names: Learnfit must be in it
    (it never joins by itself); the weekly post's must also be a channel the person can see."""
    if isinstance(request, SetDigestChannel) and request.channel_id:
        return digest_channel_problem(request.channel_id, gateway.channel(request.channel_id))
    if isinstance(request, SetWeeklyPost):
        problem = weekly_post_channel_problem(request.channel_id, gateway.channel(request.channel_id))
        if problem is None and not gateway.sees_channel(user_id, request.channel_id):
            return NOT_YOUR_CHANNEL
        return problem
    return None


def _help_channel(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, text: str
) -> dict[str, Any]:
    """`/team help-channel [#channel | off]`: anyone may see the setting; only an admin or owner may change it."""
    try:
        request = parse_help_channel(text)
    except CommandError as exc:
        return ask_error_message(escape(exc.message))
    if isinstance(request, ShowHelpChannel):
        with deps.sessions() as session:
            return help_channel_message(help_channel_of(session, workspace), changed=False)
    if not gateway.is_admin(user_id):
        return admins_only_message()
    with deps.sessions() as session, session.begin():
        set_help_channel(session, workspace, request.channel_id, now=deps.clock())
    return help_channel_message(request.channel_id, changed=True)


def _feed(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, request: ShowFeed
) -> dict[str, Any]:
    """`/team feed [Team]`: the first page of the person's team feed, as on their App Home."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        learning_team_id = None
        if request.team is not None:
            learning_team_id = feed.team_of_viewer(scope.session, scope.person, request.team)
            if learning_team_id is None:
                return not_in_team_message(request.team)
        page = feed.load_feed(scope.session, scope.person, now=scope.now, learning_team_id=learning_team_id)
        return feed_message(page, tz=zone_of(scope.person))


def _for_anyone(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, request: ForAnyone
) -> dict[str, Any]:
    """`/team list` (anyone may see the teams) and `/team leave` (anyone may leave a team they are in)."""
    try:
        with person_scope(deps, workspace, gateway, user_id) as scope:
            if isinstance(request, ListTeams):
                return _team_list(scope)
            left = teams.leave_team(scope.session, scope.person, request.team, now=scope.now)
            return team_left_message(left)
    except TeamError as exc:  # nothing it was about is stored
        return team_error_message(exc.message)


def _team_list(scope: PersonScope) -> dict[str, Any]:
    workspace = Workspace(scope.person.team_id, scope.person.enterprise_id)
    lines = [
        TeamLine(
            summary.team.name,
            summary.members,
            summary.leads,
            summary.team.digest_weekday,
            summary.team.digest_minute,
            summary.team.digest_channel_id,
        )
        for summary in teams.team_summaries(scope.session, workspace)
    ]
    return team_list_message(lines)


def _create(scope: PersonScope, request: CreateTeam, is_admin: bool) -> dict[str, Any]:
    team = teams.create_team(scope.session, scope.person, request.name, now=scope.now, is_admin=is_admin)
    return team_created_message(team)


def _change(
    scope: PersonScope, request: TeamChange, is_admin: bool, users: list[SlackUser]
) -> tuple[dict[str, Any], list[Welcome]]:
    """Change or preview the team the request means, if the person leads it or is an admin; and what the
    people it adds are to be told."""
    team = teams.resolve_team(scope.session, scope.person, request.team, is_admin=is_admin)
    teams.check_can_manage(scope.session, team, scope.person, is_admin=is_admin)
    if isinstance(request, MemberChange):
        return _change_members(scope, team, request, users)
    if isinstance(request, WeeklyPostChange):
        return _change_weekly_post(scope, team, request), []
    return _change_setting(scope, team, request), []


def _change_weekly_post(scope: PersonScope, team: LearningTeam, request: WeeklyPostChange) -> dict[str, Any]:
    if isinstance(request, WeeklyPostOff):
        team_posts.turn_off(team)
        return weekly_post_off_message(team.name)
    team_posts.turn_on(
        scope.session,
        team,
        request.channel_id,
        weekday=request.weekday,
        minute=request.minute,
        now=scope.now,
    )
    tz = digests.team_timezone(scope.session, team)
    next_post = team.next_weekly_post_at.astimezone(zone(tz)) if team.next_weekly_post_at else None
    return weekly_post_on_message(team, tz, next_post)


def _change_setting(scope: PersonScope, team: LearningTeam, request: SettingChange) -> dict[str, Any]:
    if isinstance(request, SetDigestTime):
        teams.set_digest_time(scope.session, team, request.weekday, request.minute, now=scope.now)
        tz = digests.team_timezone(scope.session, team)
        next_digest = team.next_digest_at.astimezone(zone(tz)) if team.next_digest_at else None
        return digest_time_set_message(team, tz, next_digest)
    if isinstance(request, SetDigestChannel):
        teams.set_digest_channel(scope.session, team, request.channel_id)
        return digest_channel_set_message(team.name, request.channel_id)
    # This week's digest now: the seven days up to and including today.
    tz = digests.team_timezone(scope.session, team)
    end_day = scope.now.astimezone(zone(tz)).date() + timedelta(days=1)
    return digest_message(digests.build_digest(scope.session, team, end_day=end_day, tz=tz), preview=True)


def _change_members(
    scope: PersonScope, team: LearningTeam, request: MemberChange, users: list[SlackUser]
) -> tuple[dict[str, Any], list[Welcome]]:
    session = scope.session
    workspace = Workspace(scope.person.team_id, scope.person.enterprise_id)
    mentioned = teams.people_for(session, workspace, users, now=scope.now)
    people = mentioned.people
    if isinstance(request, RemoveMembers):
        removed = teams.remove_members(session, team, people, now=scope.now)
        leaderless = teams.lead_count(session, team) == 0
        return members_removed_message(team.name, _user_ids(removed), mentioned, leaderless=leaderless), []
    joining = teams.not_members(session, team, people)  # adding and making leads both add newcomers
    if isinstance(request, AddMembers):
        added = teams.add_members(session, team, people)
        already = [someone for someone in people if someone not in added]
        reply = members_added_message(team.name, _user_ids(added), _user_ids(already), mentioned)
    else:
        promoted = teams.make_leads(session, team, people, now=scope.now)
        reply = leads_made_message(team.name, _user_ids(promoted), mentioned)
    return reply, teams.welcomes(session, team, joining, by=scope.person)


def _user_ids(people: list[Person]) -> list[str]:
    return [person.user_id for person in people]
