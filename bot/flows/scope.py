"""A person's scope: one database session for one person's request or job."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.gateway import SlackGateway
from bot.services.people import Workspace, get_or_create_person, take_timezone_note
from bot.views.fitness import timezone_note_message
from models import Person


@dataclass
class PersonScope:
    session: Session
    person: Person
    now: datetime


@contextmanager
def person_scope(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str
) -> Iterator[PersonScope]:
    """The person's row (created on first use, timezone from Slack), committed at the end unless it raised.

    Someone Slack gives no timezone for is told once, in their DM, that Learnfit uses UTC for them.
    """
    now = deps.clock()
    with deps.sessions() as session, session.begin():
        person = get_or_create_person(session, workspace, user_id, now=now, lookup_profile=gateway.profile_of)
        tell_about_utc = take_timezone_note(person, now)
        yield PersonScope(session, person, now)
    if tell_about_utc:
        gateway.dm(user_id, timezone_note_message())
