"""Charts in Slack: found in the cache, or drawn, uploaded as a private file and remembered, then shown as
an image block beside the text. A picture is never worth a message: if drawing, uploading or showing it
fails, the text goes alone.

For reuse: `drawn_block` (render, upload, remember) and `cached_block` work with any `ChartDraft`; the
rendering is `bot.charts` (data in, PNG bytes out) and the upload `SlackGateway.upload_image`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.charts import chart_version, render_personal_chart, render_team_chart
from bot.deps import Deps
from bot.flows.scope import person_scope
from bot.gateway import Posted, SlackGateway
from bot.services.charts import (
    ChartKey,
    cached_file_id,
    forget_file,
    person_subject,
    remember_file,
    team_subject,
)
from bot.services.digests import TeamDigest, TrendWeek
from bot.services.fitness_card import FitnessCard, load_fitness_card
from bot.services.people import Workspace
from bot.views.blocks import Block
from bot.views.charts import (
    chart_block,
    personal_alt_text,
    personal_chart,
    team_alt_text,
    team_chart,
    with_chart,
)
from bot.views.fitness import fitness_message
from models import LearningTeam, Person

logger = logging.getLogger(__name__)

# What Slack answers when it will not show an image: a message's blocks (say, a file it has not finished
# processing, or one deleted since it was cached), or a view's arguments.
PICTURE_REFUSED = frozenset({"invalid_blocks", "invalid_blocks_format", "invalid_arguments"})


@dataclass(frozen=True)
class ChartDraft:
    """A chart to show: where its image is cached, how to draw it, and what the image says in words."""

    key: ChartKey
    render: Callable[[], bytes]
    filename: str
    title: str
    alt_text: str


def personal_draft(person: Person, card: FitnessCard) -> ChartDraft:
    """The person's rings and recent weeks, on their own local day."""
    chart = personal_chart(card)
    day = card.summary.today
    return ChartDraft(
        key=ChartKey(
            team_id=person.team_id,
            enterprise_id=person.enterprise_id,
            subject=person_subject(person.id),
            day=day,
            data_version=chart_version(chart),
            person_id=person.id,
        ),
        render=partial(render_personal_chart, chart),
        filename=f"learnfit-fitness-{day.isoformat()}.png",
        title="Your learning fitness",
        alt_text=personal_alt_text(chart),
    )


def team_draft(team: LearningTeam, digest: TeamDigest, trend: list[TrendWeek], *, day: date) -> ChartDraft:
    """The team's weeks and mix: aggregates only, so no one can be picked out of the picture."""
    chart = team_chart(digest, trend)
    return ChartDraft(
        key=ChartKey(
            team_id=team.team_id,
            enterprise_id=team.enterprise_id,
            subject=team_subject(team.id),
            day=day,
            data_version=chart_version(chart),
            learning_team_id=team.id,
        ),
        render=partial(render_team_chart, chart),
        filename=f"learnfit-team-{day.isoformat()}.png",
        title="Your team's learning",
        alt_text=team_alt_text(chart),
    )


def cached_block(session: Session, draft: ChartDraft) -> Block | None:
    """The chart's image block if Slack already holds it for these numbers (one SELECT), else None."""
    file_id = cached_file_id(session, draft.key)
    return chart_block(file_id, draft.alt_text) if file_id else None


def drawn_block(
    sessions: sessionmaker[Session], gateway: SlackGateway, draft: ChartDraft, *, now: datetime
) -> Block | None:
    """Draw the chart, upload it privately and remember its file id; None (logged) if any step fails."""
    try:
        png = draft.render()
    except Exception as exc:  # a chart is a courtesy: whatever broke the drawing, the text still goes
        logger.warning("chart %s not drawn: %s", draft.filename, type(exc).__name__)
        return None
    file_id = gateway.upload_image(png, filename=draft.filename, title=draft.title, alt_text=draft.alt_text)
    if file_id is None:
        return None
    with sessions() as session, session.begin():
        remember_file(session, draft.key, file_id, now=now)
    return chart_block(file_id, draft.alt_text)


def forget_chart(sessions: sessionmaker[Session], draft: ChartDraft) -> None:
    """Slack refused the cached image: forget it, so the next view draws and uploads it again."""
    with sessions() as session, session.begin():
        forget_file(session, draft.key)


def chart_for(
    sessions: sessionmaker[Session], gateway: SlackGateway, draft: ChartDraft, *, now: datetime
) -> Block | None:
    """The chart's block, from the cache or drawn now."""
    with sessions() as session:
        cached = cached_block(session, draft)
    return cached or drawn_block(sessions, gateway, draft, now=now)


def card_with_chart(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str
) -> tuple[dict[str, Any], dict[str, Any], ChartDraft]:
    """The `/fitness` card with its chart, the card alone (for when Slack refuses the picture), and the
    chart's draft (to forget it then).

    Drawn after the command's ack, outside the person's transaction: a slow upload holds no lock.
    """
    with person_scope(deps, workspace, gateway, user_id) as scope:
        card = load_fitness_card(scope.session, scope.person, now=scope.now)
        draft = personal_draft(scope.person, card)
        cached = cached_block(scope.session, draft)
    text_only = fitness_message(card)
    chart = cached or drawn_block(deps.sessions, gateway, draft, now=deps.clock())
    return with_chart(text_only, chart), text_only, draft


def post_with_chart(
    gateway: SlackGateway,
    sessions: sessionmaker[Session],
    channel_id: str,
    message: dict[str, Any],
    draft: ChartDraft | None,
    *,
    now: datetime,
) -> Posted:
    """Post `message` with its chart; the text alone if there is no chart or Slack will not show it."""
    chart = chart_for(sessions, gateway, draft, now=now) if draft is not None else None
    if chart is None:
        return gateway.post(channel_id, message)
    posted = gateway.post(channel_id, with_chart(message, chart))
    if posted.error in PICTURE_REFUSED and draft is not None:
        forget_chart(sessions, draft)
        return gateway.post(channel_id, message)
    return posted
