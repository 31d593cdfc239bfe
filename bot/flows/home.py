"""App Home: drawn when the person opens it, and after a change only while they may be looking at it.

A change is drawn inside the person's scope (so Home shows it) and published after the commit, at most once
per HOME_REDRAW_GAP per person; a change inside that gap is drawn once it has passed. Home's chart is drawn
when the person opens Home; a redraw after a change shows it only if it is drawn already for these numbers,
so the listener that changed something answers as fast as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.charts import (
    PICTURE_REFUSED,
    ChartDraft,
    cached_block,
    drawn_block,
    forget_chart,
    personal_draft,
)
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.services.feed import load_feed
from bot.services.fitness_card import FitnessCard, load_fitness_card
from bot.services.goals import goal_progress
from bot.services.home_visits import HOME_REDRAW_GAP, home_in_view, note_home_opened, take_home_redraw
from bot.services.people import Workspace, local_today, zone_of
from bot.views.charts import with_chart
from bot.views.feed import feed_blocks
from bot.views.goals import goal_lines
from bot.views.home import home_view
from models import Person


@dataclass(frozen=True)
class HomeRedraw:
    """What to do with App Home once a change is committed: publish `view`, redraw it `later`, or nothing."""

    view: dict[str, Any] | None = None
    later: bool = False

    def publish(self, deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> None:
        if self.view is not None:
            gateway.publish_home(user_id, self.view)
        elif self.later:
            deps.later(
                HOME_REDRAW_GAP.total_seconds(),
                lambda: redraw_home(deps, workspace, gateway, user_id, after_gap=True),
            )


def home_for(scope: PersonScope, card: FitnessCard | None = None, *, feed_offset: int = 0) -> dict[str, Any]:
    """Home as it is now, with its chart if Slack already holds it for these numbers; `feed_offset` is the
    team feed's page (More and Newest redraw Home with it)."""
    view, draft = _home_and_chart(scope, card, feed_offset=feed_offset)
    return with_chart(view, cached_block(scope.session, draft))


def _home_and_chart(
    scope: PersonScope, card: FitnessCard | None = None, *, feed_offset: int = 0
) -> tuple[dict[str, Any], ChartDraft]:
    card = card or load_fitness_card(scope.session, scope.person, now=scope.now)
    feed = load_feed(scope.session, scope.person, now=scope.now, offset=feed_offset)
    view = home_view(
        card,
        goal_blocks_for(scope.session, scope.person, now=scope.now),
        feed_blocks(feed, tz=zone_of(scope.person)),
    )
    return view, personal_draft(scope.person, card)


def goal_blocks_for(session: Session, person: Person, *, now: datetime) -> list[dict[str, Any]]:
    return goal_lines(goal_progress(session, person, now=now), today=local_today(person, now))


def home_after_change(scope: PersonScope, card: FitnessCard | None = None) -> HomeRedraw:
    """Home drawn with the change just made, if the person may be looking at it and it is their turn."""
    if not home_in_view(scope.person, scope.now):
        return HomeRedraw()
    if not take_home_redraw(scope.session, scope.person, scope.now):
        return HomeRedraw(later=True)
    return HomeRedraw(view=home_for(scope, card))


def redraw_home(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, *, after_gap: bool = False
) -> None:
    """After a change made in a transaction of its own (a goal reached), or once a redraw's gap has passed
    (`after_gap`): then a turn already taken means Home was drawn after the change, and nothing is left."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        redraw = home_after_change(scope)
    if not (after_gap and redraw.later):
        redraw.publish(deps, workspace, gateway, user_id)


def open_home(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> None:
    """The person opened the Home tab: draw it, its chart too when not drawn yet for these numbers (the
    event is acked already), unless Home was drawn moments ago (switching tabs back and forth): a change
    since then has its own redraw coming. A picture Slack refuses leaves the text."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        note_home_opened(scope.person, scope.now)
        if not take_home_redraw(scope.session, scope.person, scope.now):
            return
        view, draft = _home_and_chart(scope)
        chart = cached_block(scope.session, draft)
    # Drawn and uploaded outside the person's transaction: a slow upload holds no lock.
    chart = chart or drawn_block(deps.sessions, gateway, draft, now=deps.clock())
    refused = gateway.publish_home(user_id, with_chart(view, chart))
    if chart is not None and refused is not None and refused.error in PICTURE_REFUSED:
        forget_chart(
            deps.sessions, draft
        )  # Slack no longer shows that file: the text, and draw anew next time
        gateway.publish_home(user_id, view)
