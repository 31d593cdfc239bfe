"""Block Kit builders: pure functions from data to blocks and views, no I/O."""
