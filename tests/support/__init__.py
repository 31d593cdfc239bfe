"""Test support: the test workspace's Slack requests, and a driver that speaks to the app like Slack."""
