"""Every Slack listener, grouped by the surface Slack calls it from, wired in one place.

Listeners are module-level functions. What they need from the process reaches them the bolt-python way,
by argument name from the request's context, put there by `ProvideDeps`: `deps` (database sessions,
clock), `gateway` (Slack calls with one error policy, made with this request's workspace client),
`workspace` (the acting person's own workspace, also under an org-wide Enterprise Grid install) and
`actor_is_external` (the acting person is a Slack Connect partner from another organisation).
"""

from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.deps import Deps
from bot.gateway import SlackGateway
from bot.listeners import actions, commands, events, shortcuts, views
from bot.listeners.actor import is_external
from bot.listeners.payload import workspace_of


class ProvideDeps(Middleware):
    """Puts `deps`, this request's `gateway`, `workspace` and `actor_is_external` in the context, for Bolt
    to inject."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["deps"] = self.deps
        req.context["gateway"] = SlackGateway(req.context.client)
        workspace = workspace_of(req.body, req.context)
        if workspace is not None:
            req.context["workspace"] = workspace
        req.context["actor_is_external"] = is_external(req.body, req.context)
        return next()


def register_listeners(app: App, deps: Deps) -> None:
    app.use(ProvideDeps(deps))
    commands.register(app)
    actions.register(app)
    views.register(app)
    shortcuts.register(app)
    events.register(app)
