"""The domain: plain functions over a database session and a clock. Nothing here knows about Slack."""
