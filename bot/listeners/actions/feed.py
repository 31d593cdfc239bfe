"""Buttons on the team feed, on App Home or in a `/team feed` reply: "Nice one", More and Newest.

Each redraws the feed where it was clicked: App Home is published again at the same page, a `/team feed`
reply is replaced through the click's response_url. The values name ids and a page only; the entry a
"Nice one" names is checked against the database and the clicker (bot.services.kudos.give_kudos).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.home import home_for
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.services.feed import load_feed
from bot.services.kudos import KudosOutcome, give_kudos
from bot.services.people import Workspace, zone_of
from bot.views.feed import FeedPage, KudosValue, feed_message, kudos_refused_message


def _on_home(body: dict[str, Any]) -> bool:
    container = body.get("container")
    return isinstance(container, dict) and container.get("type") == "view"


def _redrawn(scope: PersonScope, page: FeedPage, *, on_home: bool) -> dict[str, Any]:
    """The feed where it was clicked, at the page it was on: the whole Home view, or the reply's message."""
    if on_home:
        return home_for(scope, feed_offset=page.offset)
    feed = load_feed(
        scope.session,
        scope.person,
        now=scope.now,
        offset=page.offset,
        learning_team_id=page.learning_team_id,
    )
    return feed_message(feed, tz=zone_of(scope.person))


def _show(
    gateway: SlackGateway, respond: Respond, user_id: str, view: dict[str, Any], *, on_home: bool
) -> None:
    if on_home:
        gateway.publish_home(user_id, view)
    else:
        respond(**view, replace_original=True)


def give_kudos_click(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    actor_is_external: bool,
) -> None:
    """ "Nice one" on a teammate's entry: stored once, then the feed redrawn with the button marked."""
    value = KudosValue.load(action.get("value"))
    if value is None or actor_is_external:
        ack()
        return
    user_id, on_home = body["user"]["id"], _on_home(body)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        outcome = give_kudos(scope.session, scope.person, value.entry_id, now=scope.now)
        scope.session.flush()
        view = _redrawn(scope, value, on_home=on_home)
    ack()  # the change is stored: now Slack hears back
    if outcome is KudosOutcome.NOT_ALLOWED and not on_home:
        respond(**kudos_refused_message(), replace_original=False)
        return
    _show(gateway, respond, user_id, view, on_home=on_home)


def page_feed(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """More and Newest: the feed again at another page."""
    ack()
    page = FeedPage.load(action.get("value"))
    if page is None:
        return
    user_id, on_home = body["user"]["id"], _on_home(body)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        view = _redrawn(scope, page, on_home=on_home)
    _show(gateway, respond, user_id, view, on_home=on_home)
