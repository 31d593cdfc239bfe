"""Test support: Slack-shaped payloads, signed requests, a driver that speaks to the app like Slack."""
