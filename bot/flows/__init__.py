"""Flows: what happens across the database and Slack after a person acts or a job runs (publish a question,
celebrate a goal, redraw App Home, open a form with today's choices).

Each flow runs services in short transactions and talks to Slack only through the gateway, after they
commit, so a slow Slack never holds the database's write lock. Listeners and the scheduler both use them.
"""
