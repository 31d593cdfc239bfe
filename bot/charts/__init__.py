"""Charts drawn as PNG bytes for Slack image blocks: pure functions, data in, bytes out (matplotlib Agg)."""
