"""What the scheduler would send, without sending it: `learnfit nudge --user` and `learnfit digest --dry-run`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import digests, nudges, people
from bot.services.people import Workspace
from bot.services.teams import find_team
from bot.views.nudges import moment_label, nudge_message
from bot.views.teams import digest_message
from models import LearningTeam, Person


class PreviewError(Exception):
    """Nothing to preview (no such person or team), worded for the operator."""


def _render(payload: dict[str, Any]) -> str:
    return f"text: {payload['text']}\nblocks:\n{json.dumps(payload['blocks'], indent=2, ensure_ascii=False)}"


def preview_nudge(session: Session, user_id: str, *, team_id: str | None, now: datetime) -> str:
    """The nudge this person would get if it were due now, and whether it would be skipped."""
    query = select(Person).where(Person.user_id == user_id)
    if team_id:
        query = query.where(Person.team_id == team_id)
    people = list(session.scalars(query))
    if not people:
        raise PreviewError(f"no person {user_id}{' in ' + team_id if team_id else ''} has used Learnfit")
    if len(people) > 1:
        raise PreviewError(f"{user_id} is in several workspaces: add --team with one of them")
    person = people[0]
    settings = nudges.nudge_settings(person, now)
    lines = [
        f"person: {person.user_id} in {person.team_id} ({person.tz})",
        "schedule: "
        + (
            f"next nudge {moment_label(settings.next_local)}"
            if settings.next_local
            else "no nudge scheduled (nudges off, or the person has not logged learning yet)"
        ),
    ]
    if person.deactivated_at is not None:
        lines.append(f"deactivated since {person.deactivated_at.isoformat()}: nothing is sent")
    [decision] = nudges.decide_nudges(session, [person], now=now, due_now=True)
    if decision.skip is not None:
        lines.append(f"if due now: skipped ({decision.skip.value}); the Slack status is checked at send time")
    else:
        lines.append("if due now: sent, unless their Slack status says they are away")
    facts = nudges.nudge_facts(session, person, now=now)
    lines.append(f"channel: {person.user_id} (their DM with Learnfit)")
    lines.append(_render(nudge_message(facts, settings)))
    return "\n".join(lines)


def preview_digest(session: Session, name: str, *, team_id: str | None, now: datetime) -> str:
    """The digest a team would get if it went out now, and who would get it."""
    if team_id:
        team = find_team(session, Workspace(team_id), name)
        teams = [team] if team else []
    else:
        teams = list(session.scalars(select(LearningTeam).where(LearningTeam.name == name)))
    if not teams:
        raise PreviewError(f"no team called {name!r}{' in ' + team_id if team_id else ''}")
    if len(teams) > 1:
        raise PreviewError(f"several workspaces have a team called {name!r}: add --workspace")
    team = teams[0]
    tz = digests.team_timezone(session, team)
    end_day = now.astimezone(people.zone(tz)).date()
    digest = digests.build_digest(session, team, end_day=end_day, tz=tz)
    recipients = digests.recipients(session, team)
    lines = [
        f"team: {team.name} in {team.team_id}, digest time in {tz}",
        "recipients: " + (", ".join(recipient.channel_id for recipient in recipients) or "none (no lead)"),
    ]
    if team.next_digest_at:
        lines.append(f"next digest: {moment_label(team.next_digest_at.astimezone(people.zone(tz)))}")
    lines.append(_render(digest_message(digest)))
    return "\n".join(lines)
