"""Learnfit: a Slack app for learning in the flow of work."""
