"""`learnfit playground`: the real Learnfit app and a local Slack in one process, on one port, in a browser."""
