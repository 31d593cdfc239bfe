"""The team feed: what a person's teammates shared lately, newest first, a page at a time.

Only entries shared with the team (never private ones), only by people who share a learning team with the
viewer (never the viewer's own), only in the viewer's workspace. It shows who learned what, with skills and
link, and never minutes or counts per person. A page is a fixed number of statements, however many entries
or teammates there are: the viewer's teams, the page of entries (with their authors), their skills, and
which of them the viewer already said "Nice one" to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from models import Kudos, LearningEntry, LearningTeam, Person, TeamMember, Visibility

PAGE_SIZE = 5
# Older pages than this are a history, not a feed: "More" stops here.
MAX_OFFSET = 100
# "Recent": the feed reaches this far back, which also bounds how much of a busy workspace a page reads.
FEED_DAYS = 90


@dataclass(frozen=True)
class FeedItem:
    entry: LearningEntry
    author: str  # Slack user id
    kudos_given: bool  # the viewer said "Nice one" to it already


@dataclass(frozen=True)
class TeamFeed:
    team_names: list[str]  # the viewer's teams the feed covers (empty: in no team)
    items: list[FeedItem]
    offset: int
    has_more: bool
    learning_team_id: int | None  # the one team asked for (`/team feed Platform`), else None: all of them


def page_offset(offset: int) -> int:
    """An offset a page may start at: a multiple of the page size, 0 to MAX_OFFSET."""
    return max(0, min(MAX_OFFSET, offset - offset % PAGE_SIZE))


def _teams_query(viewer: Person, learning_team_id: int | None) -> Select[int, str]:
    query = (
        select(LearningTeam.id, LearningTeam.name)
        .join(TeamMember, TeamMember.learning_team_id == LearningTeam.id)
        .where(LearningTeam.team_id == viewer.team_id, TeamMember.person_id == viewer.id)
        .order_by(LearningTeam.name)
    )
    if learning_team_id is not None:
        query = query.where(LearningTeam.id == learning_team_id)
    return query


# Teammates' memberships, apart from the viewer's own in the same statement (made once: aliasing is costly).
_THEIRS = aliased(TeamMember)


def teammates_query(viewer: Person, team_ids: Collection[int] | Select[int]) -> Select[int]:
    """SQL: the people in any of `team_ids` (teams the viewer is in), the viewer left out."""
    return select(_THEIRS.person_id).where(
        _THEIRS.learning_team_id.in_(team_ids), _THEIRS.person_id != viewer.id
    )


def load_feed(
    session: Session, viewer: Person, *, now: datetime, offset: int = 0, learning_team_id: int | None = None
) -> TeamFeed:
    """A page of the viewer's team feed, `offset` entries in; `learning_team_id` narrows it to one team
    (only ever one the viewer is in: the teams come from the viewer's own memberships)."""
    offset = page_offset(offset)
    teams = session.execute(_teams_query(viewer, learning_team_id)).all()
    if not teams:
        return TeamFeed([], [], offset, False, learning_team_id)
    rows = session.execute(
        select(LearningEntry, Person.user_id)
        .join(Person, Person.id == LearningEntry.person_id)
        .where(
            LearningEntry.team_id == viewer.team_id,
            LearningEntry.created_at >= now - timedelta(days=FEED_DAYS),
            LearningEntry.visibility == Visibility.TEAM,
            LearningEntry.person_id.in_(teammates_query(viewer, [team_id for team_id, _ in teams])),
            Person.team_id == viewer.team_id,
            Person.is_external.is_(False),
        )
        .order_by(LearningEntry.created_at.desc(), LearningEntry.id.desc())
        .offset(offset)
        .limit(PAGE_SIZE + 1)  # one more than shown: whether there is a next page
    ).all()
    shown = rows[:PAGE_SIZE]
    given = _kudos_given(session, viewer, [entry.id for entry, _ in shown])
    items = [FeedItem(entry, author, entry.id in given) for entry, author in shown]
    return TeamFeed([name for _, name in teams], items, offset, len(rows) > PAGE_SIZE, learning_team_id)


def _kudos_given(session: Session, viewer: Person, entry_ids: list[int]) -> set[int]:
    if not entry_ids:
        return set()
    return set(
        session.scalars(
            select(Kudos.entry_id).where(Kudos.giver_id == viewer.id, Kudos.entry_id.in_(entry_ids))
        )
    )


def team_of_viewer(session: Session, viewer: Person, name: str) -> int | None:
    """The id of the viewer's team of that name (any case), or None if they are in no such team."""
    rows = session.execute(_teams_query(viewer, None)).all()
    wanted = " ".join(name.split()).lower()
    return next((team_id for team_id, team_name in rows if team_name.lower() == wanted), None)
